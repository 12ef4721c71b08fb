/**
 * Pieces shared by the OpenAI and Anthropic wire formats of the mock server:
 * the canned response, its token usage, delays and SSE bodies.
 *
 * @module
 */

/** Token usage the mock reports for a response, in OpenAI's terms. */
export interface MockUsage {
  /** Every input token, cached reads and cache writes included. */
  promptTokens: number;
  /** Output tokens, reasoning tokens included. */
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/** Usage extras the mock adds to every response. */
export interface UsageExtras {
  /** Prompt tokens reported as read from the cache, capped at the prompt size. Default 0. */
  cachedTokens?: number;
  /** Prompt tokens reported as written to the cache, capped at the rest of the prompt. Default 0. */
  cacheWriteTokens?: number;
  /** Reasoning tokens added to the completion tokens. Default 0. */
  reasoningTokens?: number;
}

/** The canned response to a request and what the mock reports it cost. */
export interface MockAnswer {
  /** Output split into the chunks a stream sends, one word each. */
  chunks: string[];
  text: string;
  usage: MockUsage;
}

/**
 * Build the response to a list of messages: `outputWords` words that start by
 * quoting the last message, so tests can tell responses apart.
 */
export function buildAnswer(
  messages: Array<{ content: unknown }>,
  options: { outputWords: number; extras: UsageExtras },
): MockAnswer {
  let characters = 0;
  let last = "";
  for (const message of messages) {
    const text = typeof message.content === "string"
      ? message.content
      : JSON.stringify(message.content);
    characters += text.length;
    last = text;
  }

  const words = ["reply", "to", ...last.split(/\s+/).filter((word) => word !== "")];
  while (words.length < options.outputWords) words.push("lorem");
  words.length = options.outputWords;
  const chunks = words.map((word, index) => (index === 0 ? word : ` ${word}`));

  const promptTokens = Math.max(1, Math.ceil(characters / 4));
  const cachedTokens = Math.min(options.extras.cachedTokens ?? 0, promptTokens);
  const cacheWriteTokens = Math.min(
    options.extras.cacheWriteTokens ?? 0,
    promptTokens - cachedTokens,
  );
  const reasoningTokens = options.extras.reasoningTokens ?? 0;
  return {
    chunks,
    text: chunks.join(""),
    usage: {
      promptTokens,
      completionTokens: words.length + reasoningTokens,
      cachedTokens,
      cacheWriteTokens,
      reasoningTokens,
    },
  };
}

/** Resolve after `ms` milliseconds, or reject when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** One server-sent event; `event` is left out for OpenAI, which sends data lines only. */
export interface SseEvent {
  event?: string;
  /** Serialized as JSON unless a string, which is sent as is. */
  data: unknown;
}

/**
 * Build an SSE response that sends `events` with `gapMs` between them. When
 * `dropAfter` is set, the body ends after that many events, short of its
 * declared `content-length`, so the client sees the connection break.
 */
export function sseResponse(
  events: SseEvent[],
  options: { gapMs: number; signal: AbortSignal; dropAfter?: number },
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for (const [index, event] of events.entries()) {
          if (options.dropAfter !== undefined && index >= options.dropAfter) break;
          if (index > 0) await delay(options.gapMs, options.signal);
          const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
          const prefix = event.event === undefined ? "" : `event: ${event.event}\n`;
          controller.enqueue(encoder.encode(`${prefix}data: ${data}\n\n`));
        }
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const headers = new Headers({ "content-type": "text/event-stream", "cache-control": "no-cache" });
  if (options.dropAfter !== undefined) headers.set("content-length", String(DECLARED_LENGTH));
  return new Response(body, { headers });
}

/**
 * Body length declared by a dropped response. It is longer than any body the
 * mock sends, so the client reads a short body as a broken connection.
 * Erroring the stream instead would make Deno print the error.
 */
const DECLARED_LENGTH = 1_000_000;

/** Build a 200 response whose body breaks off after a valid-looking prefix. */
export function droppedBodyResponse(prefix: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(prefix));
      controller.close();
    },
  });
  return new Response(body, {
    headers: { "content-type": "application/json", "content-length": String(DECLARED_LENGTH) },
  });
}

/** Build a JSON response. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers);
  merged.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: merged });
}
