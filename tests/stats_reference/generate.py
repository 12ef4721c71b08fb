#!/usr/bin/python3
"""Reference values for ablab's statistics, from SciPy and statsmodels.

Run with Debian's interpreter, which has python3-scipy and python3-statsmodels:

    /usr/bin/python3 tests/stats_reference/generate.py > tests/stats_reference/reference.json

Every case stores its inputs and the expected outputs, so the TypeScript tests
in tests/stats_reference_test.ts loop over the cases without knowing the data.
Non-finite numbers are written as the strings "NaN", "Infinity" and
"-Infinity" because JSON has no literal for them.
"""

import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize


def clean(value):
    """Convert numpy values and non-finite floats into JSON-safe values."""
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(item) for item in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    return value


rng = np.random.default_rng(20261204)


def lognormal(n, median, sigma):
    return [round(float(v), 3) for v in median * np.exp(sigma * rng.standard_normal(n))]


def special_functions():
    cases = []
    for x in [0.1, 0.5, 1.0, 2.5, 7.3, 30.0, 171.5]:
        cases.append({"fn": "logGamma", "args": [x], "expected": special.gammaln(x)})
    for a, x in [(0.5, 0.01), (0.5, 2.0), (1.5, 0.7), (3.0, 10.0), (10.0, 3.0), (25.0, 30.0), (0.5, 40.0)]:
        cases.append({"fn": "regularizedGammaP", "args": [a, x], "expected": special.gammainc(a, x)})
        cases.append({"fn": "regularizedGammaQ", "args": [a, x], "expected": special.gammaincc(a, x)})
    for x, a, b in [(0.3, 2.0, 3.0), (0.9, 0.5, 0.5), (0.01, 5.0, 0.5), (0.5, 50.0, 40.0), (0.999, 3.0, 7.0)]:
        cases.append({"fn": "regularizedBeta", "args": [x, a, b], "expected": special.betainc(a, b, x)})
    for z in [-8.0, -3.1, -1.0, 0.0, 0.4, 1.959963984540054, 5.5]:
        cases.append({"fn": "normalCdf", "args": [z], "expected": stats.norm.cdf(z)})
        cases.append({"fn": "normalSf", "args": [z], "expected": stats.norm.sf(z)})
    for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]:
        cases.append({"fn": "normalQuantile", "args": [p], "expected": stats.norm.ppf(p)})
    for t, df in [(0.5, 1.0), (2.1, 3.0), (-1.7, 7.5), (3.3, 30.0), (12.0, 4.0), (0.0, 10.0), (2.0, 1e6)]:
        cases.append({"fn": "studentTSf", "args": [t, df], "expected": stats.t.sf(t, df)})
    for p, df in [(0.975, 1.0), (0.975, 4.0), (0.025, 9.3), (0.995, 60.0), (0.6, 2.0)]:
        cases.append({"fn": "studentTQuantile", "args": [p, df], "expected": stats.t.ppf(p, df)})
    for x, df in [(0.5, 1.0), (3.84, 1.0), (10.0, 3.0), (50.0, 20.0), (200.0, 2.0)]:
        cases.append({"fn": "chiSquareSf", "args": [x, df], "expected": stats.chi2.sf(x, df)})
    for k, n, p in [(3, 10, 0.5), (0, 5, 0.5), (40, 100, 0.5), (7, 20, 0.3)]:
        cases.append({"fn": "binomialCdf", "args": [k, n, p], "expected": stats.binom.cdf(k, n, p)})
    return cases


def quantiles():
    samples = {
        "lognormal_250": lognormal(250, 800.0, 0.6),
        "small_7": [5.0, 1.0, 9.0, 3.0, 3.0, 12.5, 7.0],
        "single": [42.0],
        "identical": [100.0] * 30,
        "two": [1.0, 2.0],
    }
    cases = []
    for name, values in samples.items():
        probabilities = [0.0, 0.25, 0.5, 0.95, 0.99, 1.0]
        expected = [np.quantile(values, p, method="linear") for p in probabilities]
        cases.append({"name": name, "values": values, "p": probabilities, "expected": expected})
    return cases


def mann_whitney():
    # The method each case takes under SciPy 1.10's method="auto", which ablab mirrors.
    data = {
        "exact_small": ([1.2, 3.4, 2.2, 5.1, 0.3], [4.4, 6.1, 7.7, 2.9]),
        "exact_8x8": ([float(v) for v in [11, 15, 19, 23, 29, 31, 37, 41]],
                      [float(v) for v in [13, 17, 21, 24, 27, 43, 47, 53]]),
        "exact_3x50": ([100.5, 200.5, 300.5], [float(v) for v in range(1, 100, 2)]),
        "exact_single": ([5.5], [1.0, 2.0, 3.0, 4.0, 6.0, 7.0]),
        "ties_small": ([1.0, 2.0, 2.0, 3.0], [2.0, 3.0, 4.0, 4.0, 5.0]),
        "large": (lognormal(120, 900.0, 0.5), lognormal(140, 1000.0, 0.5)),
        "identical": ([7.0] * 12, [7.0] * 15),
        "shifted_ties": ([float(v % 5) for v in range(30)], [float(v % 5 + 1) for v in range(25)]),
    }
    cases = []
    for name, (x, y) in data.items():
        result = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
        has_ties = len(set(x + y)) < len(x + y)
        method = "asymptotic" if (len(x) > 8 and len(y) > 8) or has_ties else "exact"
        cases.append({"name": name, "x": x, "y": y, "u": result.statistic,
                      "p_value": result.pvalue, "method": method})
    return cases


