/**
 * Mapping of the errors thrown by the official `openai` and
 * `@anthropic-ai/sdk` clients to `ProviderError`. Both SDKs export error
 * classes of the same names and shapes, so one mapping serves both. Each
 * provider supplies its SDK's classes and reads its own error bodies.
 *
 * @module
 */
import { ProviderError } from "./provider.ts";
import {
  connectionError,
  type ErrorContext,
  malformedResponseError,
  scrubSecret,
  TimeoutError,
} from "./errors.ts";

// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

/** An SDK's error classes and a reader of its HTTP errors. */
export interface SdkErrors {
  /** Base class of every SDK error, such as `OpenAI.OpenAIError`. */
  base: ErrorClass;
  /** `APIConnectionTimeoutError`: the SDK's own request timeout fired. */
  connectionTimeout: ErrorClass;
  /** `APIConnectionError`: the request could not be sent or the connection broke. */
  connection: ErrorClass;
  /** `APIUserAbortError`: the request's signal aborted. */
  userAbort: ErrorClass;
  /**
   * Classify an error the server sent (an `APIError` with a status, or an
   * error event inside a stream); undefined for any other error.
   */
  classify(error: unknown, context: ErrorContext): ProviderError | undefined;
}

/**
 * Map anything an SDK call threw to a `ProviderError`.
 *
 * Server errors go to `sdk.classify`. A broken or refused connection and a
 * body cut off mid-read are retried as connection errors, an unparsable body
 * as a malformed response, and the SDK's own timeout as a `TimeoutError`.
 * Anything else is a non-retryable `ProviderError` with the key scrubbed.
 */
export function mapSdkError(error: unknown, context: ErrorContext, sdk: SdkErrors): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof sdk.connectionTimeout) {
    return new TimeoutError(`${context.provider} model ${context.model}: request timed out`, {
      cause: error,
    });
  }
  if (error instanceof sdk.connection || error instanceof sdk.userAbort) {
    return connectionError(error.cause ?? error, context);
  }
  const classified = sdk.classify(error, context);
  if (classified !== undefined) return classified;
  if (error instanceof SyntaxError) return malformedResponseError(error, context);
  // A body cut off mid-read surfaces from fetch as a TypeError, or as an SDK
  // error of no more specific class.
  if (error instanceof TypeError || error instanceof sdk.base) {
    return connectionError(error, context);
  }
  return new ProviderError(
    `${context.provider} model ${context.model}: call failed: ${
      scrubSecret(String(error), context.secret)
    }`,
    { retryable: false, cause: error },
  );
}

/**
 * Read the API key of a model from `env`.
 *
 * @returns The key, or undefined when the variable is unset or empty.
 */
export function readApiKey(
  env: Readonly<Record<string, string | undefined>>,
  keyEnv: string,
): string | undefined {
  const key = env[keyEnv];
  return key === undefined || key === "" ? undefined : key;
}

/** Build the error for a missing API key; fatal for the model. */
export function missingKeyError(context: ErrorContext, keyEnv: string): ProviderError {
  return new ProviderError(
    `${context.provider} model ${context.model}: missing API key: set the environment variable ` +
      `${keyEnv} or name another one in api_key_env`,
    { code: "missing_api_key", retryable: false, fatalForModel: true },
  );
}
