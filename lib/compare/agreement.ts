/**
 * Agreement between raters on one test's ratings: Cohen's kappa of each LLM
 * judge against the human raters, and agreement among the human raters
 * (Krippendorff's alpha, plus Fleiss' kappa when every pair has the same
 * number of human ratings).
 *
 * @module
 */
import type { Rating, RatingDimension } from "../schema/mod.ts";
import { latestRatings } from "../stats/latest_ratings.ts";
import { cohenKappa, fleissKappa, krippendorffAlpha } from "./kappa.ts";
import { raterKind } from "./position_bias.ts";

/** Cohen's kappa of one judge against human verdicts on one dimension. */
export interface JudgeAgreement {
  /** `judge:<model>`. */
  rater_id: string;
  /** (judge verdict, human verdict) pairs: each human rating of a pair the judge also rated. */
  n: number;
  /** Share of those pairs with the same verdict. */
  percent_agreement: number | null;
  cohen_kappa: number | null;
}

/** Agreement on one dimension. */
export interface DimensionAgreement {
  dimension: string;
  judges: JudgeAgreement[];
  /** Comparison pairs with at least two human ratings. */
  human_items: number;
  /** Distinct human raters. */
  human_raters: number;
  krippendorff_alpha: number | null;
  /** Null unless every counted pair has the same number of human ratings. */
  fleiss_kappa: number | null;
  /** Reason that `krippendorff_alpha` or `fleiss_kappa` is null, or null when both are computed. */
  human_agreement_note: string | null;
}

/**
 * Pairs with two or more human ratings needed before alpha and Fleiss' kappa
 * are shown: with one pair, a single disagreement gives kappa = -1 and
 * alpha = 0, which read as findings but only restate that one pair.
 */
export const MIN_AGREEMENT_ITEMS = 2;

const CHOICES = ["A", "B", "tie", "both_bad"] as const;

/**
 * Measure judge-human and human-human agreement per dimension.
 *
 * Only each rater's latest rating of a pair counts, so a rater who changed
 * their mind is not counted as agreeing with themselves.
 *
 * @param ratings Stored ratings of one test.
 * @param dimensions The test's rating dimensions.
 */
export function measureAgreement(
  ratings: readonly Rating[],
  dimensions: readonly RatingDimension[],
): DimensionAgreement[] {
  const latest = latestRatings(ratings);

  return dimensions.map((dimension) => {
    const humans = new Map<string, string[]>();
    const judges = new Map<string, Map<string, string>>();
    const humanRaters = new Set<string>();
    for (const rating of latest) {
      const choice = rating.choices[dimension.id];
      if (choice === undefined) continue;
      if (raterKind(rating.rater_id) === "human") {
        humanRaters.add(rating.rater_id);
        humans.set(rating.comparison_id, [...(humans.get(rating.comparison_id) ?? []), choice]);
      } else {
        const verdicts = judges.get(rating.rater_id) ?? new Map<string, string>();
        verdicts.set(rating.comparison_id, choice);
        judges.set(rating.rater_id, verdicts);
      }
    }

    const judgeRows: JudgeAgreement[] = [...judges.keys()].sort().map((raterId) => {
      const judgeLabels: string[] = [];
      const humanLabels: string[] = [];
      for (const [comparisonId, verdict] of judges.get(raterId)!) {
        for (const label of humans.get(comparisonId) ?? []) {
          judgeLabels.push(verdict);
          humanLabels.push(label);
        }
      }
      const agreed = judgeLabels.filter((label, i) => label === humanLabels[i]).length;
      return {
        rater_id: raterId,
        n: judgeLabels.length,
        percent_agreement: judgeLabels.length === 0 ? null : agreed / judgeLabels.length,
        cohen_kappa: cohenKappa(judgeLabels, humanLabels),
      };
    });

    const units = [...humans.values()].filter((labels) => labels.length >= 2);
    const human = humanAgreement(units);

    return {
      dimension: dimension.id,
      judges: judgeRows,
      human_items: units.length,
      human_raters: humanRaters.size,
      ...human,
    };
  });
}

/** Alpha and Fleiss' kappa of the human ratings, each null with the reason when not computable. */
function humanAgreement(
  units: readonly string[][],
): Pick<DimensionAgreement, "krippendorff_alpha" | "fleiss_kappa" | "human_agreement_note"> {
  if (units.length < MIN_AGREEMENT_ITEMS) {
    return {
      krippendorff_alpha: null,
      fleiss_kappa: null,
      human_agreement_note: `not computable: ${units.length} pair(s) have 2 or more human ` +
        `ratings, ${MIN_AGREEMENT_ITEMS} are needed`,
    };
  }

  const alpha = krippendorffAlpha(units);
  const sizes = new Set(units.map((labels) => labels.length));
  const fleiss = sizes.size === 1
    ? fleissKappa(units.map((labels) => CHOICES.map((c) => labels.filter((l) => l === c).length)))
    : null;
  const notes: string[] = [];
  if (alpha === null) notes.push("alpha not computable: every human rating has the same verdict");
  if (sizes.size !== 1) {
    notes.push("Fleiss' kappa not computed: pairs have different numbers of human ratings");
  } else if (fleiss === null) {
    notes.push("Fleiss' kappa not computable: every human rating has the same verdict");
  }
  return {
    krippendorff_alpha: alpha,
    fleiss_kappa: fleiss,
    human_agreement_note: notes.length === 0 ? null : notes.join("; "),
  };
}
