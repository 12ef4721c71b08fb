/**
 * The Anthropic provider: the Messages API through the official
 * `@anthropic-ai/sdk`. The SDK's own retries are off because `callWithRetry`
 * owns the retry policy.
 *
 * @module
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import type { CallRequest, CallResponse, Provider, Usage } from "./provider.ts";
import { classifyHttpError, type ErrorContext, malformedResponseError } from "./errors.ts";
import { mapSdkError, type SdkErrors } from "./sdk_errors.ts";
import { SdkClients } from "./sdk_clients.ts";
import { StreamTimer } from "./streaming.ts";

/** Environment variable read for the key when `api_key_env` is absent. */
export const ANTHROPIC_KEY_ENV = "ANTHROPIC_API_KEY";

/**
 * `max_tokens` sent when the model config sets none, because the Messages API
 * requires one. It caps the response and does not change what a shorter response costs.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** HTTP status implied by an error type that arrives inside a stream, where there is no status. */
const STREAM_ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  timeout_error: 408,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** Options for `AnthropicProvider`. */
export interface AnthropicProviderOptions {
  /** Environment variables to read API keys from. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives warnings. Default `nullLogger`. */
  logger?: Logger;
}

/**
 * Calls the Anthropic Messages API. System messages go to the top-level
 * `system` field. Streams when `ModelConfig.stream` is set and records time to
 * first token and output tokens per second.
 *
 * `ModelConfig.params` is merged into the request body unchanged. The call
 * key is sent as an `Idempotency-Key` header for gateways and servers that
 * deduplicate on it.
 *
 * NOTE: the public API documents no idempotency header for this endpoint, so
 * a retried call can still be billed twice there; ablab records it once.
 */
export class AnthropicProvider implements Provider {
  readonly name = "anthropic";
  readonly #clients: SdkClients<Anthropic>;

  constructor(options: AnthropicProviderOptions = {}) {
    this.#clients = new SdkClients({
      provider: this.name,
      defaultKeyEnv: ANTHROPIC_KEY_ENV,
      env: options.env ?? {},
      logger: options.logger ?? nullLogger,
      create: (settings) => new Anthropic(settings),
    });
  }

  /**
   * Send one Messages request.
   *
   * @throws {ProviderError} classified by `errors.ts`; a missing API key is
   *   fatal for the model. Throws the signal's reason when the request aborts.
   */
  async call(request: CallRequest): Promise<CallResponse> {
    const { model, signal } = request;
    const { client, context, options } = this.#clients.prepare(request);
    const body = buildBody(request);

    const timer = new StreamTimer();
    try {
      if (!model.stream) {
        const message = await client.messages.create({ ...body, stream: false }, options);
        return readMessage(message, context);
      }
      const stream = await client.messages.create({ ...body, stream: true }, options);
      return await readStream(stream, timer, context);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw mapSdkError(error, context, ANTHROPIC_ERRORS);
    }
  }
}

/** Build the request body shared by the streaming and non-streaming calls. */
function buildBody(request: CallRequest): Anthropic.MessageCreateParamsNonStreaming {
  const { model } = request;
  const system = request.messages.filter((message) => message.role === "system")
    .map((message) => message.content).join("\n\n");
  const body: Record<string, unknown> = {
    model: model.model,
    max_tokens: model.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: request.messages.filter((message) => message.role !== "system")
      .map((message) => ({ role: message.role, content: message.content })),
  };
  if (system !== "") body.system = system;
  if (model.temperature !== undefined) body.temperature = model.temperature;
  if (model.top_p !== undefined) body.top_p = model.top_p;
  Object.assign(body, model.params ?? {});
  return body as unknown as Anthropic.MessageCreateParamsNonStreaming;
}

/** Usage fields as Anthropic reports them, in a message or a stream event. */
interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Normalize Anthropic usage. Anthropic counts uncached input apart from
 * cache reads and writes, so `prompt_tokens` adds the three; a field the API
 * did not report is null.
 */
export function anthropicUsage(usage: AnthropicUsageFields | null | undefined): Usage {
  const input = usage?.input_tokens ?? null;
  const cacheWrite = usage?.cache_creation_input_tokens ?? null;
  const cacheRead = usage?.cache_read_input_tokens ?? null;
  const output = usage?.output_tokens ?? null;
  const prompt = input === null ? null : input + (cacheWrite ?? 0) + (cacheRead ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt === null || output === null ? null : prompt + output,
    cached_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    reasoning_tokens: usage?.output_tokens_details?.thinking_tokens ?? null,
  };
}

function readMessage(message: Anthropic.Message, context: ErrorContext): CallResponse {
  if (!Array.isArray(message?.content)) {
    throw malformedResponseError(new Error("the response has no content array"), context);
  }
  let output = "";
  for (const block of message.content) {
    if (block.type === "text") output += block.text;
  }
  return {
    output,
    finish_reason: message.stop_reason ?? null,
    usage: anthropicUsage(message.usage),
    ttft_ms: null,
    output_tokens_per_s: null,
    simulated: false,
  };
}

async function readStream(
  stream: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  timer: StreamTimer,
  context: ErrorContext,
): Promise<CallResponse> {
  let output = "";
  let finishReason: string | null = null;
  let usage: AnthropicUsageFields | undefined;
  let stopped = false;

  for await (const event of stream) {
    if (event.type === "message_start") {
      usage = { ...event.message.usage };
    } else if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
      timer.markContent();
      output += event.delta.text;
    } else if (event.type === "message_delta") {
      finishReason = event.delta.stop_reason ?? finishReason;
      // The delta's counts are cumulative; fields it leaves null keep the start's values.
      const delta = event.usage as AnthropicUsageFields;
      usage = { ...usage };
      for (const [field, value] of Object.entries(delta)) {
        if (value !== null && value !== undefined) {
          (usage as Record<string, unknown>)[field] = value;
        }
      }
    } else if (event.type === "message_stop") {
      stopped = true;
    }
  }
  if (!stopped) {
    throw malformedResponseError(new Error("the stream ended before message_stop"), context);
  }
  const normalized = anthropicUsage(usage);
  return {
    output,
    finish_reason: finishReason,
    usage: normalized,
    ttft_ms: timer.ttftMs(),
    output_tokens_per_s: timer.outputTokensPerSecond(normalized.completion_tokens),
    simulated: false,
  };
}

/** The Anthropic SDK's error classes, for `mapSdkError`. */
const ANTHROPIC_ERRORS: SdkErrors = {
  base: Anthropic.AnthropicError,
  connectionTimeout: Anthropic.APIConnectionTimeoutError,
  connection: Anthropic.APIConnectionError,
  userAbort: Anthropic.APIUserAbortError,
  classify(error, context) {
    if (!(error instanceof Anthropic.APIError)) return undefined;
    // An error event inside a stream has a type but no status.
    const status = typeof error.status === "number"
      ? error.status
      : STREAM_ERROR_STATUS[error.type ?? ""];
    if (status === undefined) return undefined;
    return classifyHttpError({
      status,
      message: error.apiMessage ?? error.message,
      code: error.errorCode,
      type: error.type,
      headers: error.headers,
    }, context);
  },
};
