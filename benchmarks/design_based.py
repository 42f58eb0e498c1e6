"""Simulation checks of design-based inference (not part of the unit suite).

1. Coverage of the randomisation-inference confidence interval (test inversion, studentised HC2
   statistic, blocked design re-drawn as declared) of the sample average effect, for a binary
   outcome with heterogeneous individual effects (true ATE 15 pp; n = 150 in two blocks).
2. Size of the wild cluster bootstrap (Webb weights, null imposed) with 8 clusters of unequal
   size and an ICC of about 0.1, against the CR1 t-test with G − 1 degrees of freedom.
3. Coverage of the RI interval in a clustered design (12 clusters, cluster_ra).

Prints a Markdown table (copied to ``benchmarks/results/design_based.md``).

Run: ``.venv/bin/python benchmarks/design_based.py [trials]``
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

from impact.analysis.rct import randomisation_test, wild_cluster_bootstrap
from impact.analysis.rct.procedure import Declaration


def blocked_trial(rng: np.random.Generator, n: int = 150) -> tuple[pd.DataFrame, float]:
    """A blocked trial with potential outcomes; returns the data and the sample ATE."""
    block = np.where(np.arange(n) < n // 2, "A", "B")
    x = rng.normal(size=n)
    p0 = 1 / (1 + np.exp(-(-0.5 + 0.8 * x)))
    p1 = np.clip(p0 + 0.15 + 0.1 * rng.normal(size=n), 0, 1)
    u = rng.random(n)
    y0, y1 = u < p0, u < p1
    z = np.zeros(n, dtype=bool)
    for b in ("A", "B"):
        idx = np.flatnonzero(block == b)
        z[rng.choice(idx, idx.size // 2, replace=False)] = True
    y = np.where(z, y1, y0)
    data = pd.DataFrame({"arm": np.where(z, "treatment", "control"), "stratum": block,
                         "y": pd.array(y, dtype="boolean")})  # fmt: skip
    return data, float(np.mean(y1.astype(float) - y0.astype(float)))


def clustered_trial(
    rng: np.random.Generator, n_clusters: int, effect: float
) -> tuple[pd.DataFrame, float]:
    """Clusters of 5–25 people with a cluster random effect (ICC ≈ 0.1 on the latent scale)."""
    sizes = rng.integers(5, 26, n_clusters)
    cluster = np.repeat(np.arange(n_clusters), sizes)
    zc = np.zeros(n_clusters, dtype=bool)
    zc[rng.choice(n_clusters, n_clusters // 2, replace=False)] = True
    z = zc[cluster]
    latent = -0.3 + rng.normal(scale=0.6, size=n_clusters)[cluster]
    p0 = 1 / (1 + np.exp(-latent))
    p1 = np.clip(p0 + effect, 0, 1)
    u = rng.random(cluster.size)
    y0, y1 = u < p0, u < p1
    y = np.where(z, y1, y0)
    data = pd.DataFrame({"arm": np.where(z, "treatment", "control"),
                         "cluster": [f"c{c}" for c in cluster],
                         "y": pd.array(y, dtype="boolean")})  # fmt: skip
    return data, float(np.mean(y1.astype(float) - y0.astype(float)))


def cr1_p(data: pd.DataFrame) -> float:
    """CR1 ("stata") t-test p-value with G − 1 degrees of freedom."""
    z = (data["arm"] == "treatment").to_numpy(dtype=float)
    y = data["y"].astype(float).to_numpy()
    groups = pd.factorize(data["cluster"])[0]
    fit = sm.OLS(y, sm.add_constant(z)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    return float(fit.pvalues[1])


def main(trials: int) -> None:
    rng = np.random.default_rng(20261203)
    warnings.simplefilter("ignore")
    rows = []
    start = time.perf_counter()
    covered = 0
    for _ in range(trials):
        data, ate = blocked_trial(rng)
        res = randomisation_test(data, ["y"], draws=500, seed=rng).tidy().iloc[0]
        covered += res["conf_low"] <= ate <= res["conf_high"]
    rows.append(("RI CI coverage of the sample ATE, blocked, n = 150 (500 draws)",
                 covered / trials, time.perf_counter() - start))  # fmt: skip
    start = time.perf_counter()
    wild_rejects = cr1_rejects = 0
    for _ in range(trials):
        data, _ = clustered_trial(rng, 8, 0.0)
        wild = wild_cluster_bootstrap(data, ["y"], cluster="cluster", strata=None, draws=999,
                                      seed=rng).tidy()["p_value"].iloc[0]  # fmt: skip
        wild_rejects += wild <= 0.05
        cr1_rejects += cr1_p(data) <= 0.05
    elapsed = time.perf_counter() - start
    rows.append(("Wild cluster bootstrap rejection rate under the null, G = 8 (α = 0.05)",
                 wild_rejects / trials, elapsed))  # fmt: skip
    rows.append(("CR1 t-test (G − 1 df) rejection rate under the null, G = 8 (α = 0.05)",
                 cr1_rejects / trials, elapsed))  # fmt: skip
    start = time.perf_counter()
    covered = 0
    declared = Declaration("clustered", blocks=None, clusters="cluster", probability=0.5)
    for _ in range(trials):
        data, ate = clustered_trial(rng, 12, 0.15)
        res = randomisation_test(data, ["y"], strata=None, statistic="coefficient", draws=924,
                                 procedure=declared, seed=rng).tidy().iloc[0]  # fmt: skip
        covered += res["conf_low"] <= ate <= res["conf_high"]
    rows.append(("RI CI coverage of the sample ATE, clustered, G = 12 (all 924 assignments)",
                 covered / trials, time.perf_counter() - start))  # fmt: skip
    mc = np.sqrt(0.05 * 0.95 / trials)
    print(f"{trials} simulated trials per row; Monte Carlo SE of a 95 % coverage ≈ {mc:.3f}\n")
    print("| check | result | time (s) |")
    print("|---|---|---|")
    for name, value, seconds in rows:
        print(f"| {name} | {value:.3f} | {seconds:.0f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
