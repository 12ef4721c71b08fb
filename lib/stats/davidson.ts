/**
 * Maximum likelihood fit of the Bradley-Terry model with ties in Davidson's
 * form (Davidson 1970, JASA 65:317-328):
 *
 *   P(i beats j) = π_i / D,  P(tie) = ν √(π_i π_j) / D,  D = π_i + π_j + ν √(π_i π_j).
 *
 * The log-likelihood is concave in (log π, log ν), so Newton's method with a
 * backtracking line search finds the maximum. Strengths are reported as
 * log π, centred to mean 0 over the arms that have comparisons.
 *
 * @module
 */

/** One pairwise outcome between arms indexed `a` and `b`. */
export interface PairOutcome {
  a: number;
  b: number;
  result: "a" | "b" | "tie";
}

/**
 * Ridge penalty used when the maximum likelihood estimate does not exist, for
 * example when an arm never lost. It acts as a normal prior with standard
 * deviation √10 ≈ 3.2 on centred log-strengths: wide enough to keep a sweep
 * clearly first, small enough to keep the numbers finite.
 */
export const FALLBACK_PENALTY = 0.1;
/**
 * Largest sampling variance of a parameter (from the inverse observed
 * information) accepted as a finite estimate. A diverging fit stops where both
 * the gradient and the curvature are tiny, so its variances explode. A finite
 * estimate from a few comparisons has a variance of order 1, far below this
 * bound (a standard error of 100). The bound is a judgement, not a derived limit.
 */
const DIVERGENCE_VARIANCE = 1e4;
/** Stop when the largest gradient component falls below this. */
const GRADIENT_TOLERANCE = 1e-10;
const MAX_ITERATIONS = 200;

/** Fitted Davidson model. */
export interface DavidsonFit {
  /** Log-strength per arm, mean 0 over arms with comparisons; NaN for arms without any. */
  strengths: number[];
  /** Tie parameter ν; 0 when no tie was observed, Infinity when every outcome was a tie. */
  nu: number;
  /** Penalized log-likelihood at the estimate. */
  log_likelihood: number;
  /** Ridge penalty λ on the centred strengths: λ/2 Σ (β - mean β)². 0 for plain maximum likelihood. */
  penalty: number;
  /**
   * False when the plain maximum likelihood estimate is infinite (an arm won
   * or lost every comparison, or the fit diverged), so the penalty was used.
   */
  mle_exists: boolean;
  converged: boolean;
  iterations: number;
}

/** Verdict counts between arms `a` and `b` (a < b). */
export interface PairCounts {
  a: number;
  b: number;
  a_wins: number;
  b_wins: number;
  ties: number;
}

/**
 * Counts outcomes per unordered pair of arms.
 *
 * @param armCount Number of arms; outcomes index them from 0.
 * @param outcomes Pairwise outcomes.
 * @returns One entry per pair with at least one outcome, a < b, sorted by (a, b).
 * @throws {RangeError} When an outcome names an arm outside [0, armCount) or an arm against itself.
 */
export function countOutcomes(armCount: number, outcomes: readonly PairOutcome[]): PairCounts[] {
  const byPair = new Map<number, PairCounts>();
  for (const outcome of outcomes) {
    const valid = Number.isInteger(outcome.a) && Number.isInteger(outcome.b) &&
      outcome.a >= 0 && outcome.b >= 0 && outcome.a < armCount && outcome.b < armCount &&
      outcome.a !== outcome.b;
    if (!valid) {
      throw new RangeError(
        `Invalid outcome between arms ${outcome.a} and ${outcome.b}: expected two different indexes below ${armCount}.`,
      );
    }
    const a = Math.min(outcome.a, outcome.b);
    const b = Math.max(outcome.a, outcome.b);
    const key = a * armCount + b;
    const cell = byPair.get(key) ?? { a, b, a_wins: 0, b_wins: 0, ties: 0 };
    if (outcome.result === "tie") cell.ties++;
    else if ((outcome.result === "a") === (outcome.a === a)) cell.a_wins++;
    else cell.b_wins++;
    byPair.set(key, cell);
  }
  return [...byPair.entries()].sort(([x], [y]) => x - y).map(([, cell]) => cell);
}

/**
 * Fits Davidson's Bradley-Terry model with ties by Newton's method.
 *
 * @param armCount Number of arms; outcomes index them from 0.
 * @param outcomes Pairwise outcomes; `both_bad` verdicts must be left out by the caller.
 * @param options.penalty Ridge penalty λ. Default 0 when the MLE exists, otherwise `FALLBACK_PENALTY`.
 * @returns Strengths, ν and convergence facts.
 * @throws {RangeError} When an outcome names an arm outside [0, armCount) or an arm against itself.
 */
export function fitDavidson(
  armCount: number,
  outcomes: readonly PairOutcome[],
  options: { penalty?: number } = {},
): DavidsonFit {
  return fitDavidsonCounts(armCount, countOutcomes(armCount, outcomes), options);
}

