/**
 * The classification each provider must give every fault the mock server
 * injects, and the check both provider tests run against it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Provider, ProviderError } from "../../lib/providers/provider.ts";
import { callRequest, mockModel, TEST_KEY } from "./fixtures.ts";
import type { MockFault, MockServer } from "./mod.ts";

/** The error a provider must throw for one injected fault. */
export interface ExpectedFault {
  fault: MockFault;
  name: string;
  status: number | undefined;
  retryable: boolean;
  fatal: boolean;
  message: RegExp;
}

/** Where the two wire formats differ: the overload message, quota exhaustion and a rejected key. */
export interface FaultDifferences {
  overloaded: RegExp;
  quota: { status: number; message: RegExp };
  unauthorized: RegExp;
}

/** Lists the expected error of every fault, for streaming and non-streaming calls alike. */
export function expectedFaults(differences: FaultDifferences): ExpectedFault[] {
  const retried = { name: "ProviderError", retryable: true, fatal: false };
  const stopsModel = { name: "ProviderError", retryable: false, fatal: true };
  return [
    {
      fault: "rate_limit",
      name: "RateLimitError",
      status: 429,
      retryable: true,
      fatal: false,
      message: /: rate limited \(HTTP 429\)/,
    },
    { fault: "server_error", ...retried, status: 500, message: /HTTP 500/ },
    { fault: "unavailable", ...retried, status: 503, message: /HTTP 503/ },
    { fault: "overloaded", ...retried, status: 529, message: differences.overloaded },
    { fault: "malformed", ...retried, status: undefined, message: /malformed response/ },
    { fault: "drop", ...retried, status: undefined, message: /connection failed/ },
    { fault: "insufficient_quota", ...stopsModel, ...differences.quota },
    { fault: "unauthorized", ...stopsModel, status: 401, message: differences.unauthorized },
  ];
}

/**
 * Calls `provider` once per fault and checks the error: class, status,
 * retry and stop flags, message prefix and text, no API key in the message,
 * and exactly one request, because the SDK's own retries are off.
 */
export async function assertFaultsClassified(
  provider: Provider,
  server: MockServer,
  options: { api: "openai" | "anthropic"; model: string; stream: boolean; faults: ExpectedFault[] },
): Promise<void> {
  for (const expected of options.faults) {
    const model = mockModel(server, options.api, {
      model: `${options.model}@${expected.fault}`,
      stream: options.stream,
    });
    const before = server.stats.requests;
    await assert.rejects(provider.call(callRequest(model)), (error) => {
      assert.ok(error instanceof ProviderError, `${expected.fault}: ${error}`);
      assert.equal(error.name, expected.name, expected.fault);
      assert.equal(error.status, expected.status, expected.fault);
      assert.equal(error.retryable, expected.retryable, expected.fault);
      assert.equal(error.fatalForModel, expected.fatal, expected.fault);
      assert.ok(error.message.startsWith(`${options.api} model ${model.model}: `), error.message);
      assert.match(error.message, expected.message, expected.fault);
      assert.ok(!error.message.includes(TEST_KEY), `${expected.fault} leaks the key`);
      return true;
    });
    assert.equal(server.stats.requests - before, 1, expected.fault);
  }
}
