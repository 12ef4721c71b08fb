/**
 * Anthropic Messages wire format for the mock server: JSON and SSE responses
 * with cache usage, and the error bodies Anthropic sends.
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

/** What an Anthropic response or error needs besides the request body. */
export interface AnthropicContext {
  model: string;
  stream: boolean;
  answer: MockAnswer;
  fault: MockFault | undefined;
  /** Headers a 429 carries. */
  rateLimitHeaders: Headers;
  gapMs: number;
  signal: AbortSignal;
}

/** Build the response to one Messages request. */
export function anthropicResponse(context: AnthropicContext): Response {
  const error = anthropicError(context);
  if (error !== undefined) return error;

  const { answer, model } = context;
  const id = `msg_mock_${crypto.randomUUID().replaceAll("-", "")}`;
  // Anthropic reports uncached input apart from cache reads and writes.
  // Thinking tokens are part of output_tokens, broken out in output_tokens_details.
  const usage = {
    input_tokens: answer.usage.promptTokens - answer.usage.cachedTokens -
      answer.usage.cacheWriteTokens,
    cache_creation_input_tokens: answer.usage.cacheWriteTokens,
    cache_read_input_tokens: answer.usage.cachedTokens,
    output_tokens: answer.usage.completionTokens,
    output_tokens_details: answer.usage.reasoningTokens > 0
      ? { thinking_tokens: answer.usage.reasoningTokens }
      : null,
  };

  if (!context.stream) {
    const body = {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: answer.text }],
      stop_reason: "end_turn",
      stop_sequence: null,
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

  const events: SseEvent[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          id,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    },
    {
      event: "content_block_start",
      data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    },
    { event: "ping", data: { type: "ping" } },
  ];
  for (const piece of answer.chunks) {
    events.push({
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } },
    });
  }
  events.push(
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: {
          output_tokens: usage.output_tokens,
          output_tokens_details: usage.output_tokens_details,
        },
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  );

  if (context.fault === "malformed") {
    events.splice(3, 0, { event: "content_block_delta", data: '{"type": "content_block_del' });
  }
  if (context.fault === "stream_error") {
    events.splice(4, events.length, {
      event: "error",
      data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    });
  }
  return sseResponse(events, {
    gapMs: context.gapMs,
    signal: context.signal,
    ...(context.fault === "drop" ? { dropAfter: 3 } : {}),
  });
}

function anthropicError(context: AnthropicContext): Response | undefined {
  const body = (status: number, type: string, message: string) =>
    jsonResponse({ type: "error", error: { type, message } }, status);

  switch (context.fault) {
    case "rate_limit": {
      const response = body(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization.",
      );
      for (const [name, value] of context.rateLimitHeaders) response.headers.set(name, value);
      return response;
    }
    case "insufficient_quota":
      return body(
        402,
        "billing_error",
        "Your credit balance is too low to access the Anthropic API.",
      );
    case "unauthorized":
      return body(401, "authentication_error", "invalid x-api-key");
    case "stream_error":
      // Only a streamed response can fail after it started.
      if (context.stream) return undefined;
      return body(500, "api_error", "Internal server error");
    case "server_error":
      return body(500, "api_error", "Internal server error");
    case "unavailable":
      return body(503, "api_error", "Service unavailable");
    case "overloaded":
      return body(529, "overloaded_error", "Overloaded");
    default:
      return undefined;
  }
}
