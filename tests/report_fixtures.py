"""Small synthetic inputs and results bundles shared by the report tests (built once per run).

The indicator tables are drawn with ``numpy.random.default_rng`` in the shapes of the data
contracts (docs/architecture.md): a programme with 2 rounds and a randomised study with two
arms, strata, four survey waves and attrition. The analyses are the package's own.
"""

from __future__ import annotations

import functools
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

STUDY = {"name": "Jobbsteget Tillsammans (syntetisk)", "organisation": "Belong Åkersberga"}
PROVENANCE = {"seed": 20231101, "parameters": {"targets": {"job_or_steps": 0.9}}}
SMALL_STEPS = (
    "improved_cv", "expanded_network", "got_reference", "visited_workplace",
    "learned_education_paths", "learned_social_codes", "improved_swedish",
    "improved_professional_swedish",
)  # fmt: skip


def _bool(values: np.ndarray, known: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="boolean").mask(~known)


def programme_table(seed: int = 7, n: int = 150) -> pd.DataFrame:
    """Indicator table of a programme: 2 rounds, ~75 % response, outcomes near the report's."""
    rng = np.random.default_rng(seed)
    responded = rng.random(n) < 0.75
    gender = rng.choice(["woman", "man"], n, p=[0.75, 0.25])
    table = pd.DataFrame(
        {
            "person_id": [f"p{i:04d}" for i in range(n)],
            "round_id": pd.Series(np.where(np.arange(n) < n // 2, "R01", "R02"), dtype="string"),
            "gender": pd.Series(gender, dtype="string"),
            "age": pd.Series(rng.integers(22, 60, n), dtype="Int64"),
            "education_level": pd.Series(rng.integers(1, 6, n), dtype="Int64"),
            "years_in_sweden": pd.Series(rng.uniform(0.5, 9, n).round(1), dtype="Float64"),
            "responded_b": pd.Series(np.ones(n, bool), dtype="boolean"),
            "responded_r": pd.Series(responded, dtype="boolean"),
        }
    )
    job = rng.random(n) < np.where(gender == "man", 0.36, 0.27)
    table["got_job"] = _bool(job, responded)
    steps = {
        name: rng.random(n) < p
        for name, p in zip(SMALL_STEPS, np.linspace(0.35, 0.75, 8), strict=True)
    }
    for name, values in steps.items():
        table[name] = _bool(values, responded)
    table["got_internship"] = _bool(rng.random(n) < 0.16, responded)
    table["started_relevant_education"] = _bool(rng.random(n) < 0.13, responded)
    count = np.sum(list(steps.values()), axis=0)
    took = ~job & ((count >= 5) | table["got_internship"].fillna(False).to_numpy(bool))
    table["took_steps"] = _bool(took, responded)
    table["job_or_steps"] = _bool(job | took, responded)
    table["knows_labour_market_more"] = _bool(rng.random(n) < 0.84, responded)
    contributed = rng.choice(["yes", "no", "dont_know"], n, p=[0.6, 0.25, 0.15])
    table["r_contributed_job"] = pd.Series(
        np.where(job & responded, contributed, None), dtype="string"
    )
    employed_b = rng.random(n) < 0.2
    table["b_employment"] = pd.Series(np.where(employed_b, "part_time", "none"), dtype="string")
    r_emp = np.where(job | employed_b, "full_time", "none")
    table["r_employment"] = pd.Series(np.where(responded, r_emp, None), dtype="string")
    return table


def rct_table(seed: int = 11, n: int = 140) -> pd.DataFrame:
    """Indicator table of a randomised waitlist study with attrition that depends on education."""
    rng = np.random.default_rng(seed)
    arm = rng.permutation(np.array(["treatment", "control"] * (n // 2)))
    treated = arm == "treatment"
    gender = rng.choice(["woman", "man"], n, p=[0.7, 0.3])
    education = rng.integers(1, 6, n)
    base = rng.random(n) < 0.8
    later = base & (rng.random(n) < 0.55 + 0.06 * education - 0.05 * treated)
    data = pd.DataFrame(
        {
            "person_id": [f"q{i:04d}" for i in range(n)],
            "arm": pd.Series(arm, dtype="string"),
            "stratum": pd.Series(np.where(np.arange(n) % 2 == 0, "R01", "R02"), dtype="string"),
            "responded_b": base,
            "responded_f1": base & (rng.random(n) < 0.6),
            "responded_f2": base & (rng.random(n) < 0.6),
            "responded_r": later,
            "gender": pd.Series(gender, dtype="string"),
            "age": pd.Series(rng.integers(22, 60, n), dtype="Int64").mask(~base),
            "education_level": pd.Series(education, dtype="Int64").mask(~base),
            "years_in_sweden": pd.Series(rng.uniform(0.5, 9, n).round(1), dtype="Float64").mask(
                ~base
            ),
        }
    )
    job = rng.random(n) < 0.28 + 0.08 * treated
    data["got_job"] = _bool(job, later)
    for name, p in (("expanded_network", 0.6), ("improved_cv", 0.55), ("got_internship", 0.2),
                    ("got_reference", 0.35)):  # fmt: skip
        data[name] = _bool(rng.random(n) < p + 0.1 * treated, later)
    took = ~job & (rng.random(n) < 0.5)
    data["took_steps"] = _bool(took, later)
    data["job_or_steps"] = _bool(job | took, later)
    return data


@functools.lru_cache(maxsize=1)
def build_bundles() -> dict[str, object]:
    """Analyses and bundles (programme project + round, RCT, power, codebook), built once."""
    from impact.analysis.attrition import attrition_summary
    from impact.analysis.cost import cost_effectiveness, programme_costs
    from impact.analysis.outcomes import outcomes_by_round
    from impact.analysis.power import mde, plan_study, rise_reproduction
    from impact.analysis.rct import analyse_rct
    from impact.report.api import (
        write_codebook_bundle,
        write_power_bundle,
        write_programme_bundle,
        write_rct_bundle,
    )  # fmt: skip

    root = Path(tempfile.mkdtemp(prefix="impact-report-tests-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcomes = outcomes_by_round(
            programme_table(), targets={"job_or_steps": 0.9, "expanded_network": 0.8}
        )
        rct_data = rct_table()
        outcome_family = ["job_or_steps", "got_job", "took_steps", "expanded_network"]
        covariates = ["gender", "age", "education_level", "years_in_sweden"]
        rct = analyse_rct(rct_data, outcomes=outcome_family, covariates=covariates,
                          components=["got_internship", "improved_cv", "got_reference"],
                          ri_draws=300, seed=3)  # fmt: skip
        attrition = attrition_summary(
            rct_data, outcomes=["job_or_steps"], covariates=["education_level", "age"],
            n_bootstrap=40, n_permutations=300, seed=3,
        )  # fmt: skip
        power = mde(40, 40, control_rate=0.6, outcome="job_or_steps")
        plan = plan_study(300, {"got_job": 0.29, "job_or_steps": 0.79}, r2_values=(0.0, 0.1),
                          curve_n=np.arange(100, 601, 100))  # fmt: skip
        rise = rise_reproduction()
        costs = {"per_participant": 18000, "price_year": 2025, "bootstrap_draws": 200}
        cost = cost_effectiveness(rct_data, costs, seed=3)
        descriptive = programme_costs(programme_table(), costs)
        paths = {
            "programme": write_programme_bundle(root / "programme", outcomes=outcomes["all"],
                                                study=STUDY, provenance=PROVENANCE,
                                                costs=descriptive),
            "programme_R01": write_programme_bundle(root / "programme_R01",
                                                    outcomes=outcomes["R01"], study=STUDY,
                                                    provenance=PROVENANCE, round_id="R01"),
            "rct": write_rct_bundle(root / "rct", rct=rct, attrition=attrition, power=power,
                                    study=STUDY, provenance=PROVENANCE, cost=cost, plan=plan),
            "power": write_power_bundle(root / "power", plan=plan, rise=rise, as_run=[power],
                                        study=STUDY, provenance=PROVENANCE),
            "codebook": write_codebook_bundle(root / "codebook", study=STUDY,
                                              provenance=PROVENANCE),
        }  # fmt: skip
    return {"root": root, "paths": paths, "outcomes": outcomes, "rct": rct,
            "attrition": attrition, "power": power, "plan": plan, "cost": cost,
            "programme_costs": descriptive}  # fmt: skip
