"""Benchmark: simulation-based power with 10,000 trials (n = 151 and 500, ± covariates).

Run: ``.venv/bin/python benchmarks/power.py`` (prints a Markdown table);
``--write`` also saves it to ``benchmarks/results/power.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from impact.analysis.power import mde, rise_reproduction, simulate_power

CASES = [
    {"n": 151, "n_covariates": 0, "r2": 0.0, "attrition": 0.0},
    {"n": 151, "n_covariates": 3, "r2": 0.1, "attrition": 0.0},
    {"n": 151, "n_covariates": 3, "r2": 0.1, "attrition": 0.3},
    {"n": 500, "n_covariates": 0, "r2": 0.0, "attrition": 0.0},
    {"n": 500, "n_covariates": 3, "r2": 0.1, "attrition": 0.0},
    {"n": 500, "n_covariates": 3, "r2": 0.1, "attrition": 0.3},
]
SIMS = 10_000
REPEATS = 3


def _time(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> str:
    """Run every case and return the Markdown report."""
    lines = [
        "# Benchmark: `impact.analysis.power`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}, numpy {np.__version__}. Median of {REPEATS} runs.",
        "",
        f"## Simulated power, {SIMS:,} trials (ITT difference, HC2 SE; seed 1)",
        "",
        "| n | covariates | R² | attrition | seconds | simulated power | analytic power |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in CASES:
        seconds, result = _time(
            lambda case=case: simulate_power(
                n=case["n"],
                control_rate=0.3,
                effect_pp=15,
                n_covariates=case["n_covariates"],
                r2=case["r2"],
                attrition=case["attrition"],
                n_sims=SIMS,
                seed=1,
            )
        )
        lines.append(
            f"| {case['n']} | {case['n_covariates']} | {case['r2']} | {case['attrition']} | "
            f"{seconds:.2f} | {result.power:.3f} | {result.analytic_power:.3f} |"
        )
    single, _ = _time(lambda: mde(73, 78, control_rate=0.3))
    grid, _ = _time(rise_reproduction)
    lines += [
        "",
        "## Analytic",
        "",
        "| task | seconds |",
        "|---|---|",
        f"| one `mde` (both directions) | {single:.4f} |",
        f"| `rise_reproduction()` (1,026 MDEs) | {grid:.2f} |",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="save to benchmarks/results/power.md")
    args = parser.parse_args()
    report = main()
    print(report)
    if args.write:
        path = Path(__file__).parent / "results" / "power.md"
        path.write_text(report, encoding="utf-8")
