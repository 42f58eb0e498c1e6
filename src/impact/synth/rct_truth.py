"""Truth of a randomised study: follow-up answers, potential outcomes and true effects.

The true intention-to-treat parameter of an indicator is the mean over the randomised people of
``P(Y(1)) - P(Y(0))`` given their covariates: exact for the drawn components (the additive
effects), and by Monte Carlo over fresh latent draws for composite indicators (``took_steps``,
``job_or_steps``, ``small_steps_count``, the job routes). The *sample* effects — the realised
mean of ``Y(1) - Y(0)`` over all randomised, and over baseline respondents — are given too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.synth.latent import COMPONENTS, copula_uniforms, derive_indicators, job_paths
from impact.synth.truth import INDICATORS

#: Months after programme start at which the follow-ups are answered.
FOLLOWUP_MONTHS = {1: 2, 2: 5}
#: Month at which people who lose a pre-programme job lose it.
_JOB_LOSS_MONTH = 4


def followup_answers(
    path: np.ndarray, job_month: np.ndarray, baseline: pd.DataFrame, result: pd.DataFrame
) -> dict[int, pd.DataFrame]:
    """Return each follow-up's ``employment``, ``job_start_month`` and ``in_education``
    consistent with the truth.

    A job got during the programme shows from its start month on, with ``job_start_month`` set;
    a job held since before the programme shows with ``job_start_month`` missing. Studies
    (no random draws): at the first follow-up as at baseline, from the second on as at the
    result survey.
    """
    b_emp = baseline["employment"].to_numpy()
    r_emp = result["employment"].to_numpy()
    new_job = path != ""
    out = {}
    for number, month in FOLLOWUP_MONTHS.items():
        started = new_job & (job_month <= month)
        employment = np.where(started, r_emp, b_emp).astype(object)
        lost = ~new_job & (b_emp != "none") & (r_emp == "none") & (month >= _JOB_LOSS_MONTH)
        employment[lost] = "none"
        from_none_waiting = (path == "from_none") & ~started
        employment[from_none_waiting] = "none"
        start = pd.array(np.where(started, job_month, 0), dtype="Int64")
        start[~started] = pd.NA
        studies = baseline if number == 1 else result
        out[number] = pd.DataFrame(
            {
                "employment": employment,
                "job_start_month": start,
                "in_education": studies["in_education"].to_numpy(),
            },
            index=baseline.index,
        )
    return out


def potential_outcome_table(potential: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Long table of potential outcomes: ``person``, ``indicator``, ``y_control``, ``y_treatment``.

    Booleans are coded 0/1 (``small_steps_count`` is a count).
    """
    parts = []
    n = len(potential["control"])
    for name in INDICATORS:
        parts.append(
            pd.DataFrame(
                {
                    "person": np.arange(n),
                    "indicator": name,
                    "y_control": potential["control"][name].astype(int).to_numpy(),
                    "y_treatment": potential["treatment"][name].astype(int).to_numpy(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["indicator"] = out["indicator"].astype("string")
    for column in ("y_control", "y_treatment"):
        out[column] = out[column].astype("Int64")
    return out


def _monte_carlo(rng, probs, shares, loading, min_small_steps, reps) -> dict[str, pd.Series]:
    """Mean of every indicator under each arm over ``reps`` fresh latent draws."""
    n = len(probs["got_job"][0])
    total = n * reps
    u_job = rng.random(total)
    uniforms = copula_uniforms(rng, total, COMPONENTS, loading)
    path = job_paths(rng, np.ones(total, bool), shares)
    means = {}
    for arm, k in (("control", 0), ("treatment", 1)):
        latent = pd.DataFrame(
            {"job_path": np.where(u_job < np.tile(probs["got_job"][k], reps), path, "")}
        )
        for name in COMPONENTS:
            latent[name] = uniforms[name].to_numpy() < np.tile(probs[name][k], reps)
        means[arm] = derive_indicators(latent, min_small_steps)[list(INDICATORS)].mean()
    return means


def effect_table(
    rng: np.random.Generator,
    potential: dict[str, pd.DataFrame],
    probs: dict[str, tuple[np.ndarray, np.ndarray]],
    effects,
    in_baseline: np.ndarray,
    min_small_steps: int,
    reps: int = 200,
) -> pd.DataFrame:
    """Return the true effects, one row per indicator.

    Columns: ``indicator``, ``p_control``, ``p_treatment``, ``true_itt`` (expected effect given
    the randomised people's covariates), ``source`` (``exact`` or ``monte_carlo``),
    ``sample_ate`` (realised mean of ``Y(1) - Y(0)`` over all randomised) and
    ``sample_ate_baseline`` (over baseline respondents).
    """
    mc = _monte_carlo(
        rng, probs, effects.job_path_shares, effects.engagement_loading, min_small_steps, reps
    )
    rows = []
    for name in INDICATORS:
        if name in probs:
            p0, p1, source = float(np.mean(probs[name][0])), float(np.mean(probs[name][1])), "exact"
        else:
            p0, p1, source = float(mc["control"][name]), float(mc["treatment"][name]), "monte_carlo"
        diff = potential["treatment"][name].astype(float) - potential["control"][name].astype(float)
        rows.append(
            {
                "indicator": name,
                "p_control": p0,
                "p_treatment": p1,
                "true_itt": p1 - p0,
                "source": source,
                "sample_ate": float(diff.mean()),
                "sample_ate_baseline": float(diff[in_baseline].mean()),
            }
        )
    out = pd.DataFrame(rows)
    for column in ("indicator", "source"):
        out[column] = out[column].astype("string")
    return out
