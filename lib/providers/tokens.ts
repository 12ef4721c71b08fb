/**
 * A rough token count for text when no tokenizer is at hand: used for cost
 * estimates before a run and by the simulated provider.
 *
 * @module
 */
import type { Message } from "./provider.ts";

/**
 * Characters per token in English text for OpenAI and Anthropic tokenizers.
 * This is a rule of thumb, and code or non-Latin scripts use more tokens per
 * character.
 */
export const CHARS_PER_TOKEN = 4;

/** Tokens assumed per message for its role and separators; an estimate, not a tokenizer count. */
export const TOKENS_PER_MESSAGE = 3;

/**
 * Estimates the token count of a text as one token per 4 characters, rounded up.
 *
 * @param text Text to count.
 * @returns An estimate, not a tokenizer count; 0 for an empty string.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * Estimates the prompt tokens of a chat request: each message's text plus a
 * fixed overhead per message.
 *
 * @param messages The chat messages sent.
 * @returns An estimate of `prompt_tokens`.
 */
export function estimatePromptTokens(messages: readonly Message[]): number {
  let tokens = 0;
  for (const message of messages) tokens += estimateTokens(message.content) + TOKENS_PER_MESSAGE;
  return tokens;
}
