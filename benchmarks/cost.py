"""Benchmark: coverage of the cost-per-outcome intervals (Fieller, bootstrap) by simulation.

Each trial re-randomises 300 people in two strata (half to the programme), draws a binary
outcome with control rate 30 % and a known effect, leaves 10 % of outcomes missing at random,
and runs :func:`impact.analysis.cost.cost_effectiveness` (unadjusted ITT with stratum fixed
effects, HC2; cost 20,000 SEK per person offered; bootstrap with 1,000 resamples within
arm × stratum). The true cost per additional person is 20,000 / effect and the true impact
per 100,000 SEK is effect × 5. An interval with no finite upper limit covers the truth when
its lower limit is below it; "no positive cost" never covers a positive truth. For
comparison, the delta-method interval (cost/effect ± z·cost·se/effect²) that Fieller's
theorem replaces.

Run: ``.venv/bin/python benchmarks/cost.py [--trials 2000] [--write]``; ``--write`` saves
``benchmarks/results/cost.md`` (then run ``benchmarks/collect.py``).
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from impact.analysis.cost import cost_effectiveness

N, CONTROL_RATE, COST, DRAWS, LEVEL = 300, 0.30, 20_000.0, 1_000, 0.95
COSTS = {"per_participant": COST, "price_year": 2025, "outcomes": ["got_job"]}
EFFECTS = (0.15, 0.08, 0.0)


def trial(rng: np.random.Generator, effect: float) -> pd.DataFrame:
    """One re-randomised trial: arms balanced within two strata, 10 % missing outcomes."""
    stratum = np.repeat(["a", "b"], N // 2)
    z = np.zeros(N, dtype=bool)
    for s in ("a", "b"):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = True
    y = pd.array(rng.random(N) < CONTROL_RATE + effect * z, dtype="boolean")
    y[rng.random(N) < 0.10] = pd.NA
    arm = np.where(z, "treatment", "control")
    return pd.DataFrame({"arm": arm, "stratum": stratum, "got_job": y, "round_id": "R1"})


def covers(kind: str, low: float, high: float, truth: float) -> bool:
    """Whether a cost interval read as in :mod:`impact.analysis.cost.fieller` holds ``truth``."""
    if kind == "bounded":
        return low <= truth <= high
    if kind == "no_upper_limit":
        return low <= truth
    return kind == "unbounded"


def scenario(effect: float, trials: int, seed: int) -> dict:
    """Coverage and interval shapes over ``trials`` trials with true ``effect``."""
    rng = np.random.default_rng(seed)
    truth_cost = COST / effect if effect > 0 else math.inf
    truth_impact = effect * 100_000 / COST
    hits = {"fieller": 0, "bootstrap": 0, "delta": 0, "impact_t": 0, "impact_boot": 0}
    open_ended = 0
    start = time.perf_counter()
    for k in range(trials):
        row = cost_effectiveness(trial(rng, effect), COSTS, draws=DRAWS, seed=seed + k,
                                 confidence_level=LEVEL).tidy().iloc[0]  # fmt: skip
        open_ended += row["fieller_interval"] != "bounded"
        hits["impact_t"] += row["impact_low"] <= truth_impact <= row["impact_high"]
        hits["impact_boot"] += row["impact_boot_low"] <= truth_impact <= row["impact_boot_high"]
        if effect > 0:
            hits["fieller"] += covers(row["fieller_interval"], row["fieller_low"],
                                      row["fieller_high"], truth_cost)  # fmt: skip
            hits["bootstrap"] += covers(row["bootstrap_interval"], row["bootstrap_low"],
                                        row["bootstrap_high"], truth_cost)  # fmt: skip
            est, se = row["estimate"], row["std_error"]
            half = 1.959964 * COST * se / est**2
            hits["delta"] += abs(COST / est - truth_cost) <= half
    seconds = time.perf_counter() - start
    out = {k: v / trials for k, v in hits.items()}
    return {"effect": effect, "trials": trials, "open_ended": open_ended / trials,
            "seconds": seconds, **out}  # fmt: skip


def table(rows: list[dict]) -> str:
    lines = [
        "| true effect | true cost per additional person | Fieller | bootstrap | delta method "
        "| intervals with no finite upper limit | impact per 100,000 SEK: t | bootstrap "
        "| seconds per trial |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        positive = r["effect"] > 0
        cost = f"{COST / r['effect']:,.0f} SEK" if positive else "none (no effect)"
        cells = [f"{r[k]:.3f}" if positive else "–" for k in ("fieller", "bootstrap", "delta")]
        lines.append(
            f"| {r['effect']:.2f} | {cost} | {' | '.join(cells)} | {r['open_ended']:.3f} "
            f"| {r['impact_t']:.3f} | {r['impact_boot']:.3f} "
            f"| {r['seconds'] / r['trials']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--write", action="store_true", help="save benchmarks/results/cost.md")
    args = parser.parse_args()
    rows = [scenario(effect, args.trials, seed=100 + i) for i, effect in enumerate(EFFECTS)]
    se = math.sqrt(0.95 * 0.05 / args.trials)
    report = f"""# Cost per outcome: coverage of the intervals (`benchmarks/cost.py`)

Machine: {platform.machine()}, Python {platform.python_version()}. {args.trials:,} trials per
row, nominal level 95 % (Monte Carlo standard error of a coverage near 0.95: {se:.3f}). Each
trial: {N} people re-randomised within two strata, control rate 30 %, 10 % of outcomes missing
at random, cost {COST:,.0f} SEK per person offered, unadjusted ITT with stratum fixed effects
(HC2, t interval), bootstrap with {DRAWS:,} resamples of persons within arm × stratum.
Coverage of the cost per additional person counts an interval with no finite upper limit as
covering when its lower limit is below the truth.

{table(rows)}

Reading: Fieller's interval is the set of costs for every effect inside the effect's
confidence interval, so it covers exactly as often as that interval; when the effect is
uncertain it is open-ended (no finite upper limit), which is why the reports say so instead of
printing a number. The percentile bootstrap covers slightly below the nominal level at
this size, as percentile intervals do; the delta-method interval, symmetric around
cost ÷ effect, under-covers, the more so the smaller the effect. "Impact per 100,000 SEK"
is linear in the effect and covers at the nominal level even with no effect at all.
"""
    print(report)
    if args.write:
        (Path(__file__).parent / "results" / "cost.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