/**
 * Fits Davidson's Bradley-Terry model from verdict counts per pair; see `fitDavidson`.
 *
 * @param armCount Number of arms; counts index them from 0.
 * @param pairs Counts per pair of arms, from `countOutcomes` or built by the caller.
 * @param options.penalty Ridge penalty λ. Default 0 when the MLE exists, otherwise `FALLBACK_PENALTY`.
 */
export function fitDavidsonCounts(
  armCount: number,
  pairs: readonly PairCounts[],
  options: { penalty?: number } = {},
): DavidsonFit {
  // Compact index over arms with comparisons.
  const compared = pairs.filter((pair) => pair.a_wins + pair.b_wins + pair.ties > 0);
  const active = [...new Set(compared.flatMap((pair) => [pair.a, pair.b]))].sort((x, y) => x - y);
  const position = new Map(active.map((arm, k) => [arm, k]));
  const m = active.length;
  let ties = 0;
  let total = 0;
  const cells: Cell[] = compared.map((pair) => {
    ties += pair.ties;
    total += pair.a_wins + pair.b_wins + pair.ties;
    const i = position.get(pair.a)!;
    const j = position.get(pair.b)!;
    return i < j
      ? { i, j, wi: pair.a_wins, wj: pair.b_wins, t: pair.ties }
      : { i: j, j: i, wi: pair.b_wins, wj: pair.a_wins, t: pair.ties };
  });

  // Without two compared arms, or with ties only, nothing is fitted and no penalty applies.
  const strengths = new Array<number>(armCount).fill(Number.NaN);
  if (m < 2) {
    return {
      strengths,
      nu: Number.NaN,
      log_likelihood: 0,
      penalty: 0,
      mle_exists: false,
      converged: true,
      iterations: 0,
    };
  }
  if (ties === total) {
    // Every outcome a tie: ν grows without bound and all strengths are equal.
    for (const arm of active) strengths[arm] = 0;
    return {
      strengths,
      nu: Infinity,
      log_likelihood: 0,
      penalty: 0,
      mle_exists: false,
      converged: true,
      iterations: 0,
    };
  }

  let mleExists = isStronglyConnected(m, cells);
  let penalty = options.penalty ?? (mleExists ? 0 : FALLBACK_PENALTY);
  let fit = newton(m, cells, ties > 0, penalty);
  if (penalty === 0 && !(fit.maxVariance < DIVERGENCE_VARIANCE)) {
    // Strong connectivity is necessary but not sufficient with ties (a sweep
    // with one tie lets ν and the strengths grow together), so check the fit.
    mleExists = false;
    penalty = options.penalty ?? FALLBACK_PENALTY;
    if (penalty > 0) fit = newton(m, cells, ties > 0, penalty);
  }
  active.forEach((arm, k) => strengths[arm] = fit.beta[k]!);
  return {
    strengths,
    nu: ties > 0 ? Math.exp(fit.logNu) : 0,
    log_likelihood: fit.objective,
    penalty,
    mle_exists: mleExists,
    converged: fit.converged,
    iterations: fit.iterations,
  };
}

interface Cell {
  i: number;
  j: number;
  wi: number;
  wj: number;
  t: number;
}

