/**
 * The dated price table: USD per million tokens for the OpenAI and Anthropic
 * models ablab prices by name.
 *
 * Each row carries the day its price took effect and where it was read. Check
 * a row that has a `note` before trusting it for billing. When a vendor
 * changes a price, add a row with the new `valid_from` and keep the old one:
 * lookups take the latest row that is valid on the day asked for.
 *
 * @module
 */
import type { Price, ProviderName } from "../schema/mod.ts";

/** One row of the price table. */
export interface PriceEntry {
  /** Vendor that sells the model. */
  provider: Exclude<ProviderName, "simulated">;
  /**
   * Model name as the vendor's API takes it; a dated snapshot name only where
   * that snapshot has a price of its own.
   */
  model: string;
  /** Prices in USD per million tokens and the first day they apply. */
  price: Price & { cached_input: number; cache_write: number; valid_from: string };
  /** Page the price was read from, and when. */
  source: string;
  /** Reason to doubt the row, when there is one. */
  note?: string;
}

const OPENAI_QUOTED = "OpenAI API pricing as quoted by secondary pages (price guides, " +
  "open-source cost libraries), checked 2026-12";
const OPENAI_RECALLED = "OpenAI launch announcement price, recalled; no page opened";
const OPENAI_MODEL_PAGE = "OpenAI model page developers.openai.com/api/docs/models/gpt-5-nano, " +
  "checked 2026-12";
const ANTHROPIC_PRICING =
  "Anthropic pricing page platform.claude.com/docs/en/about-claude/pricing, " +
  "checked 2026-12";

/** Mark for rows not read from the vendor's own page. */
const UNVERIFIED = "NOTE: not read from the vendor's page; verify before billing";

/**
 * OpenAI bills no extra for cache writes, so `cache_write` equals `input`.
 * Anthropic bills 5-minute cache writes at 1.25x input and cache reads at
 * 0.1x input; 1-hour cache writes (2x input) are not modelled here.
 */
export const PRICE_TABLE: readonly PriceEntry[] = [
  // OpenAI.
  {
    provider: "openai",
    model: "gpt-4o",
    price: {
      input: 2.5,
      cached_input: 1.25,
      cache_write: 2.5,
      output: 10,
      valid_from: "2024-10-02",
    },
    source: OPENAI_QUOTED,
    note: UNVERIFIED,
  },
  {
    provider: "openai",
    model: "gpt-4o-2024-05-13",
    price: { input: 5, cached_input: 5, cache_write: 5, output: 15, valid_from: "2024-05-13" },
    source: OPENAI_RECALLED,
    note:
      `${UNVERIFIED}; this first gpt-4o snapshot kept its launch price and had no cache discount`,
  },
  {
    provider: "openai",
    model: "gpt-4o-mini",
    price: {
      input: 0.15,
      cached_input: 0.075,
      cache_write: 0.15,
      output: 0.6,
      valid_from: "2024-07-18",
    },
    source: OPENAI_QUOTED,
    note: UNVERIFIED,
  },
  {
    provider: "openai",
    model: "gpt-4.1",
    price: { input: 2, cached_input: 0.5, cache_write: 2, output: 8, valid_from: "2025-04-14" },
    source: OPENAI_QUOTED,
  },
  {
    provider: "openai",
    model: "gpt-4.1-mini",
    price: {
      input: 0.4,
      cached_input: 0.1,
      cache_write: 0.4,
      output: 1.6,
      valid_from: "2025-04-14",
    },
    source: OPENAI_QUOTED,
  },
  {
    provider: "openai",
    model: "gpt-4.1-nano",
    price: {
      input: 0.1,
      cached_input: 0.025,
      cache_write: 0.1,
      output: 0.4,
      valid_from: "2025-04-14",
    },
    source: OPENAI_QUOTED,
    note: "NOTE: one secondary source lists cached input at 0.03; 0.025 is 75% off input",
  },
  {
    provider: "openai",
    model: "o3",
    price: { input: 2, cached_input: 0.5, cache_write: 2, output: 8, valid_from: "2025-06-10" },
    source: OPENAI_RECALLED,
    note: `${UNVERIFIED}; o3 cost 10 in / 40 out before the cut of 2025-06-10`,
  },
  {
    provider: "openai",
    model: "o4-mini",
    price: {
      input: 1.1,
      cached_input: 0.275,
      cache_write: 1.1,
      output: 4.4,
      valid_from: "2025-04-16",
    },
    source: OPENAI_RECALLED,
    note: UNVERIFIED,
  },
  {
    provider: "openai",
    model: "gpt-5",
    price: {
      input: 1.25,
      cached_input: 0.125,
      cache_write: 1.25,
      output: 10,
      valid_from: "2025-08-07",
    },
    source: OPENAI_QUOTED,
    note: UNVERIFIED,
  },
  {
    provider: "openai",
    model: "gpt-5-mini",
    price: {
      input: 0.25,
      cached_input: 0.025,
      cache_write: 0.25,
      output: 2,
      valid_from: "2025-08-07",
    },
    source: OPENAI_QUOTED,
    note: UNVERIFIED,
  },
  {
    provider: "openai",
    model: "gpt-5-nano",
    price: {
      input: 0.05,
      cached_input: 0.005,
      cache_write: 0.05,
      output: 0.4,
      valid_from: "2025-08-07",
    },
    source: OPENAI_MODEL_PAGE,
  },

  // Anthropic.
  {
    provider: "anthropic",
    model: "claude-3-5-haiku",
    price: { input: 0.8, cached_input: 0.08, cache_write: 1, output: 4, valid_from: "2024-12-01" },
    source: ANTHROPIC_PRICING,
    note: "NOTE: valid_from is approximate; the launch price of 2024-11-04 was 1 in / 5 out",
  },
  {
    provider: "anthropic",
    model: "claude-3-7-sonnet",
    price: { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15, valid_from: "2025-02-24" },
    source: ANTHROPIC_PRICING,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-4",
    price: { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15, valid_from: "2025-05-22" },
    source: ANTHROPIC_PRICING,
    note: "NOTE: prompts over 200k tokens with the 1M context beta cost 6 in / 22.5 out",
  },
  {
    provider: "anthropic",
    model: "claude-opus-4",
    price: {
      input: 15,
      cached_input: 1.5,
      cache_write: 18.75,
      output: 75,
      valid_from: "2025-05-22",
    },
    source: ANTHROPIC_PRICING,
  },
  {
    provider: "anthropic",
    model: "claude-opus-4-1",
    price: {
      input: 15,
      cached_input: 1.5,
      cache_write: 18.75,
      output: 75,
      valid_from: "2025-08-05",
    },
    source: ANTHROPIC_PRICING,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    price: { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15, valid_from: "2025-09-29" },
    source: ANTHROPIC_PRICING,
    note: "NOTE: prompts over 200k tokens with the 1M context beta cost 6 in / 22.5 out",
  },
  {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    price: { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5, valid_from: "2025-10-15" },
    source: ANTHROPIC_PRICING,
  },
];
