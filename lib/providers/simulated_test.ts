import assert from "node:assert/strict";
import { type ModelConfig, ModelConfigSchema } from "../schema/mod.ts";
import type { CallRequest, Message } from "./provider.ts";
import { ProviderError, RateLimitError } from "./provider.ts";
import { createProvider } from "./registry.ts";
import { resolveProfile, SimulatedProvider } from "./simulated.ts";

function modelConfig(model: string, fields: Partial<ModelConfig> = {}): ModelConfig {
  return ModelConfigSchema.parse({ id: "m", model, ...fields });
}

function request(fields: Partial<CallRequest> = {}): CallRequest {
  return {
    model: modelConfig("gpt-4o-mini"),
    messages: [{ role: "user", content: "Explain the refund policy for damaged furniture." }],
    callKey: "t|v/m|case-1|0",
    seed: 1,
    repeat: 0,
    signal: new AbortController().signal,
    ...fields,
  };
}

const provider = new SimulatedProvider({ timeScale: 0 });

Deno.test("SimulatedProvider is deterministic per call", async () => {
  const first = await provider.call(request());
  const again = await new SimulatedProvider({ timeScale: 0 }).call(request());
  assert.deepEqual(again, first);
  assert.equal(first.simulated, true);
  assert.equal(first.finish_reason, "stop");
  assert.ok(first.latency_ms !== undefined);
  assert.ok(first.latency_ms > 0);
});

Deno.test("SimulatedProvider varies with seed and key", async () => {
  const base = await provider.call(request());
  const otherSeed = await provider.call(request({ seed: 2 }));
  const otherKey = await provider.call(request({ callKey: "t|v/m|case-1|1" }));
  assert.notEqual(otherSeed.output, base.output);
  assert.notEqual(otherKey.output, base.output);
});

Deno.test("SimulatedProvider ignores the test id", async () => {
  const model = modelConfig("o3-mini", { stream: true, profile: { error_rate: 0.3 } });
  const draws = async (testId: string) => {
    const simulated = new SimulatedProvider({ timeScale: 0 });
    const responses: unknown[] = [];
    for (const caseId of ["case-1", "case-2", "case-3", "case-4"]) {
      const callKey = `${testId}|v/m|${caseId}|0`;
      // Attempts until success, as a retrying caller makes them.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          responses.push(await simulated.call(request({ model, callKey })));
          break;
        } catch (error) {
          responses.push(`attempt ${attempt}: ${(error as Error).message}`);
        }
      }
    }
    return responses;
  };

  const first = await draws("demo-20261204T101500");
  const second = await draws("demo-20261204T101731");
  assert.deepEqual(second, first);
});

Deno.test("SimulatedProvider varies with arm and case", async () => {
  const base = await provider.call(request());
  const otherArm = await provider.call(request({ callKey: "t|w/m|case-1|0" }));
  const otherCase = await provider.call(request({ callKey: "t|v/m|case-2|0" }));
  assert.notEqual(otherArm.output, base.output);
  assert.notEqual(otherCase.output, base.output);
});

Deno.test("SimulatedProvider repeats text at temperature 0", async () => {
  const greedy = modelConfig("gpt-4o-mini", { temperature: 0 });
  const first = await provider.call(request({ model: greedy, callKey: "t|v/m|c|0", repeat: 0 }));
  const second = await provider.call(request({ model: greedy, callKey: "t|v/m|c|1", repeat: 1 }));
  assert.equal(second.output, first.output);
  assert.notEqual(second.latency_ms, first.latency_ms);

  const sampled = modelConfig("gpt-4o-mini", { temperature: 0.7 });
  const third = await provider.call(request({ model: sampled, callKey: "t|v/m|c|0", repeat: 0 }));
  const fourth = await provider.call(request({ model: sampled, callKey: "t|v/m|c|1", repeat: 1 }));
  assert.notEqual(fourth.output, third.output);
});