/** Checks that every arm can reach every other through "won or tied against" edges. */
function isStronglyConnected(m: number, cells: readonly Cell[]): boolean {
  const forward: number[][] = Array.from({ length: m }, () => []);
  const backward: number[][] = Array.from({ length: m }, () => []);
  const addEdge = (from: number, to: number) => {
    forward[from]!.push(to);
    backward[to]!.push(from);
  };
  for (const { i, j, wi, wj, t } of cells) {
    if (wi > 0 || t > 0) addEdge(i, j);
    if (wj > 0 || t > 0) addEdge(j, i);
  }
  const reachesAll = (edges: number[][]) => {
    const seen = new Set([0]);
    const stack = [0];
    while (stack.length > 0) {
      for (const next of edges[stack.pop()!]!) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen.size === m;
  };
  return reachesAll(forward) && reachesAll(backward);
}

/**
 * Maximizes the penalized log-likelihood over β_1..β_{m-1} (β_0 = 0) and
 * log ν (when ties exist), then centres β.
 */
function newton(m: number, cells: readonly Cell[], withTies: boolean, penalty: number) {
  const size = m + (withTies ? 1 : 0);
  const theta = new Float64Array(size);
  if (withTies) {
    // Start ν where the tie share at equal strengths, ν / (2 + ν), matches the data.
    let ties = 0;
    let total = 0;
    for (const cell of cells) {
      ties += cell.t;
      total += cell.wi + cell.wj + cell.t;
    }
    theta[m] = Math.log(2 * ties / (total - ties));
  }

  let current = evaluate(theta, m, cells, withTies, penalty);
  let converged = false;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    // Free coordinates: every index but β_0.
    const free = Array.from({ length: size - 1 }, (_, k) => k + 1);
    const gradient = free.map((k) => current.gradient[k]!);
    if (Math.max(...gradient.map(Math.abs)) < GRADIENT_TOLERANCE) {
      converged = true;
      break;
    }
    const negativeHessian = free.map((r) => free.map((c) => -current.hessian[r * size + c]!));
    const step = solveLinear(negativeHessian, gradient);
    if (step === undefined) break;

    let scale = 1;
    let next = current;
    for (let halving = 0; halving < 60; halving++) {
      const candidate = theta.slice();
      free.forEach((k, r) => candidate[k] = theta[k]! + scale * step[r]!);
      next = evaluate(candidate, m, cells, withTies, penalty);
      if (next.objective >= current.objective - 1e-12 * Math.abs(current.objective)) {
        theta.set(candidate);
        break;
      }
      scale /= 2;
    }
    if (next === current) break;
    current = next;
  }

  // Sampling variances of the free parameters: the diagonal of the inverse negative Hessian.
  const free = Array.from({ length: size - 1 }, (_, k) => k + 1);
  const information = free.map((r) => free.map((c) => -current.hessian[r * size + c]!));
  let maxVariance = 0;
  for (let r = 0; r < free.length; r++) {
    const unit = free.map((_, k) => (k === r ? 1 : 0));
    const column = solveLinear(information, unit);
    maxVariance = Math.max(maxVariance, column ? column[r]! : Infinity);
  }

  const beta = Array.from(theta.subarray(0, m));
  const center = beta.reduce((sum, value) => sum + value, 0) / m;
  return {
    beta: beta.map((value) => value - center),
    logNu: withTies ? theta[m]! : -Infinity,
    objective: current.objective,
    maxVariance,
    converged,
    iterations,
  };
}

/** Computes the penalized log-likelihood, its gradient and its Hessian (row-major). */
function evaluate(
  theta: Float64Array,
  m: number,
  cells: readonly Cell[],
  withTies: boolean,
  penalty: number,
) {
  const size = theta.length;
  const gradient = new Float64Array(size);
  const hessian = new Float64Array(size * size);
  const logNu = withTies ? theta[m]! : -Infinity;
  let objective = 0;

  for (const { i, j, wi, wj, t } of cells) {
    const a = theta[i]!;
    const b = theta[j]!;
    const c = logNu + (a + b) / 2;
    const top = Math.max(a, b, c);
    const ea = Math.exp(a - top);
    const eb = Math.exp(b - top);
    const ec = withTies ? Math.exp(c - top) : 0;
    const sum = ea + eb + ec;
    const logD = top + Math.log(sum);
    const pi = ea / sum;
    const pj = eb / sum;
    const pt = ec / sum;
    const n = wi + wj + t;

    objective += wi * a + wj * b + (t > 0 ? t * c : 0) - n * logD;

    // The gradient is observed minus expected features; the Hessian is -n times their covariance.
    // Features: i wins (1, 0, 0), j wins (0, 1, 0), tie (1/2, 1/2, 1) in (β_i, β_j, log ν).
    const mean = [pi + pt / 2, pj + pt / 2, pt];
    const second = [
      [pi + pt / 4, pt / 4, pt / 2],
      [pt / 4, pj + pt / 4, pt / 2],
      [pt / 2, pt / 2, pt],
    ];
    const observed = [wi + t / 2, wj + t / 2, t];
    const index = withTies ? [i, j, m] : [i, j];
    index.forEach((r, x) => {
      gradient[r]! += observed[x]! - n * mean[x]!;
      index.forEach((col, y) => {
        hessian[r * size + col]! -= n * (second[x]![y]! - mean[x]! * mean[y]!);
      });
    });
  }

  if (penalty > 0) {
    let center = 0;
    for (let k = 0; k < m; k++) center += theta[k]!;
    center /= m;
    for (let k = 0; k < m; k++) {
      const deviation = theta[k]! - center;
      objective -= penalty / 2 * deviation * deviation;
      gradient[k]! -= penalty * deviation;
      for (let l = 0; l < m; l++) hessian[k * size + l]! -= penalty * ((k === l ? 1 : 0) - 1 / m);
    }
  }
  return { objective, gradient, hessian };
}

/** Solves A x = b by Gaussian elimination with partial pivoting; undefined when A is singular. */
function solveLinear(matrix: number[][], rhs: number[]): number[] | undefined {
  const n = rhs.length;
  const a = matrix.map((row, r) => [...row, rhs[r]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    }
    if (Math.abs(a[pivot]![col]!) < 1e-300) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = col + 1; r < n; r++) {
      const factor = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= n; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r]![n]!;
    for (let c = r + 1; c < n; c++) sum -= a[r]![c]! * x[c]!;
    x[r] = sum / a[r]![r]!;
  }
  return x;
}