def wilcoxon():
    base = lognormal(40, 500.0, 0.3)
    data = {
        "exact_12": [0.5, -1.3, 2.2, 3.1, -0.2, 4.5, 1.1, 0.9, -2.6, 3.7, 5.2, 1.8],
        "exact_all_positive": [1.0, 2.5, 3.25, 4.0, 5.5],
        "exact_single": [3.0],
        "exact_40": [round(b * 0.1 - 20 + i * 0.37, 3) for i, b in enumerate(base)],
        "zeros": [0.0, 1.0, -2.0, 3.0, 4.0, 0.0, 5.0, 6.0, -7.0, 8.0, 9.0],
        "ties": [1.0, 1.0, -1.0, 2.0, 2.0, 3.0, -3.0, 4.0, 5.0, 5.0, 6.0],
        "large_60": [round(float(v), 3) for v in rng.normal(0.4, 1.0, 60)],
    }
    cases = []
    for name, d in data.items():
        nonzero = [v for v in d if v != 0]
        ties = len(set(abs(v) for v in nonzero)) < len(nonzero)
        zeros = len(nonzero) < len(d)
        method = "exact" if len(nonzero) <= 50 and not ties and not zeros else "approx"
        result = stats.wilcoxon(d, zero_method="wilcox", correction=False,
                                alternative="two-sided", method=method)
        cases.append({"name": name, "d": d, "statistic": result.statistic,
                      "p_value": result.pvalue, "method": method})
    return cases


def welch():
    data = {
        "lognormal": (lognormal(50, 700.0, 0.4), lognormal(35, 820.0, 0.6)),
        "small": ([1.0, 2.0, 4.0], [3.0, 5.0, 9.0, 11.0]),
        "equal_means": ([1.0, 2.0, 3.0], [0.0, 2.0, 4.0]),
    }
    cases = []
    for name, (x, y) in data.items():
        result = stats.ttest_ind(x, y, equal_var=False)
        vx = np.var(x, ddof=1) / len(x)
        vy = np.var(y, ddof=1) / len(y)
        df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1))
        difference = np.mean(x) - np.mean(y)
        half = stats.t.ppf(0.975, df) * math.sqrt(vx + vy)
        cases.append({"name": name, "x": x, "y": y, "t": result.statistic, "df": df,
                      "p_value": result.pvalue, "ci": [difference - half, difference + half]})
    return cases


def proportions():
    wilson = []
    for successes, n in [(7, 10), (0, 12), (12, 12), (6.5, 13), (55, 100), (1, 1), (250.5, 400)]:
        low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
        wilson.append({"successes": successes, "n": n, "ci": [low, high]})
    sign = []
    for wins, losses in [(9, 3), (3, 9), (5, 5), (20, 0), (0, 1), (31, 19), (1, 0)]:
        sign.append({"wins": wins, "losses": losses,
                     "p_value": stats.binomtest(wins, wins + losses, 0.5).pvalue})
    return {"wilson": wilson, "sign_test": sign}


def win_rates():
    cases = []
    for wins, losses, ties, both_bad in [(6, 2, 2, 1), (0, 0, 10, 0), (10, 0, 0, 0), (0, 0, 0, 0),
                                         (0, 0, 0, 4), (13, 17, 9, 5)]:
        n = wins + losses + ties
        decisive = wins + losses
        rate = (wins + ties / 2) / n if n else math.nan
        decisive_rate = wins / decisive if decisive else math.nan
        ci = proportion_confint(wins + ties / 2, n, method="wilson") if n else (math.nan, math.nan)
        decisive_ci = (proportion_confint(wins, decisive, method="wilson")
                       if decisive else (math.nan, math.nan))
        cases.append({"counts": {"wins": wins, "losses": losses, "ties": ties, "both_bad": both_bad},
                      "win_rate": rate, "win_rate_ci": list(ci),
                      "decisive_win_rate": decisive_rate, "decisive_win_rate_ci": list(decisive_ci)})
    return cases


def multiple_comparisons():
    families = [
        [0.01, 0.04, 0.03, 0.005],
        [0.2, 0.0001, 0.049, 0.5, 0.012, 0.9],
        [0.5],
        [0.03, 0.03, 0.03],
    ]
    cases = []
    for p in families:
        cases.append({"p": p,
                      "holm": multipletests(p, method="holm")[1],
                      "benjamini-hochberg": multipletests(p, method="fdr_bh")[1]})
    return cases


