"""Benchmark: randomisation inference, vectorised numpy vs a naive loop of statsmodels fits.

Times :func:`impact.analysis.rct.randomisation_test` with 10,000 draws (studentised HC2
statistic, stratum fixed effects, one outcome) at n = 151 (the RISE study) and n = 1,500, and
the naive approach — one ``statsmodels`` OLS fit with ``cov_type="HC2"`` per permuted
assignment — on fewer draws, extrapolated linearly to 10,000. Also times a full
``analyse_rct`` run. Writes nothing; prints a Markdown table.

Run: ``.venv/bin/python benchmarks/rct.py``
"""

from __future__ import annotations

import platform
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

from impact.analysis.rct import analyse_rct, randomisation_test
from impact.analysis.rct.procedure import RandomisationProcedure

DRAWS = 10_000
NAIVE_DRAWS = {151: 500, 1500: 200}


def make_data(n: int, seed: int = 1) -> pd.DataFrame:
    """Synthetic two-stratum trial with ~25 % missing outcomes."""
    rng = np.random.default_rng(seed)
    stratum = np.where(np.arange(n) < n // 2, "R01", "R02")
    z = np.zeros(n, dtype=bool)
    for s in ("R01", "R02"):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = True
    outcomes = {}
    for k, name in enumerate(
        [
            "got_job",
            "took_steps",
            "job_or_steps",
            "expanded_network",
            "improved_cv",
            "got_reference",
        ]
    ):
        y = pd.array(rng.random(n) < 0.3 + 0.05 * k + 0.1 * z, dtype="boolean")
        y[rng.random(n) < 0.25] = pd.NA
        outcomes[name] = y
    return pd.DataFrame(
        {
            "arm": np.where(z, "treatment", "control"),
            "stratum": stratum,
            "gender": np.where(rng.random(n) < 0.8, "woman", "man"),
            "age": rng.integers(20, 60, n).astype(float),
            "education_level": rng.integers(1, 6, n).astype(float),
            "years_in_sweden": rng.gamma(2.0, 2.5, n),
            "responded_b": np.ones(n, dtype=bool),
            "responded_r": np.ones(n, dtype=bool),
            **outcomes,
        }
    )


def best_of(fn, repeat: int = 3) -> float:
    """Smallest wall time of ``repeat`` runs (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def naive(data: pd.DataFrame, draws: int) -> float:
    """Permute within strata and refit statsmodels OLS (HC2) each time; return the p-value."""
    rng = np.random.default_rng(2)
    obs = data["got_job"].notna().to_numpy()
    z = (data["arm"] == "treatment").to_numpy(dtype=float)
    codes = pd.factorize(data["stratum"])[0]
    y = data.loc[obs, "got_job"].astype(float).to_numpy()
    s = (codes[obs] == 1).astype(float)

    def t_of(zz):
        x = np.column_stack([np.ones(obs.sum()), zz[obs], s])
        return sm.OLS(y, x).fit(cov_type="HC2").tvalues[1]

    t_obs = t_of(z)
    perms = RandomisationProcedure.from_data(data).draw(rng, draws)
    null = np.array([t_of(p.astype(float)) for p in perms])
    return float((1 + np.sum(np.abs(null) >= abs(t_obs))) / (1 + draws))


def main() -> None:
    print(
        f"Machine: {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}\n"
    )
    print("| n | method | draws timed | time (s) | time for 10,000 draws (s) |")
    print("|---|---|---|---|---|")
    for n in (151, 1500):
        data = make_data(n)
        t_vec = best_of(lambda d=data: randomisation_test(d, ["got_job"], draws=DRAWS, seed=1))
        print(f"| {n} | vectorised (impact) | {DRAWS:,} | {t_vec:.3f} | {t_vec:.3f} |")
        k = NAIVE_DRAWS[n]
        t_naive = best_of(lambda d=data, k=k: naive(d, k), repeat=1)
        extrapolated = t_naive * DRAWS / k
        print(
            f"| {n} | naive statsmodels loop | {k:,} | {t_naive:.2f} | {extrapolated:.1f} "
            f"(extrapolated; {extrapolated / t_vec:.0f}× slower) |"
        )
    for n in (151, 1500):
        data = make_data(n)
        t_all = best_of(
            lambda d=data: analyse_rct(
                d,
                outcomes=["job_or_steps", "got_job", "took_steps", "expanded_network"],
                components=["improved_cv", "got_reference"],
                ri_draws=DRAWS,
                seed=1,
            ),
            repeat=1,
        )
        print(f"| {n} | full analyse_rct (6 outcomes, RI {DRAWS:,} draws) | – | {t_all:.2f} | – |")


if __name__ == "__main__":
    main()
