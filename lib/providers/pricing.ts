/**
 * Price lookup and cost computation from the dated price table.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import type { ModelConfig, Price } from "../schema/mod.ts";
import type { Usage } from "./provider.ts";
import { PRICE_TABLE, type PriceEntry } from "./prices.ts";

/** Snapshot suffixes vendors append to a model name: `-2024-07-18`, `-20250514` or `-latest`. */
const SNAPSHOT_SUFFIX = /^-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** Options for `priceFor()`. */
export interface PriceForOptions {
  /**
   * Vendor to look in; `simulated` and undefined look in every vendor's rows,
   * so a simulated `gpt-4o-mini` costs what the real one does.
   */
  provider?: string;
  /** Day (YYYY-MM-DD) the price must be valid on. Default: the latest row. */
  asOf?: string;
  /** Table to search. Default `PRICE_TABLE`. */
  table?: readonly PriceEntry[];
}

/**
 * Finds the price of a model: by exact name first, then by the name without
 * a snapshot suffix (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`).
 *
 * @param model Model name as sent to the provider.
 * @param options Vendor, day and table.
 * @returns The price, or undefined when the table has no row for the model.
 * @example
 * ```ts
 * priceFor("gpt-4o-mini-2024-07-18")?.input; // 0.15
 * ```
 */
export function priceFor(model: string, options: PriceForOptions = {}): Price | undefined {
  const table = options.table ?? PRICE_TABLE;
  const vendor = options.provider === "simulated" ? undefined : options.provider;

  const rows = table.filter((row) =>
    (vendor === undefined || row.provider === vendor) &&
    (options.asOf === undefined || row.price.valid_from <= options.asOf)
  );
  const exact = latest(rows.filter((row) => row.model === model));
  if (exact) return exact.price;

  // Otherwise the longest base name whose remainder is a snapshot suffix.
  let best: PriceEntry[] = [];
  for (const row of rows) {
    if (!model.startsWith(row.model) || !SNAPSHOT_SUFFIX.test(model.slice(row.model.length))) {
      continue;
    }
    if (best.length === 0 || row.model.length > best[0]!.model.length) best = [row];
    else if (row.model === best[0]!.model) best.push(row);
  }
  return latest(best)?.price;
}

function latest(rows: PriceEntry[]): PriceEntry | undefined {
  let found: PriceEntry | undefined;
  for (const row of rows) {
    if (found === undefined || row.price.valid_from > found.price.valid_from) found = row;
  }
  return found;
}

/**
 * Computes the cost of one call in USD.
 *
 * Uncached input (`prompt - cached - cache_write`) is billed at `input`,
 * cache reads at `cached_input`, cache writes at `cache_write` (both default
 * to `input`), and completion tokens, reasoning included, at `output`.
 * Cached and cache-write counts that were not reported count as 0.
 *
 * @param usage Token usage of the call.
 * @param price Prices in USD per million tokens.
 * @returns The cost in USD, or null when prompt or completion tokens were not reported.
 * @example
 * ```ts
 * costUsd(
 *   { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500,
 *     cached_tokens: null, cache_write_tokens: null, reasoning_tokens: null },
 *   { input: 2, output: 8 },
 * ); // 0.006
 * ```
 */
export function costUsd(usage: Usage, price: Price): number | null {
  if (usage.prompt_tokens === null || usage.completion_tokens === null) return null;

  const cached = usage.cached_tokens ?? 0;
  const cacheWrite = usage.cache_write_tokens ?? 0;
  const uncached = Math.max(0, usage.prompt_tokens - cached - cacheWrite);

  const microDollars = uncached * price.input +
    cached * (price.cached_input ?? price.input) +
    cacheWrite * (price.cache_write ?? price.input) +
    usage.completion_tokens * price.output;
  return microDollars / 1_000_000;
}

/** Options for `PriceBook`. */
export interface PriceBookOptions {
  /** Receives one warning per model whose price is unknown. Default `nullLogger`. */
  logger?: Logger;
  /** Table to search. Default `PRICE_TABLE`. */
  table?: readonly PriceEntry[];
}

/**
 * Prices the models of a run: a model's own `price` override wins over the
 * table, and an unknown model is warned about once, then costs null.
 */
export class PriceBook {
  #logger: Logger;
  #table: readonly PriceEntry[];
  #warned = new Set<string>();

  constructor(options: PriceBookOptions = {}) {
    this.#logger = options.logger ?? nullLogger;
    this.#table = options.table ?? PRICE_TABLE;
  }

  /**
   * Finds the price of a model config.
   *
   * @param model The model; `model.price` wins when set.
   * @returns The price, or undefined (after one warning per model) when unknown.
   */
  priceFor(model: Pick<ModelConfig, "id" | "provider" | "model" | "price">): Price | undefined {
    if (model.price) return model.price;

    const price = priceFor(model.model, { provider: model.provider, table: this.#table });
    if (price === undefined) {
      const key = `${model.provider}/${model.model}`;
      if (!this.#warned.has(key)) {
        this.#warned.add(key);
        this.#logger.warn(
          `No price for model "${model.model}" (${model.provider}, model id "${model.id}"): ` +
            `costs are null; set price (USD per million tokens, input and output) in that ` +
            `model's entry of the experiment file to record them`,
          { model_id: model.id, model: model.model, provider: model.provider },
        );
      }
    }
    return price;
  }

  /**
   * Computes the cost of one call of a model.
   *
   * @returns The cost in USD, or null when the price or the token counts are unknown.
   */
  costUsd(
    model: Pick<ModelConfig, "id" | "provider" | "model" | "price">,
    usage: Usage,
  ): number | null {
    const price = this.priceFor(model);
    return price === undefined ? null : costUsd(usage, price);
  }
}