Deno.test("SimulatedProvider differs by variant and model", async () => {
  const plain: Message[] = [{ role: "user", content: "Explain shipping delays for orders." }];
  const friendly: Message[] = [
    { role: "system", content: "Be friendly and use bullet points." },
    { role: "user", content: "Explain shipping delays for orders." },
  ];
  const a = await provider.call(request({ messages: plain }));
  const b = await provider.call(request({ messages: friendly }));
  const c = await provider.call(request({ messages: plain, model: modelConfig("gpt-4.1") }));

  assert.notEqual(a.output, b.output);
  assert.notEqual(a.output, c.output);
  assert.match(b.output, /^(Happy to help!|Great question!|Sure thing, let's dig in\.)\n- /);
  assert.match(a.output, /shipping|delays|orders/);
});

Deno.test("SimulatedProvider follows length cues", async () => {
  let concise = 0;
  let detailed = 0;
  for (let i = 0; i < 20; i++) {
    const key = `t|v/m|case-${i}|0`;
    const short = await provider.call(request({
      callKey: key,
      messages: [{ role: "system", content: "Be concise." }, { role: "user", content: "Why?" }],
    }));
    const long = await provider.call(request({
      callKey: key,
      messages: [{ role: "system", content: "Be detailed." }, { role: "user", content: "Why?" }],
    }));
    concise += short.usage.completion_tokens!;
    detailed += long.usage.completion_tokens!;
  }
  assert.ok(detailed > 2 * concise, `detailed ${detailed} vs concise ${concise} tokens`);
});

Deno.test("SimulatedProvider keeps sentence limits", async () => {
  const limited = await provider.call(request({
    messages: [
      { role: "system", content: "Reply in at most three sentences. No greetings or sign-offs." },
      { role: "user", content: "My parcel arrived damaged and the invoice is wrong." },
    ],
  }));
  const sentences = limited.output.split(/(?<=\.) /);
  assert.equal(sentences.length, 3);
  assert.doesNotMatch(limited.output, /^(Here is an answer\.|Let us look at this\.|In short:)/);
});

Deno.test("SimulatedProvider counts tokens from text", async () => {
  const response = await provider.call(request());
  // 48 characters -> 12 tokens, plus 3 for the message.
  assert.equal(response.usage.prompt_tokens, 15);
  assert.equal(response.usage.completion_tokens, Math.ceil(response.output.length / 4));
  assert.equal(response.usage.total_tokens, 15 + response.usage.completion_tokens!);
  assert.equal(response.usage.reasoning_tokens, 0);
  assert.equal(response.usage.cached_tokens, 0);
});

Deno.test("SimulatedProvider reports reasoning tokens", async () => {
  const response = await provider.call(request({ model: modelConfig("o4-mini") }));
  const visible = Math.ceil(response.output.length / 4);
  assert.ok(response.usage.reasoning_tokens! >= visible);
  assert.equal(response.usage.completion_tokens, visible + response.usage.reasoning_tokens!);
});

Deno.test("SimulatedProvider reports ttft when streamed", async () => {
  const plain = await provider.call(request());
  assert.equal(plain.ttft_ms, null);
  assert.equal(plain.output_tokens_per_s ?? null, null);

  const streamed = await provider.call(
    request({ model: modelConfig("gpt-4o-mini", { stream: true }) }),
  );
  assert.ok(streamed.ttft_ms !== null);
  assert.ok(streamed.ttft_ms > 0);
  assert.ok(streamed.ttft_ms < streamed.latency_ms!);
  assert.ok(streamed.output_tokens_per_s! > 0);
  assert.equal(streamed.output, plain.output);
});

Deno.test("SimulatedProvider truncates at max_tokens", async () => {
  const response = await provider.call(
    request({ model: modelConfig("gpt-4.1", { max_tokens: 5 }) }),
  );
  assert.equal(response.finish_reason, "length");
  assert.equal(response.output.length, 20);
  assert.equal(response.usage.completion_tokens, 5);
});

Deno.test("SimulatedProvider fails at its error rate", async () => {
  const failing = modelConfig("gpt-4o-mini", { profile: { error_rate: 1 } });
  const kinds = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await assert.rejects(provider.call(request({ model: failing, callKey: `k${i}` })), (error) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.retryable, true);
      kinds.add(error.name);
      return true;
    });
  }
  assert.deepEqual([...kinds].sort(), ["ProviderError", "RateLimitError"]);
});

Deno.test("SimulatedProvider retries draw anew", async () => {
  const flaky = modelConfig("gpt-4o-mini", { profile: { error_rate: 0.5 } });
  const simulated = new SimulatedProvider({ timeScale: 0 });
  let succeeded = 0;
  for (let i = 0; i < 20; i++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await simulated.call(request({ model: flaky, callKey: `k${i}` }));
        succeeded++;
        break;
      } catch (error) {
        assert.ok(error instanceof ProviderError || error instanceof RateLimitError);
      }
    }
  }
  assert.equal(succeeded, 20);
});

Deno.test("SimulatedProvider sleeps by time_scale and aborts", async () => {
  const slow = modelConfig("gpt-4o-mini", {
    profile: { latency_median_ms: 100_000, time_scale: 1 },
  });
  const controller = new AbortController();
  const call = new SimulatedProvider().call(request({ model: slow, signal: controller.signal }));
  setTimeout(() => controller.abort(new DOMException("cancelled", "AbortError")), 2);
  await assert.rejects(call, { name: "AbortError", message: "cancelled" });
});

Deno.test("resolveProfile() makes small models faster", () => {
  const nano = resolveProfile(modelConfig("gpt-4.1-nano"));
  const haiku = resolveProfile(modelConfig("claude-haiku-4-5"));
  const sonnet = resolveProfile(modelConfig("claude-sonnet-4-5"));
  const opus = resolveProfile(modelConfig("claude-opus-4-1"));
  assert.ok(nano.latency_median_ms < haiku.latency_median_ms);
  assert.ok(haiku.latency_median_ms < sonnet.latency_median_ms);
  assert.ok(sonnet.latency_median_ms < opus.latency_median_ms);
  assert.equal(resolveProfile(modelConfig("o3")).reasoning, true);
  assert.equal(resolveProfile(modelConfig("gpt-4o")).reasoning, false);
  assert.equal(resolveProfile(modelConfig("gpt-4o")).time_scale, 0.02);
});

Deno.test("resolveProfile() lets profile fields win", () => {
  const profile = { latency_median_ms: 42, latency_sigma: 0, error_rate: 0.1, output_words: 7 };
  const resolved = resolveProfile(
    modelConfig("gpt-4o", { profile: { ...profile, time_scale: 0 } }),
  );
  assert.deepEqual(resolved, { ...profile, time_scale: 0, reasoning: false });
});

Deno.test("SimulatedProvider rejects a bad timeScale", () => {
  assert.throws(() => new SimulatedProvider({ timeScale: 2 }), {
    name: "RangeError",
    message: "Simulated timeScale 2 is invalid: use a number in [0, 1]",
  });
});

Deno.test("createProvider() builds the simulated provider", () => {
  const created = createProvider(modelConfig("gpt-4o-mini"), { simulatedTimeScale: 0 });
  assert.ok(created instanceof SimulatedProvider);
  assert.equal(created.name, "simulated");
});
