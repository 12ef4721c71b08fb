import assert from "node:assert/strict";
import { buildRatings } from "./_testing.ts";
import { ratingStatistics } from "./rating_stats.ts";

const FAST = { resamples: 200, seed: 3 };

Deno.test("ratingStatistics() counts verdicts per pair", () => {
  const { pairs, ratings } = buildRatings([{
    a: "x",
    b: "y",
    wins: 6,
    losses: 2,
    ties: 2,
    bothBad: 1,
  }]);
  const [overall] = ratingStatistics(pairs, ratings, FAST).dimensions;
  const pair = overall!.pairs[0]!;
  assert.equal(pair.arm_a, "x");
  assert.equal(pair.wins, 6);
  assert.equal(pair.losses, 2);
  assert.equal(pair.ties, 2);
  assert.equal(pair.both_bad, 1);
  assert.equal(pair.win_rate, 0.7);
  assert.equal(pair.decisive_win_rate, 0.75);
  assert.equal(overall!.verdicts, 11);
});

Deno.test("ratingStatistics() keeps both-bad out of ties", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", bothBad: 4 }]);
  const pair = ratingStatistics(pairs, ratings, FAST).dimensions[0]!.pairs[0]!;
  assert.equal(pair.ties, 0);
  assert.equal(pair.both_bad, 4);
  assert.equal(pair.both_bad_rate, 1);
  assert.ok(Number.isNaN(pair.win_rate));
});

Deno.test("ratingStatistics() of all ties", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", ties: 10 }]);
  const dimension = ratingStatistics(pairs, ratings, FAST).dimensions[0]!;
  const pair = dimension.pairs[0]!;
  assert.equal(pair.win_rate, 0.5);
  assert.ok(Number.isNaN(pair.decisive_win_rate));
  assert.ok(Number.isNaN(pair.p_value));
  assert.equal(dimension.ranking.nu, Infinity);
  assert.deepEqual(dimension.ranking.arms.map((arm) => arm.rank), [1, 1]);
});

Deno.test("ratingStatistics() of a perfect sweep", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", wins: 12 }]);
  const dimension = ratingStatistics(pairs, ratings, FAST).dimensions[0]!;
  const pair = dimension.pairs[0]!;
  assert.equal(pair.win_rate, 1);
  assert.ok(pair.p_value < 0.001, `p ${pair.p_value}`);
  assert.equal(dimension.ranking.mle_exists, false);
  assert.ok(dimension.ranking.penalty > 0);
  const [x, y] = dimension.ranking.arms;
  assert.ok(x!.strength! > y!.strength!);
  assert.ok(Number.isFinite(x!.strength!));
});

Deno.test("ratingStatistics() gives NaN to an unrated arm", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", wins: 3, losses: 2 }]);
  const stats = ratingStatistics(pairs, ratings, { ...FAST, arms: ["x", "y", "z"] });
  const dimension = stats.dimensions[0]!;
  const z = dimension.arms.find((arm) => arm.arm_id === "z")!;
  assert.ok(Number.isNaN(z.win_rate), "win rate is NaN, not 0.5");
  assert.ok(Number.isNaN(z.win_rate_ci[0]));
  const ranked = dimension.ranking.arms.find((arm) => arm.arm_id === "z")!;
  assert.equal(ranked.strength, null);
  assert.equal(ranked.rank, null);
  const xz = dimension.pairs.find((pair) => pair.arm_a === "x" && pair.arm_b === "z")!;
  assert.ok(Number.isNaN(xz.win_rate));
  assert.ok(Number.isNaN(xz.p_value));
});

Deno.test("ratingStatistics() of empty input", () => {
  const stats = ratingStatistics([], [], FAST);
  assert.deepEqual(stats.dimensions, []);
  assert.equal(stats.ratings_used, 0);
  const withDimension = ratingStatistics([], [], {
    ...FAST,
    arms: ["x", "y"],
    dimensions: ["overall"],
  });
  const dimension = withDimension.dimensions[0]!;
  assert.equal(dimension.verdicts, 0);
  assert.ok(dimension.arms.every((arm) => Number.isNaN(arm.win_rate)));
  assert.ok(dimension.ranking.arms.every((arm) => arm.rank === null));
});

Deno.test("ratingStatistics() skips unmatched ratings", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", wins: 2 }]);
  const stats = ratingStatistics(pairs.slice(1), ratings, FAST);
  assert.equal(stats.ratings_used, 1);
  assert.equal(stats.ratings_unmatched, 1);
});

Deno.test("ratingStatistics() reads the overall field", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", wins: 1 }], { dimension: "tone" });
  const withOverall = ratings.map((rating) => ({ ...rating, overall: "B" as const }));
  const stats = ratingStatistics(pairs, withOverall, FAST);
  assert.deepEqual(stats.dimensions.map((d) => d.dimension), ["tone", "overall"]);
  assert.equal(stats.dimensions[0]!.pairs[0]!.wins, 1);
  assert.equal(stats.dimensions[1]!.pairs[0]!.losses, 1);
});

Deno.test("ratingStatistics() aggregates an arm against all", () => {
  const { pairs, ratings } = buildRatings([
    { a: "x", b: "y", wins: 4, losses: 1 },
    { a: "x", b: "z", wins: 2, ties: 2 },
  ]);
  const x = ratingStatistics(pairs, ratings, FAST).dimensions[0]!.arms[0]!;
  assert.equal(x.arm_id, "x");
  assert.equal(x.wins, 6);
  assert.equal(x.losses, 1);
  assert.equal(x.ties, 2);
  assert.equal(x.win_rate, 7 / 9);
});

Deno.test("ratingStatistics() counts a rater's latest rating", () => {
  const { pairs, ratings } = buildRatings([{ a: "x", b: "y", wins: 1 }]);
  const first = ratings[0]!;
  // The same rater rates the same pair again, with another idempotency key.
  const loss = first.choices.overall === "A" ? "B" : "A";
  const changed = {
    ...first,
    idempotency_key: `${first.idempotency_key}-again`,
    choices: { overall: loss } as const,
    created_at: new Date(Date.parse(first.created_at) + 60_000).toISOString(),
  };
  const otherRater = { ...changed, idempotency_key: "key-other", rater_id: "rater-2" };

  const stats = ratingStatistics(pairs, [changed, first, otherRater], FAST);
  const pair = stats.dimensions[0]!.pairs[0]!;
  assert.equal(pair.wins, 0);
  assert.equal(pair.losses, 2);
  assert.equal(stats.dimensions[0]!.verdicts, 2);
  assert.equal(stats.ratings_used, 2);
  assert.equal(stats.ratings_superseded, 1);
});
