/**
 * OpenAI chat completions wire format for the mock server: JSON and SSE
 * responses with usage details, and the error bodies OpenAI sends.
 *
 * @module
 */
import type { MockFault } from "./faults.ts";
import {
  droppedBodyResponse,
  jsonResponse,
  type MockAnswer,
  type SseEvent,
  sseResponse,
} from "./wire.ts";

/** What an OpenAI response or error needs besides the request body. */
export interface OpenAIContext {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  answer: MockAnswer;
  fault: MockFault | undefined;
  /** Headers a 429 carries. */
  rateLimitHeaders: Headers;
  /** API key the client sent, echoed in a 401 message as OpenAI does. */
  sentKey: string;
  gapMs: number;
  signal: AbortSignal;
}

/** Build the response to one chat completions request. */
export function openaiResponse(context: OpenAIContext): Response {
  const error = openaiError(context);
  if (error !== undefined) return error;

  const { answer, model } = context;
  const id = `chatcmpl-mock-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = {
    prompt_tokens: answer.usage.promptTokens,
    completion_tokens: answer.usage.completionTokens,
    total_tokens: answer.usage.promptTokens + answer.usage.completionTokens,
    prompt_tokens_details: { cached_tokens: answer.usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: answer.usage.reasoningTokens, audio_tokens: 0 },
  };

  if (!context.stream) {
    const body = {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{
        index: 0,
        message: { role: "assistant", content: answer.text, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      }],
      usage,
    };
    if (context.fault === "malformed") {
      return new Response(JSON.stringify(body).slice(0, 60), {
        headers: { "content-type": "application/json" },
      });
    }
    if (context.fault === "drop") return droppedBodyResponse(JSON.stringify(body).slice(0, 60));
    return jsonResponse(body);
  }

  const chunk = (delta: object, finishReason: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(context.includeUsage ? { usage: null } : {}),
  });
  const events: SseEvent[] = [{ data: chunk({ role: "assistant", content: "" }, null) }];
  for (const piece of answer.chunks) events.push({ data: chunk({ content: piece }, null) });
  events.push({ data: chunk({}, "stop") });
  if (context.includeUsage) {
    events.push({
      data: { id, object: "chat.completion.chunk", created, model, choices: [], usage },
    });
  }
  events.push({ data: "[DONE]" });

  if (context.fault === "malformed") events.splice(2, 0, { data: '{"id": "chatcmpl-broken", ' });
  if (context.fault === "stream_error") {
    events.splice(3, events.length, {
      data: {
        error: {
          message: "The server had an error while processing your request.",
          type: "server_error",
          code: null,
        },
      },
    });
  }
  return sseResponse(events, {
    gapMs: context.gapMs,
    signal: context.signal,
    ...(context.fault === "drop" ? { dropAfter: 2 } : {}),
  });
}

function openaiError(context: OpenAIContext): Response | undefined {
  const body = (status: number, message: string, type: string, code: string | null) =>
    jsonResponse({ error: { message, type, param: null, code } }, status);

  switch (context.fault) {
    case "rate_limit": {
      const response = body(
        429,
        `Rate limit reached for ${context.model} on requests per min (RPM).`,
        "requests",
        "rate_limit_exceeded",
      );
      for (const [name, value] of context.rateLimitHeaders) response.headers.set(name, value);
      return response;
    }
    case "insufficient_quota":
      return body(
        429,
        "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota",
        "insufficient_quota",
      );
    case "unauthorized":
      return body(
        401,
        `Incorrect API key provided: ${context.sentKey}. You can find your API key in your account settings.`,
        "invalid_request_error",
        "invalid_api_key",
      );
    case "stream_error":
      // Only a streamed response can fail after it started.
      if (context.stream) return undefined;
      return body(
        500,
        "The server had an error while processing your request.",
        "server_error",
        null,
      );
    case "server_error":
      return body(
        500,
        "The server had an error while processing your request.",
        "server_error",
        null,
      );
    case "unavailable":
      return body(
        503,
        "The engine is currently overloaded, please try again later.",
        "server_error",
        null,
      );
    case "overloaded":
      return body(529, "The server is overloaded.", "server_error", null);
    default:
      return undefined;
  }
}
