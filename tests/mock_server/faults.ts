/**
 * Faults the mock server injects, and a seeded schedule that draws them at
 * given rates.
 *
 * @module
 */

/** A fault the mock server can inject into one response. */
export type MockFault =
  /** 429 with `retry-after-ms`, `retry-after` and reset headers. */
  | "rate_limit"
  /** 500 internal server error. */
  | "server_error"
  /** 503 service unavailable. */
  | "unavailable"
  /** 529 `overloaded_error` (Anthropic's overload status; OpenAI paths send it too). */
  | "overloaded"
  /** A response held back for `slowMs`, past any sensible client timeout. */
  | "slow"
  /** 200 with a truncated JSON body, or an SSE event whose data is not JSON. */
  | "malformed"
  /** 200 headers, then the connection is closed in the middle of the body. */
  | "drop"
  /**
   * A streamed response that breaks off with an error event: OpenAI's
   * `{"error": ...}` data, Anthropic's `event: error` with `overloaded_error`.
   * Without streaming it is a 500.
   */
  | "stream_error"
  /** OpenAI's 429 `insufficient_quota`, or Anthropic's 402 `billing_error`. */
  | "insufficient_quota"
  /** 401 invalid API key, with the key echoed in the message as OpenAI does. */
  | "unauthorized";

/** Every fault name, for validating headers and model suffixes. */
export const MOCK_FAULTS: readonly MockFault[] = [
  "rate_limit",
  "server_error",
  "unavailable",
  "overloaded",
  "slow",
  "malformed",
  "drop",
  "stream_error",
  "insufficient_quota",
  "unauthorized",
];

/** Request details passed to a fault schedule. */
export interface MockRequestInfo {
  /** `openai` or `anthropic`, from the route. */
  api: "openai" | "anthropic";
  /** Model name from the body, any `@fault` suffix removed. */
  model: string;
  /** Value of the `Idempotency-Key` header, when sent. */
  key: string | undefined;
  /** Arrival index of this request for its key (or overall without a key), from 0. */
  attempt: number;
  /** Arrival index over all requests, from 0. */
  index: number;
}

/** Decides the fault of a request; undefined means no fault. */
export type FaultSchedule = (info: MockRequestInfo) => MockFault | undefined;

/** Rate per fault in [0, 1]; rates must sum to at most 1. */
export type FaultRates = Partial<Record<MockFault, number>>;

/**
 * Build a schedule that draws a fault per request at the given rates from a
 * seeded generator, so a run is reproducible for a seed and arrival order.
 *
 * @throws {RangeError} when a rate is outside [0, 1] or the rates sum above 1.
 */
export function randomFaults(rates: FaultRates, seed = 1): FaultSchedule {
  let total = 0;
  for (const [fault, rate] of Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new RangeError(`invalid rate ${rate} for fault ${fault}: expected a number in [0, 1]`);
    }
    total += rate;
  }
  if (total > 1 + 1e-9) {
    throw new RangeError(`invalid fault rates: they sum to ${total}, expected at most 1`);
  }

  const random = mulberry32(seed);
  const entries = Object.entries(rates) as [MockFault, number][];
  return () => {
    let draw = random();
    for (const [fault, rate] of entries) {
      if (draw < rate) return fault;
      draw -= rate;
    }
    return undefined;
  };
}

/** Mulberry32, a small seeded generator of uniform numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parse a fault name from a header or a model suffix; undefined when not a fault. */
export function parseFault(text: string | null | undefined): MockFault | undefined {
  if (text == null) return undefined;
  return (MOCK_FAULTS as readonly string[]).includes(text) ? text as MockFault : undefined;
}
