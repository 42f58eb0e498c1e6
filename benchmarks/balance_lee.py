"""Benchmark: size of the balance tests and coverage of the (tightened) Lee bounds' CIs.

1. **Balance tests under the null.** 1,000 trials: 300 people in three strata, assignment
   within strata, four baseline covariates (two numeric, one yes/no, one text with three
   levels) unrelated to the arm. Rejection rate at α = 0.05 of the per-covariate regression
   test (HC2, stratum FE; ``age``), the classical F, the HC2 Wald F and its randomisation
   p-value (200 draws per trial). All four should be close to 0.05.
2. **Lee bounds.** 1,000 trials of 1,000 people in two cells of a baseline covariate with
   response monotone in the arm (treatment responds more in both cells, by different
   amounts), outcome rising with the response propensity (selective attrition) and a constant
   effect of 0.2 for everyone. Coverage of the true effect for the always-responders (0.2) by
   the Imbens–Manski CI of the plain and of the tightened bounds (should be ≥ 0.95: the effect
   lies inside the identified set), the mean width of both bounds (tightening should narrow
   them), and timing.

Writes ``benchmarks/results/balance_lee.md``. Run: ``.venv/bin/python benchmarks/balance_lee.py``
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from impact.analysis.attrition import lee_bounds
from impact.analysis.rct import balance

TRIALS = 1_000
RI_DRAWS = 200
RESULTS = Path(__file__).parent / "results" / "balance_lee.md"


def balance_trial(rng: np.random.Generator) -> dict[str, float]:
    """One null trial of the balance tests; returns the p-values."""
    n = 300
    stratum = np.repeat(["S1", "S2", "S3"], [90, 110, 100])
    z = np.zeros(n, dtype=int)
    for s in ("S1", "S2", "S3"):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = 1
    data = pd.DataFrame(
        {
            "arm": np.where(z == 1, "treatment", "control"),
            "stratum": stratum,
            "age": rng.normal(38, 10, n) + 2 * (stratum == "S2"),
            "years": rng.gamma(2.0, 2.5, n),
            "employed_before": rng.random(n) < 0.4,
            "gender": rng.choice(["woman", "man", "other"], n, p=[0.6, 0.35, 0.05]),
        }
    )
    result = balance(
        data, ["age", "years", "employed_before", "gender"], ri_draws=RI_DRAWS,
        seed=int(rng.integers(2**31)),
    )  # fmt: skip
    table, joint = result.tidy(), result.joint.iloc[0]
    return {
        "per-covariate regression test (age, HC2)": float(
            table.loc[table["covariate"] == "age", "difference_p"].iloc[0]
        ),
        "joint F (classical)": float(joint["p_value"]),
        "joint Wald F (HC2)": float(joint["wald_p"]),
        f"joint Wald F, randomisation p ({RI_DRAWS} draws)": float(joint["ri_p"]),
    }


def lee_trial(rng: np.random.Generator, effect: float = 0.2) -> dict[str, float]:
    """One trial of the Lee bounds with a known always-responder effect."""
    n = 1_000
    cell = np.where(rng.random(n) < 0.5, "a", "b")
    z = rng.random(n) < 0.5
    u = rng.random(n)
    r0 = np.where(cell == "a", 0.5, 0.75)
    r1 = r0 + np.where(cell == "a", 0.2, 0.05)
    responds = u < np.where(z, r1, r0)
    y0 = np.where(cell == "a", 0.0, 1.0) + 2.0 * u + rng.normal(0, 1, n)
    y = y0 + effect * z
    data = pd.DataFrame(
        {
            "arm": np.where(z, "treatment", "control"),
            "cell": cell,
            "y": pd.array(np.where(responds, y, np.nan), dtype="Float64"),
        }
    )
    out = {}
    for name, tighten in (("plain", None), ("tightened", "cell")):
        b = lee_bounds(data, outcome="y", tighten_by=tighten)
        out[f"{name}_covers"] = float(b.ci_lower <= effect <= b.ci_upper)
        out[f"{name}_width"] = b.upper - b.lower
        out[f"{name}_ci_width"] = b.ci_upper - b.ci_lower
    return out


def main() -> None:
    rng = np.random.default_rng(20261203)
    start = time.perf_counter()
    nulls = pd.DataFrame([balance_trial(rng) for _ in range(TRIALS)])
    balance_time = time.perf_counter() - start
    start = time.perf_counter()
    lee = pd.DataFrame([lee_trial(rng) for _ in range(TRIALS)])
    lee_time = time.perf_counter() - start
    mc = np.sqrt(0.05 * 0.95 / TRIALS)
    lines = [
        "# Balance tests and tightened Lee bounds (`benchmarks/balance_lee.py`)",
        "",
        f"{TRIALS:,} simulated trials each; shared 2-core {platform.machine()} machine, Python "
        f"{platform.python_version()} (other jobs were running: times are indicative).",
        "",
        "Balance tests under the null (300 people, 3 strata, 4 covariates unrelated to the arm;"
        f" Monte Carlo SE of a rejection rate of 0.05: {mc:.3f}):",
        "",
        "| test | rejection rate at α = 0.05 |",
        "|---|---|",
    ]
    for column in nulls.columns:
        lines.append(f"| {column} | {(nulls[column] < 0.05).mean():.3f} |")
    lines += [
        "",
        f"Time: {balance_time / TRIALS * 1000:.0f} ms per balance table with {RI_DRAWS} "
        "randomisation draws.",
        "",
        "Lee bounds (1,000 people, two cells, response monotone in the arm, selective response,"
        " effect 0.2 for everyone; Imbens–Manski 95 % CI):",
        "",
        "| bounds | coverage of the effect | mean width of the bounds | mean width of the CI |",
        "|---|---|---|---|",
    ]
    for name in ("plain", "tightened"):
        lines.append(
            f"| {name} | {lee[f'{name}_covers'].mean():.3f} | {lee[f'{name}_width'].mean():.3f}"
            f" | {lee[f'{name}_ci_width'].mean():.3f} |"
        )
    lines += ["", f"Time: {lee_time / TRIALS * 1000:.1f} ms per trial (plain + tightened)."]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
