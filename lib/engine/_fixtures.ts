/**
 * Test helpers shared by the engine tests: a small test definition and a
 * store with the test created.
 *
 * @module
 */
import { type ABTest, type ABTestInput, ABTestSchema } from "../schema/mod.ts";
import { MemoryStore } from "../store/memory_store.ts";

/** Builds a valid test with two variants, two simulated models and `cases` cases. */
export function makeTest(cases: number, overrides: Partial<ABTestInput> = {}): ABTest {
  return ABTestSchema.parse({
    id: "t1",
    name: "engine test",
    seed: 7,
    variants: [
      { id: "plain", template: "Explain {{topic}} to a customer." },
      { id: "friendly", system: "Be friendly and concise.", template: "Please explain {{topic}}." },
    ],
    models: [
      { id: "mini", model: "gpt-4o-mini" },
      { id: "big", model: "gpt-4.1" },
    ],
    cases: Array.from({ length: cases }, (_, i) => ({
      id: `case-${i}`,
      vars: { topic: `refund rule ${i} for damaged parcels` },
    })),
    ...overrides,
  });
}

/** Creates a `MemoryStore` holding `test` in the running state. */
export async function storeWith(test: ABTest): Promise<MemoryStore> {
  const store = new MemoryStore();
  const at = new Date().toISOString();
  await store.createTest(test, {
    test_id: test.id,
    status: "running",
    history: [{ status: "running", at }],
  });
  return store;
}
