/**
 * The LLM judge: rates every comparison pair of a test in both presentation
 * orders through the engine's retry policy, and stores one rating per pair
 * with rater id `judge:<model id>`.
 *
 * @module
 */
import pLimit from "p-limit";
import { callWithRetry } from "../engine/retry.ts";
import { type Logger, nullLogger } from "../log.ts";
import { costUsd, PriceBook } from "../providers/pricing.ts";
import type { Provider } from "../providers/provider.ts";
import { createProvider } from "../providers/registry.ts";
import type { ABTest, ComparisonPair, ModelConfig, TestResult } from "../schema/mod.ts";
import type { Store } from "../store/store.ts";
import { blindPair } from "./blind.ts";
import {
  buildJudgeMessages,
  combineOrders,
  formatJudgeComment,
  type JudgeInput,
  type JudgeOrders,
  parseVerdict,
  simulatedVerdict,
} from "./judge_prompt.ts";

/** Options for {@linkcode runJudge}. */
export interface RunJudgeOptions {
  store: Store;
  /** Pairs to judge. Default: every stored pair of the test. */
  pairs?: ComparisonPair[];
  /** Builds the judge's provider. Default `createProvider` with `env`. */
  provider?: (model: ModelConfig) => Provider;
  /** Environment the default provider reads API keys from. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Pairs judged at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Clock for rating timestamps. Default `() => new Date()`. */
  now?: () => Date;
}

/** Counts and cost of one judge run. */
export interface JudgeSummary {
  /** `judge:<model id>`. */
  rater_id: string;
  /** Pairs rated in this run. */
  judged: number;
  /** Pairs the judge had already rated, skipped without a call. */
  skipped: number;
  /** Pairs whose calls failed or whose verdict could not be parsed; nothing stored for them. */
  failed: number;
  /** Provider calls made, two per judged pair. */
  calls: number;
  /** Sum of known call costs in USD. */
  cost_usd: number;
  /** Calls whose cost is unknown because the judge model has no price. */
  cost_unknown_calls: number;
  /** Dimension verdicts that differed between the two orders and were stored as ties. */
  inconsistent: number;
  /** True when the verdicts came from the simulated stand-in. */
  simulated: boolean;
}

/**
 * Judge a test's comparison pairs with its configured LLM judge.
 *
 * Each pair is shown twice, once with each arm as A. A dimension whose two
 * verdicts disagree once the sides are swapped back is stored as a tie. The
 * idempotency key is `judge:<model>:<pair id>`, so running the judge again
 * only rates new pairs.
 *
 * @throws {RangeError} When the test has no judge or names a model it lacks.
 */
export async function runJudge(test: ABTest, options: RunJudgeOptions): Promise<JudgeSummary> {
  const model = resolveJudgeModel(test);
  const logger = options.logger ?? nullLogger;
  const now = options.now ?? (() => new Date());
  const provider = options.provider?.(model) ??
    createProvider(model, { env: options.env ?? {}, logger });
  const priceBook = new PriceBook({ logger });
  const raterId = `judge:${model.id}`;
  const rubric = test.judge!.rubric;

  const [pairs, results, ratings] = await Promise.all([
    options.pairs ?? options.store.listComparisons(test.id),
    options.store.readResults(test.id),
    options.store.listRatings(test.id),
  ]);
  const resultsByCallKey = new Map<string, TestResult>(results.map((row) => [row.call_key, row]));
  const done = new Set(ratings.filter((r) => r.rater_id === raterId).map((r) => r.comparison_id));

  const summary: JudgeSummary = {
    rater_id: raterId,
    judged: 0,
    skipped: 0,
    failed: 0,
    calls: 0,
    cost_usd: 0,
    cost_unknown_calls: 0,
    inconsistent: 0,
    simulated: false,
  };

  // One verdict per presentation order, priced as it arrives.
  const ask = async (pair: ComparisonPair, order: "ab" | "ba", input: JudgeInput) => {
    const { response } = await callWithRetry(provider, {
      model,
      messages: buildJudgeMessages(input),
      callKey: `${test.id}|${raterId}|${pair.id}|${order}`,
      seed: test.seed,
      repeat: 0,
    }, { ...(options.signal === undefined ? {} : { signal: options.signal }), logger });
    summary.calls++;
    const price = priceBook.priceFor(model);
    const cost = price === undefined ? null : costUsd(response.usage, price);
    if (cost === null) summary.cost_unknown_calls++;
    else summary.cost_usd += cost;

    try {
      return { verdict: parseVerdict(response.output, test.rating_dimensions), cost };
    } catch (error) {
      if (!response.simulated) throw error;
      // SIMULATED: the simulated provider writes filler text, so derive a stand-in verdict.
      summary.simulated = true;
      return { verdict: simulatedVerdict(input, { seed: test.seed }), cost };
    }
  };

  const limit = pLimit(options.concurrency ?? 8);
  await Promise.all(pairs.map((pair) =>
    limit(async () => {
      if (done.has(pair.id)) {
        summary.skipped++;
        return;
      }
      const view = blindPair(test, pair, resultsByCallKey);
      if (view === undefined) {
        summary.failed++;
        logger.warn("judge skipped a pair without both outputs", { comparison_id: pair.id });
        return;
      }

      const base = { rubric, dimensions: test.rating_dimensions, vars: view.vars };
      let orders: JudgeOrders;
      try {
        const [ab, ba] = await Promise.all([
          ask(pair, "ab", { ...base, a: view.a, b: view.b }),
          ask(pair, "ba", { ...base, a: view.b, b: view.a }),
        ]);
        const cost = ab.cost === null || ba.cost === null ? null : ab.cost + ba.cost;
        orders = { ab: ab.verdict, ba: ba.verdict, cost_usd: cost };
      } catch (error) {
        options.signal?.throwIfAborted();
        summary.failed++;
        logger.warn("judge call failed", {
          comparison_id: pair.id,
          rater_id: raterId,
          error: (error as Error).message,
        });
        return;
      }

      const { verdict, inconsistent } = combineOrders(orders);
      summary.inconsistent += inconsistent.length;
      await options.store.putRating({
        comparison_id: pair.id,
        test_id: test.id,
        rater_id: raterId,
        choices: verdict,
        comment: formatJudgeComment(orders),
        idempotency_key: `${raterId}:${pair.id}`,
        created_at: now().toISOString(),
      });
      summary.judged++;
    })
  ));

  logger.info(`judge ${test.id} -> ${summary.judged} pairs rated`, { ...summary });
  return summary;
}

/**
 * Resolve the judge's model: an id from the test's models, or a full model
 * definition.
 *
 * @throws {RangeError} When the test has no judge or the id names no model of the test.
 */
export function resolveJudgeModel(test: ABTest): ModelConfig {
  if (test.judge === undefined) {
    throw new RangeError(`Test "${test.id}" has no judge: add a judge with a model and rubric`);
  }
  const model = test.judge.model;
  if (typeof model !== "string") return model;

  const found = test.models.find((entry) => entry.id === model);
  if (found === undefined) {
    throw new RangeError(
      `Judge model "${model}" of test "${test.id}" is not one of its models; use a model id or a full model definition`,
    );
  }
  return found;
}