def srm():
    cases = []
    for observed, weights in [({"a": 510, "b": 490}, {"a": 50, "b": 50}),
                              ({"a": 600, "b": 400}, {"a": 50, "b": 50}),
                              ({"a": 210, "b": 395, "c": 395}, {"a": 20, "b": 40, "c": 40}),
                              ({"a": 100, "b": 170, "c": 130}, {"a": 1, "b": 1, "c": 1})]:
        arms = sorted(weights)
        counts = [observed[arm] for arm in arms]
        total = sum(counts)
        expected = [total * weights[arm] / sum(weights.values()) for arm in arms]
        result = stats.chisquare(counts, expected)
        cases.append({"observed": observed, "weights": weights, "chi_square": result.statistic,
                      "p_value": result.pvalue, "df": len(arms) - 1})
    return cases


def power():
    cases = []
    solver = NormalIndPower()
    for p in [0.6, 0.55, 0.75, 0.3]:
        h = proportion_effectsize(p, 0.5)
        n = solver.solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=0)
        cases.append({"kind": "proportion", "p": p, "effect": h, "n": n, "design": "one-sample"})
    for d in [0.2, 0.5, 1.1]:
        n = solver.solve_power(effect_size=d, alpha=0.05, power=0.8, ratio=1)
        cases.append({"kind": "standardized", "effect": d, "n": n, "design": "two-sample"})
        n1 = solver.solve_power(effect_size=d, alpha=0.05, power=0.8, ratio=0)
        cases.append({"kind": "standardized", "effect": d, "n": n1, "design": "one-sample"})
    return cases


def davidson_negative_log_likelihood(theta, arms, cells, with_ties, penalty):
    beta = np.concatenate([[0.0], theta[:arms - 1]])
    log_nu = theta[arms - 1] if with_ties else -np.inf
    total = 0.0
    for i, j, wi, wj, t in cells:
        tie = log_nu + (beta[i] + beta[j]) / 2
        log_d = np.logaddexp(np.logaddexp(beta[i], beta[j]), tie) if with_ties \
            else np.logaddexp(beta[i], beta[j])
        total += wi * beta[i] + wj * beta[j] + (t * tie if t else 0.0) - (wi + wj + t) * log_d
    centred = beta - beta.mean()
    return -(total - penalty / 2 * float(centred @ centred))


def davidson():
    datasets = {
        "three_arms_ties": (3, [(0, 1, 10, 5, 3), (1, 2, 7, 6, 4), (0, 2, 9, 2, 1)], 0.0),
        "no_ties": (3, [(0, 1, 6, 4, 0), (1, 2, 5, 5, 0), (0, 2, 8, 3, 0)], 0.0),
        "four_arms": (4, [(0, 1, 4, 6, 2), (0, 2, 7, 3, 3), (0, 3, 9, 1, 2), (1, 2, 6, 6, 1),
                          (1, 3, 8, 2, 0), (2, 3, 5, 4, 4)], 0.0),
        "perfect_sweep_penalized": (3, [(0, 1, 8, 0, 0), (0, 2, 9, 0, 0), (1, 2, 4, 3, 2)], 0.1),
        "two_arm_sweep_with_tie_penalized": (2, [(0, 1, 5, 0, 1)], 0.1),
    }
    cases = []
    for name, (arms, cells, penalty) in datasets.items():
        with_ties = any(t for *_, t in cells)
        size = arms - 1 + (1 if with_ties else 0)
        best = None
        # Nelder-Mead then BFGS from the result, keeping the best optimum found.
        for method in ["BFGS", "Nelder-Mead"]:
            result = optimize.minimize(davidson_negative_log_likelihood, np.zeros(size),
                                       args=(arms, cells, with_ties, penalty), method=method,
                                       options={"gtol": 1e-11, "maxiter": 20000} if method == "BFGS"
                                       else {"xatol": 1e-12, "fatol": 1e-14, "maxiter": 200000})
            polished = optimize.minimize(davidson_negative_log_likelihood, result.x,
                                         args=(arms, cells, with_ties, penalty), method="BFGS",
                                         options={"gtol": 1e-11})
            if best is None or polished.fun < best.fun:
                best = polished
        beta = np.concatenate([[0.0], best.x[:arms - 1]])
        beta = beta - beta.mean()
        nu = math.exp(best.x[arms - 1]) if with_ties else 0.0
        cases.append({"name": name, "arms": arms, "penalty": penalty,
                      "cells": [list(cell) for cell in cells], "strengths": beta, "nu": nu,
                      "log_likelihood": -best.fun})
    return cases


reference = {
    "generator": "tests/stats_reference/generate.py",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                 "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
    "special_functions": special_functions(),
    "quantiles": quantiles(),
    "mann_whitney": mann_whitney(),
    "wilcoxon": wilcoxon(),
    "welch": welch(),
    "proportions": proportions(),
    "win_rates": win_rates(),
    "multiple_comparisons": multiple_comparisons(),
    "srm": srm(),
    "power": power(),
    "davidson": davidson(),
}
json.dump(clean(reference), sys.stdout, indent=1)
sys.stdout.write("\n")
