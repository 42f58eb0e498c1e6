"""Coverage of the 95 % CIs of the CACE (HC2) and of the ITT with CR2 vs CR1, on known truth.

Two simulations, each with ``TRIALS`` trials (default 1,000):

* **CACE, individual randomisation**: n = 400 in two strata, half offered; compliance types
  never-taker 25 %, always-taker 8 %, complier 67 % (two-sided non-compliance); a binary
  outcome whose probability rises by 15 points with taking part — the true CACE is 0.15.
  Reported: mean estimate, coverage of the HC2 CI of :func:`impact.analysis.rct.cace`, mean
  first-stage F.
* **ITT, cluster randomisation**: 12 clusters of 10–30 people with 6 treated, and 10 clusters
  with only 3 treated (unbalanced: where CR1 is known to over-reject); a cluster effect uniform
  on ±0.15 in the outcome probability, true ITT 0.10. Reported: coverage of the CR2
  (Satterthwaite df) and CR1 (``stata``, G − 1 df) CIs of :func:`impact.analysis.rct.itt`.

Writes nothing; prints a Markdown table (copied to ``benchmarks/results/cace.md``).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/cace_coverage.py [trials]``
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from impact.analysis.rct import cace, itt

TRUE_CACE = 0.15
TRUE_ITT = 0.10


def individual_trial(rng: np.random.Generator, n: int = 400) -> pd.DataFrame:
    """One two-sided non-compliance trial with a true CACE of 0.15."""
    stratum = np.where(np.arange(n) < n // 2, "a", "b")
    z = np.zeros(n, dtype=bool)
    for s in ("a", "b"):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = True
    u = rng.random(n)
    kind = np.where(u < 0.25, "never", np.where(u < 0.33, "always", "complier"))
    started = (kind == "always") | ((kind == "complier") & z)
    age = rng.integers(20, 60, n).astype(float)
    base = 0.25 + 0.004 * (age - 40) + 0.1 * (kind == "always")
    y = rng.random(n) < base + TRUE_CACE * started
    return pd.DataFrame(
        {"arm": np.where(z, "treatment", "control"), "stratum": stratum, "age": age,
         "started": started, "y": pd.array(y, dtype="boolean")}
    )  # fmt: skip


def cluster_trial(rng: np.random.Generator, n_clusters: int = 12, n_treated: int = 6):
    """One cluster-randomised trial with a true ITT of 0.10."""
    sizes = rng.integers(10, 31, n_clusters)
    treated = np.zeros(n_clusters, dtype=bool)
    treated[rng.choice(n_clusters, n_treated, replace=False)] = True
    effect = rng.uniform(-0.15, 0.15, n_clusters)
    cl = np.repeat(np.arange(n_clusters), sizes)
    z = treated[cl]
    y = rng.random(cl.size) < 0.35 + TRUE_ITT * z + effect[cl]
    return pd.DataFrame(
        {"arm": np.where(z, "treatment", "control"), "site": cl,
         "y": pd.array(y, dtype="boolean")}
    )  # fmt: skip


def covers(row: pd.Series, truth: float) -> bool:
    return bool(row["conf_low"] <= truth <= row["conf_high"])


def main(trials: int = 1000) -> None:
    rng = np.random.default_rng(20261203)
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    est, hit, f_stats = [], 0, []
    for _ in range(trials):
        row = cace(individual_trial(rng), outcomes=["y"], covariates=["age"]).tidy().iloc[0]
        est.append(row["estimate"])
        hit += covers(row, TRUE_CACE)
        f_stats.append(row["first_stage_f"])
    t_cace = time.perf_counter() - start
    designs = {(12, 6): {"CR2": 0, "stata": 0}, (10, 3): {"CR2": 0, "stata": 0}}
    start = time.perf_counter()
    for (n_clusters, n_treated), hits in designs.items():
        for _ in range(trials):
            data = cluster_trial(rng, n_clusters, n_treated)
            for se_type in hits:
                res = itt(data, ["y"], strata=None, cluster="site", se_type=se_type, logit=False)
                hits[se_type] += covers(res.tidy().iloc[0], TRUE_ITT)
    t_cluster = time.perf_counter() - start
    mc_se = np.sqrt(0.95 * 0.05 / trials)
    print(f"{trials} trials per simulation; Monte Carlo SE of a coverage near 95 %: {mc_se:.3f}\n")
    print("| simulation | estimator | truth | mean estimate | coverage of 95 % CI | time |")
    print("|---|---|---|---|---|---|")
    print(f"| individual, two-sided non-compliance, n = 400 | CACE, HC2 (mean first-stage F "
          f"{np.mean(f_stats):.0f}) | {TRUE_CACE} | {np.mean(est):.4f} | {hit / trials:.3f} | "
          f"{t_cace:.0f} s |")  # fmt: skip
    for (n_clusters, n_treated), hits in designs.items():
        for se_type, label in (("CR2", "ITT, CR2 + Satterthwaite df"), ("stata", "ITT, CR1")):
            print(
                f"| {n_clusters} clusters ({n_treated} treated), 10–30 people each | {label} | "
                f"{TRUE_ITT} | – | {hits[se_type] / trials:.3f} | {t_cluster:.0f} s (all) |"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
