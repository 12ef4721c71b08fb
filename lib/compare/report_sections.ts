/**
 * The report sections of the comparison layer: position bias per rater kind,
 * agreement between raters, and each LLM judge's consistency and cost, as a
 * `writeReport` extension.
 *
 * @module
 */
import {
  escapeCell,
  escapeInline,
  formatCount,
  formatPercent,
  formatUsd,
} from "../report/format.ts";
import type { ReportSection } from "../report/build_report.ts";
import type { ReportExtension } from "../report/write_report.ts";
import type { Rating, RatingDimension } from "../schema/mod.ts";
import { type DimensionAgreement, measureAgreement } from "./agreement.ts";
import { latestRatings } from "../stats/latest_ratings.ts";
import { combineOrders, parseJudgeComment } from "./judge_prompt.ts";
import { type PositionBias, positionBias, raterKind } from "./position_bias.ts";

/**
 * Build the position-bias, rater-agreement and LLM-judge sections from a
 * test's ratings.
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
  const judges = summarizeJudges(ratings);
  const sections: ReportSection[] = [
    { id: "position-bias", title: "Position bias", markdown: biasMarkdown(bias), data: bias },
    {
      id: "rater-agreement",
      title: "Rater agreement",
      markdown: agreementMarkdown(agreement),
      data: agreement,
    },
  ];
  if (judges.length > 0) {
    sections.push({
      id: "llm-judge",
      title: "LLM judge",
      markdown: judgeMarkdown(judges),
      data: judges,
    });
  }
  return sections;
}

/** Ratings, order consistency and cost of one LLM judge, from its stored ratings. */
export interface JudgeReport {
  rater_id: string;
  /** Pairs the judge rated. */
  pairs: number;
  /** Dimension verdicts that differed between the two orders and were stored as ties. */
  inconsistent: number;
  /** Dimension verdicts over all pairs. */
  verdicts: number;
  /** Sum of known costs in USD over every stored rating, replaced ones included. */
  cost_usd: number;
  /** Stored ratings whose cost is unknown, because the model has no price or the rating predates cost records. */
  cost_unknown_pairs: number;
}

/**
 * Summarize each judge's stored ratings. Pairs and verdicts count only the
 * judge's latest rating of each pair, like every other rating statistic, but
 * the cost sums every stored rating because each one was a paid call.
 */
export function summarizeJudges(ratings: readonly Rating[]): JudgeReport[] {
  const byJudge = new Map<string, JudgeReport>();
  const counted = new Set(latestRatings(ratings));
  for (const rating of ratings) {
    if (raterKind(rating.rater_id) !== "judge") continue;
    const entry = byJudge.get(rating.rater_id) ??
      {
        rater_id: rating.rater_id,
        pairs: 0,
        inconsistent: 0,
        verdicts: 0,
        cost_usd: 0,
        cost_unknown_pairs: 0,
      };
    const orders = parseJudgeComment(rating.comment);
    if (orders === undefined || orders.cost_usd === undefined || orders.cost_usd === null) {
      entry.cost_unknown_pairs++;
    } else {
      entry.cost_usd += orders.cost_usd;
    }
    byJudge.set(rating.rater_id, entry);
    if (!counted.has(rating)) continue;

    entry.pairs++;
    if (orders !== undefined) {
      const { inconsistent } = combineOrders(orders);
      entry.inconsistent += inconsistent.length;
      entry.verdicts += Object.keys(orders.ab).length;
    }
  }
  return [...byJudge.values()].sort((x, y) => (x.rater_id < y.rater_id ? -1 : 1));
}

function judgeMarkdown(rows: readonly JudgeReport[]): string {
  const lines = [
    "Each pair is judged twice, once with each arm on the left. A dimension whose two",
    "verdicts disagree is stored as a tie.",
    "",
    "| judge | pairs | order-inconsistent verdicts | cost | ratings with unknown cost |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const share = row.verdicts === 0 ? "" : ` (${formatPercent(row.inconsistent / row.verdicts)})`;
    lines.push(
      `| ${escapeCell(row.rater_id)} | ${formatCount(row.pairs)} | ${
        formatCount(row.inconsistent)
      }${share} | ${formatUsd(row.cost_usd)} | ${formatCount(row.cost_unknown_pairs)} |`,
    );
  }
  return lines.join("\n");
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

  const notes = rows.filter((row) => row.human_agreement_note !== null);
  if (notes.length > 0) lines.push("");
  for (const row of notes) {
    lines.push(`- ${escapeInline(row.dimension)}: ${row.human_agreement_note}.`);
  }
  return lines.join("\n");
}

function formatStat(value: number | null): string {
  return value === null ? "—" : value.toFixed(3);
}

function formatP(value: number): string {
  return value < 0.001 ? "< 0.001" : value.toFixed(3);
}
