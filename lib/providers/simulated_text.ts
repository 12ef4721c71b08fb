/**
 * Deterministic randomness and text composition for the simulated provider.
 *
 * @module
 */
import type { Message } from "./provider.ts";

/**
 * Creates a pseudo-random generator seeded from a string: 32-bit FNV-1a of
 * the UTF-8 bytes seeds mulberry32, so every platform draws the same stream.
 *
 * @param key String that identifies the stream, such as seed, model and call key.
 * @returns A function returning numbers in [0, 1).
 */
export function seededRandom(key: string): () => number {
  let state = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    state = Math.imul(state ^ byte, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws from a lognormal distribution by the Box-Muller transform.
 *
 * @param random Uniform source in [0, 1).
 * @param median Median of the distribution.
 * @param sigma Standard deviation of the underlying normal.
 */
export function lognormal(random: () => number, median: number, sigma: number): number {
  const u1 = 1 - random();
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.exp(sigma * z);
}

/** Style cues in a prompt and how they shape the simulated answer. */
interface Style {
  lengthFactor: number;
  /** Opening lines to pick from; empty when the prompt forbids greetings. */
  openers: readonly string[];
  bullets: boolean;
  /** Sentence limit the prompt sets, such as "at most three sentences". */
  maxSentences: number;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
};

const NEUTRAL_OPENERS = ["Here is an answer.", "Let us look at this.", "In short:"];
const FRIENDLY_OPENERS = ["Happy to help!", "Great question!", "Sure thing, let's dig in."];
const FORMAL_OPENERS = [
  "Certainly.",
  "Thank you for your request.",
  "Please find the answer below.",
];

const STOPWORDS = new Set(
  ("about above after again against also among because been before being below between both " +
    "cannot could does doing down during each from further have having here into itself just " +
    "more most only other over same should some such than that their them then there these " +
    "they this those through under until very what when where which while will with would " +
    "your yours answer please question user reply following").split(" "),
);

const TEMPLATES: readonly string[] = [
  "The main point about {0} is how it relates to {1}.",
  "{0} matters here because it shapes {1}.",
  "A good first step is to look at {0}.",
  "Consider {0} together with {1} and {2}.",
  "In practice, {0} tends to depend on {1}.",
  "One common mistake is to ignore {0}.",
  "It helps to compare {0} with {1}.",
  "The evidence on {0} points in a clear direction.",
  "Keep {0} in mind when you weigh {1}.",
  "Overall, {0} is the deciding factor.",
];

/**
 * Composes an answer that echoes the prompt's salient words and reflects its
 * style cues (concise, detailed, friendly, formal, bullet points).
 *
 * @param messages The request's messages; the system message sets the style.
 * @param meanWords Typical output length in words before style scaling.
 * @param random Uniform source that makes the output deterministic.
 * @returns The output text.
 */
export function composeOutput(
  messages: readonly Message[],
  meanWords: number,
  random: () => number,
): string {
  const prompt = messages.map((message) => message.content).join("\n");
  const style = detectStyle(prompt.toLowerCase());
  const keywords = salientWords(messages.filter((m) => m.role !== "system"));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const targetWords = Math.max(
    5,
    Math.round(meanWords * style.lengthFactor * (0.7 + 0.6 * random())),
  );

  const sentences = style.openers.length > 0 ? [pick(style.openers)] : [];
  let words = sentences.length > 0 ? sentences[0]!.split(" ").length : 0;
  while (words < targetWords && sentences.length < style.maxSentences) {
    const sentence = pick(TEMPLATES).replace(/\{(\d)\}/g, () => pick(keywords));
    const text = sentence.charAt(0).toUpperCase() + sentence.slice(1);
    sentences.push(style.bullets ? `- ${text}` : text);
    words += text.split(" ").length;
  }
  return sentences.join(style.bullets ? "\n" : " ");
}

function detectStyle(prompt: string): Style {
  let lengthFactor = 1;
  if (/\b(concise|brief|short|terse|one sentence|succinct)\b/.test(prompt)) lengthFactor = 0.5;
  else if (/\b(detailed|thorough|in depth|step by step|elaborate)\b/.test(prompt)) {
    lengthFactor = 1.6;
  }

  let openers = NEUTRAL_OPENERS;
  if (/\b(friendly|warm|casual|cheerful|empathetic)\b/.test(prompt)) openers = FRIENDLY_OPENERS;
  else if (/\b(formal|professional|polite)\b/.test(prompt)) openers = FORMAL_OPENERS;

  if (/\bno (greetings?|salutations?)\b/.test(prompt)) openers = [];

  const limit = prompt.match(
    /\b(?:at most|no more than|up to|in)\s+(one|two|three|four|five|six|\d+)\s+sentences?\b/,
  );
  const maxSentences = limit ? NUMBER_WORDS[limit[1]!] ?? Number(limit[1]) : Infinity;

  return {
    lengthFactor,
    openers,
    bullets: /\b(bullet|bullets|bulleted|list)\b/.test(prompt),
    maxSentences: Math.max(1, maxSentences),
  };
}

/** Distinct words of 4+ letters from the user messages, stopwords left out, in order. */
function salientWords(messages: readonly Message[]): string[] {
  const seen = new Set<string>();
  for (const message of messages) {
    for (const word of message.content.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]{3,}/gu) ?? []) {
      if (!STOPWORDS.has(word)) seen.add(word);
    }
  }
  return seen.size > 0 ? [...seen].slice(0, 24) : ["the request"];
}
