/**
 * The OpenAI provider: chat completions through the official `openai` SDK,
 * against api.openai.com or any OpenAI-compatible base URL (vLLM, Ollama,
 * LM Studio). The SDK's own retries are off because `callWithRetry` owns the
 * retry policy.
 *
 * @module
 */
import OpenAI from "openai";
import type { Logger } from "../log.ts";
import { nullLogger } from "../log.ts";
import type { CallRequest, CallResponse, Provider, Usage } from "./provider.ts";
import { ProviderError } from "./provider.ts";
import {
  classifyHttpError,
  type ErrorContext,
  malformedResponseError,
  scrubSecret,
} from "./errors.ts";
import { mapSdkError, type SdkErrors } from "./sdk_errors.ts";
import { acceptsPlaceholderKey, SdkClients } from "./sdk_clients.ts";
import { StreamTimer } from "./streaming.ts";

/** Environment variable read for the key when `api_key_env` is absent. */
export const OPENAI_KEY_ENV = "OPENAI_API_KEY";

/** Options for `OpenAIProvider`. */
export interface OpenAIProviderOptions {
  /** Environment variables to read API keys from. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives warnings. Default `nullLogger`. */
  logger?: Logger;
}

/**
 * Calls OpenAI chat completions. Streams when `ModelConfig.stream` is set,
 * asking for usage in the final chunk, and records time to first token and
 * output tokens per second.
 *
 * `ModelConfig.params` is merged into the request body unchanged. The call
 * key is sent as an `Idempotency-Key` header for gateways and servers that
 * deduplicate on it.
 *
 * NOTE: the public API documents no idempotency header for this endpoint, so
 * a retried call can still be billed twice there; ablab records it once.
 */
export class OpenAIProvider implements Provider {
  readonly name = "openai";
  readonly #clients: SdkClients<OpenAI>;

  constructor(options: OpenAIProviderOptions = {}) {
    const logger = options.logger ?? nullLogger;
    this.#clients = new SdkClients({
      provider: this.name,
      defaultKeyEnv: OPENAI_KEY_ENV,
      env: options.env ?? {},
      logger,
      create: (settings) => new OpenAI(settings),
      placeholderKey(model, keyEnv) {
        if (!acceptsPlaceholderKey(model)) return undefined;
        // The SDK requires a key, so a local server without one gets a placeholder.
        logger.debug("no API key for a custom base URL; sending a placeholder", {
          model: model.model,
          base_url: model.base_url,
          api_key_env: keyEnv,
        });
        return "no-key";
      },
    });
  }

  /**
   * Send one chat completion request.
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
        const completion = await client.chat.completions.create(
          { ...body, stream: false },
          options,
        );
        return readCompletion(completion, context);
      }
      const stream = await client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        options,
      );
      return await readStream(stream, timer, context);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw mapSdkError(error, context, OPENAI_ERRORS);
    }
  }
}

/** Build the request body shared by the streaming and non-streaming calls. */
function buildBody(request: CallRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const { model } = request;
  const body: Record<string, unknown> = {
    model: model.model,
    messages: request.messages.map((message) => ({
      role: message.role,
      content: message.content,
    })),
  };
  if (model.temperature !== undefined) body.temperature = model.temperature;
  if (model.top_p !== undefined) body.top_p = model.top_p;
  if (model.max_tokens !== undefined) {
    // api.openai.com rejects max_tokens for reasoning models, while many
    // compatible servers only know max_tokens.
    // NOTE: a compatible server that needs max_completion_tokens can get it through params.
    const field = model.base_url === undefined ? "max_completion_tokens" : "max_tokens";
    body[field] = model.max_tokens;
  }
  Object.assign(body, model.params ?? {});
  return body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
}

/** Normalize OpenAI usage; a field the server did not report is null. */
export function openaiUsage(usage: OpenAI.CompletionUsage | null | undefined): Usage {
  return {
    prompt_tokens: usage?.prompt_tokens ?? null,
    completion_tokens: usage?.completion_tokens ?? null,
    total_tokens: usage?.total_tokens ?? null,
    cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? null,
    // OpenAI caches prompts automatically and reports no cache writes.
    cache_write_tokens: null,
    reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
  };
}

function readCompletion(completion: OpenAI.Chat.ChatCompletion, context: ErrorContext) {
  const choice = completion?.choices?.[0];
  if (choice === undefined) {
    throw malformedResponseError(new Error("the response has no choices"), context);
  }
  return {
    output: choice.message?.content ?? "",
    finish_reason: choice.finish_reason ?? null,
    usage: openaiUsage(completion.usage),
    ttft_ms: null,
    output_tokens_per_s: null,
    simulated: false,
  } satisfies CallResponse;
}

async function readStream(
  stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>,
  timer: StreamTimer,
  context: ErrorContext,
): Promise<CallResponse> {
  let output = "";
  let finishReason: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;

  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    const piece = choice?.delta?.content;
    if (piece) {
      timer.markContent();
      output += piece;
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  if (finishReason === null && output === "") {
    throw malformedResponseError(new Error("the stream ended without content"), context);
  }
  const normalized = openaiUsage(usage);
  return {
    output,
    finish_reason: finishReason,
    usage: normalized,
    ttft_ms: timer.ttftMs(),
    output_tokens_per_s: timer.outputTokensPerSecond(normalized.completion_tokens),
    simulated: false,
  };
}

/** The OpenAI SDK's error classes, for `mapSdkError`. */
const OPENAI_ERRORS: SdkErrors = {
  base: OpenAI.OpenAIError,
  connectionTimeout: OpenAI.APIConnectionTimeoutError,
  connection: OpenAI.APIConnectionError,
  userAbort: OpenAI.APIUserAbortError,
  classify(error, context) {
    if (!(error instanceof OpenAI.APIError)) return undefined;
    const body = error.error as { message?: unknown } | undefined;
    const message = typeof body?.message === "string" ? body.message : error.message;
    if (typeof error.status === "number") {
      return classifyHttpError({
        status: error.status,
        message,
        code: error.code,
        type: error.type,
        headers: error.headers,
      }, context);
    }
    // An error object inside a stream has no status, because the server failed mid-response.
    return new ProviderError(
      `${context.provider} model ${context.model}: error in stream: ${
        scrubSecret(message, context.secret)
      }`,
      { retryable: true, ...(error.code ? { code: error.code } : {}), cause: error },
    );
  },
};
