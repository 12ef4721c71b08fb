/**
 * Sharded runs: `--shard i/n` makes only the calls of the cases whose id
 * hashes to shard i, so n machines can split one test.
 *
 * @module
 */
import { type ABTest, createPlan, unitHash } from "../mod.ts";
import type { Shard } from "./args.ts";

/**
 * Returns the shard (from 1) a case belongs to. All calls of a case share a
 * shard, so the arms compared on one case always run together.
 */
export function shardOfCase(caseId: string, count: number): number {
  return Math.min(count, Math.floor(unitHash(`shard\u0000${caseId}`) * count) + 1);
}

/** Lists the call keys of a test that belong to other shards, for the engine to skip. */
export function keysOutsideShard(test: ABTest, shard: Shard): Set<string> {
  const skip = new Set<string>();
  for (const call of createPlan(test).calls()) {
    if (shardOfCase(call.testCase.id, shard.count) !== shard.index) skip.add(call.key);
  }
  return skip;
}
