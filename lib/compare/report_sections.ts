/**
 * The report sections of the comparison layer: position bias per rater kind
 * and agreement between raters, as a `writeReport` extension.
 *
 * @module
 */
import { escapeCell, formatCount, formatPercent } from "../report/format.ts";
import type { ReportSection } from "../report/build_report.ts";
import type { ReportExtension } from "../report/write_report.ts";
import type { Rating, RatingDimension } from "../schema/mod.ts";
import { type DimensionAgreement, measureAgreement } from "./agreement.ts";
import { type PositionBias, positionBias } from "./position_bias.ts";

/**
 * Build the position-bias and rater-agreement sections from a test's ratings.
 *
 * @returns No sections when there are no ratings.
 */
export function ratingSections(
  ratings: readonly Rating[],
  dimensions: readonly RatingDimension[],
): ReportSection[] {
  if (ratings.length === 0) return [];
  const bias = positionBias(ratings);
  const agreement = measureAgreement(ratings, dimensions);
  return [
    { id: "position-bias", title: "Position bias", markdown: biasMarkdown(bias), data: bias },
    {
      id: "rater-agreement",
      title: "Rater agreement",
      markdown: agreementMarkdown(agreement),
      data: agreement,
    },
  ];
}

/**
 * Create a `writeReport` extension that adds {@linkcode ratingSections}.
 *
 * @example
 * ```ts
 * await writeReport(store, testId, { extensions: [ratingReportExtension()] });
 * ```
 */
export function ratingReportExtension(): ReportExtension {
  return (context) => ({
    sections: ratingSections(context.ratings, context.test.rating_dimensions),
  });
}

function biasMarkdown(rows: readonly PositionBias[]): string {
  const source = (row: PositionBias) =>
    row.source === "ratings" ? "stored verdicts" : "single-order verdicts";
  const lines = [
    "Share of decisive verdicts (A or B) won by the side shown on the left. Sides are",
    "randomized and balanced, so an unbiased rater is near 50%. The judge's stored",
    "verdicts combine both orders; its single-order verdicts show its own bias.",
    "",
    "| raters | verdicts | decisive | left wins | left-win rate | 95% CI | p (binomial, vs 50%) |",
    "| --- | --- | ---: | ---: | ---: | --- | ---: |",
  ];
  for (const row of rows) {
    const rate = row.left_win_rate === null ? "—" : formatPercent(row.left_win_rate);
    const ci = row.ci_low === null || row.ci_high === null
      ? "—"
      : `${formatPercent(row.ci_low)} to ${formatPercent(row.ci_high)}`;
    const p = row.p_value === null ? "—" : formatP(row.p_value);
    lines.push(
      `| ${row.rater_kind} | ${source(row)} | ${formatCount(row.decisive_n)} | ${
        formatCount(row.left_wins)
      } | ${rate} | ${ci} | ${p} |`,
    );
  }
  return lines.join("\n");
}

function agreementMarkdown(rows: readonly DimensionAgreement[]): string {
  const lines = [
    "Cohen's kappa pairs each human rating with the judge's verdict on the same pair.",
    "Among humans, Krippendorff's alpha uses every pair rated by two or more people, and",
    "Fleiss' kappa is shown only when each such pair has the same number of ratings.",
    "",
    "| dimension | judge | pairs | agreement | Cohen's κ | human items | human raters | Krippendorff's α | Fleiss' κ |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const judges = row.judges.length === 0
      ? [{ rater_id: "—", n: 0, percent_agreement: null, cohen_kappa: null }]
      : row.judges;
    for (const judge of judges) {
      const agreed = judge.percent_agreement === null
        ? "—"
        : formatPercent(judge.percent_agreement);
      lines.push(
        `| ${escapeCell(row.dimension)} | ${escapeCell(judge.rater_id)} | ${
          formatCount(judge.n)
        } | ${agreed} | ${formatStat(judge.cohen_kappa)} | ${formatCount(row.human_items)} | ${
          formatCount(row.human_raters)
        } | ${formatStat(row.krippendorff_alpha)} | ${formatStat(row.fleiss_kappa)} |`,
      );
    }
  }
  return lines.join("\n");
}

function formatStat(value: number | null): string {
  return value === null ? "—" : value.toFixed(3);
}

function formatP(value: number): string {
  return value < 0.001 ? "< 0.001" : value.toFixed(3);
}
