"""Generate the committed test data for the CR2 and CACE reference values (run once; committed).

Writes three CSV files that ``cace.R`` reads to write ``cace_values.json``:

* ``cace_individual.csv`` — 400 people randomised individually within three strata; baseline
  covariates (age, education level, gender); take-up with one-sided non-compliance
  (``started_one``: nobody in the control group starts) and two-sided non-compliance with
  crossover (``started``: some control-group members start); two binary outcomes, one with
  missing values (non-respondents).
* ``cace_clustered.csv`` — 24 clusters (coaches) in two strata of 12, randomised by cluster,
  8–30 people per cluster, two-sided take-up, a cluster effect in the outcome.
* ``cace_few.csv`` — 8 clusters in two strata (4 treated), the few-cluster case where CR2
  matters most.

Compliance type depends on the covariates, so complier means differ from the sample means.

Run: ``/work/main/.venv/bin/python tests/reference/cace_make_data.py``
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def _types(rng: np.random.Generator, age: np.ndarray, woman: np.ndarray, edu: np.ndarray):
    """Compliance types: 'always', 'never' or 'complier', depending on the covariates."""
    u = rng.random(age.size)
    p_never = 0.18 + 0.006 * (age - 40) - 0.05 * (edu - 3) + 0.05 * woman
    p_always = 0.08 + 0.03 * (edu - 3)
    return np.where(u < p_never, "never", np.where(u < p_never + p_always, "always", "complier"))


def _outcomes(rng, treated_by_programme, age, edu, woman, shift=None):
    """Two binary outcomes; the programme raises both; ``improved_cv`` has non-response."""
    base = -0.6 + 0.02 * (age - 40) + 0.3 * (edu - 3) + 0.2 * woman
    if shift is not None:
        base = base + shift
    got_job = rng.random(age.size) < 1 / (1 + np.exp(-(base + 0.7 * treated_by_programme)))
    cv = rng.random(age.size) < 0.45 + 0.2 * treated_by_programme
    cv_text = np.where(rng.random(age.size) < 0.12, "", np.where(cv, "True", "False"))
    return got_job, cv_text


def _covariates(rng, n):
    age = rng.integers(20, 62, n).astype(float)
    edu = rng.integers(1, 6, n).astype(float)
    woman = rng.random(n) < 0.6
    return age, edu, woman


def individual(rng: np.random.Generator) -> pd.DataFrame:
    """400 people, three strata, individual randomisation (half per stratum)."""
    n = 400
    stratum = np.repeat(["S1", "S2", "S3"], [150, 130, 120])
    z = np.zeros(n, dtype=bool)
    for s in ("S1", "S2", "S3"):
        idx = np.flatnonzero(stratum == s)
        z[rng.choice(idx, idx.size // 2, replace=False)] = True
    age, edu, woman = _covariates(rng, n)
    kind = _types(rng, age, woman, edu)
    started = (kind == "always") | ((kind == "complier") & z)
    started_one = z & (kind != "never")
    got_job, cv = _outcomes(rng, started, age, edu, woman)
    return pd.DataFrame(
        {
            "person_id": [f"i{i:03d}" for i in range(n)],
            "arm": np.where(z, "treatment", "control"),
            "stratum": stratum,
            "age": age,
            "education_level": edu,
            "gender": np.where(woman, "woman", "man"),
            "started": started,
            "started_one": started_one,
            "got_job": got_job,
            "improved_cv": cv,
        }
    )


def clustered(rng: np.random.Generator, n_clusters: int, prefix: str) -> pd.DataFrame:
    """Cluster-randomised study: half the clusters of each stratum treated."""
    sizes = rng.integers(8, 31, n_clusters)
    half = n_clusters // 2
    stratum_of = np.repeat(["A", "B"], [half, n_clusters - half])
    treated = np.zeros(n_clusters, dtype=bool)
    for s in ("A", "B"):
        idx = np.flatnonzero(stratum_of == s)
        treated[rng.choice(idx, idx.size // 2, replace=False)] = True
    effect = rng.normal(0.0, 0.5, n_clusters)
    cl = np.repeat(np.arange(n_clusters), sizes)
    n = cl.size
    age, edu, woman = _covariates(rng, n)
    z = treated[cl]
    kind = _types(rng, age, woman, edu)
    started = (kind == "always") | ((kind == "complier") & z)
    got_job, cv = _outcomes(rng, started, age, edu, woman, shift=effect[cl])
    return pd.DataFrame(
        {
            "person_id": [f"{prefix}{i:04d}" for i in range(n)],
            "arm": np.where(z, "treatment", "control"),
            "stratum": stratum_of[cl],
            "coach": [f"coach{c:02d}" for c in cl],
            "age": age,
            "education_level": edu,
            "gender": np.where(woman, "woman", "man"),
            "started": started,
            "got_job": got_job,
            "improved_cv": cv,
        }
    )


def main() -> None:
    rng = np.random.default_rng(20261203)
    individual(rng).to_csv(HERE / "cace_individual.csv", index=False)
    clustered(rng, 24, "c").to_csv(HERE / "cace_clustered.csv", index=False)
    clustered(rng, 8, "f").to_csv(HERE / "cace_few.csv", index=False)


if __name__ == "__main__":
    main()
