"""Truth of a randomised study: follow-up answers, potential outcomes and true effects.

The programme acts only through taking part: ``Y(1)`` is a person's outcome if they take part,
``Y(0)`` if not, and a person offered a place (treatment arm) takes part unless a never-taker,
one not offered (control arm) only if an always-taker. With ``c_i`` the probability that person
``i`` is a complier given the covariates, the true intention-to-treat parameter of an indicator
is the mean over the randomised of ``c_i (P(Y_i(1)) - P(Y_i(0)))``, the complier share is the
mean of ``c_i`` and the true CACE is their ratio (so ITT = CACE × complier share exactly).
Probabilities are exact for the drawn components (the additive effects) and by Monte Carlo over
fresh latent draws for composite indicators (``took_steps``, ``job_or_steps``,
``small_steps_count``, the job routes). The *sample* effects — the realised mean effect of the
offer over all randomised and over baseline respondents, and the realised mean of
``Y(1) - Y(0)`` over the people drawn as compliers — are given too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.synth.latent import COMPONENTS, copula_uniforms, derive_indicators, job_paths
from impact.synth.take_up import COMPLIER, TakeUpDraw
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


def _arm_outcomes(potential: dict[str, pd.DataFrame], taken: TakeUpDraw, offered: bool):
    """Each person's indicators if randomised to the treatment (``offered``) or control arm."""
    takes_part = taken.started_if(offered)
    out = potential["untreated"].copy()
    out.loc[takes_part] = potential["treated"].loc[takes_part]
    return out


def potential_outcome_table(potential: dict[str, pd.DataFrame], taken: TakeUpDraw) -> pd.DataFrame:
    """Long table of potential outcomes, one row per person and indicator.

    Columns: ``person``, ``indicator``, ``y_control`` and ``y_treatment`` (the outcome if
    randomised to the control / treatment arm, given the person's compliance type),
    ``y_untreated`` and ``y_treated`` (without / with taking part). Booleans are coded 0/1
    (``small_steps_count`` is a count).
    """
    by_arm = {
        "y_control": _arm_outcomes(potential, taken, offered=False),
        "y_treatment": _arm_outcomes(potential, taken, offered=True),
        "y_untreated": potential["untreated"],
        "y_treated": potential["treated"],
    }
    parts = []
    n = len(potential["untreated"])
    for name in INDICATORS:
        part = pd.DataFrame({"person": np.arange(n), "indicator": name})
        for column, frame in by_arm.items():
            part[column] = frame[name].astype(int).to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["indicator"] = out["indicator"].astype("string")
    for column in by_arm:
        out[column] = out[column].astype("Int64")
    return out


def _monte_carlo(rng, probs, shares, loading, min_small_steps, reps) -> dict[str, pd.DataFrame]:
    """Every indicator without and with taking part over ``reps`` fresh latent draws per person
    (rows: the persons repeated ``reps`` times)."""
    n = len(probs["got_job"][0])
    total = n * reps
    u_job = rng.random(total)
    uniforms = copula_uniforms(rng, total, COMPONENTS, loading)
    path = job_paths(rng, np.ones(total, bool), shares)
    drawn = {}
    for state, k in (("untreated", 0), ("treated", 1)):
        latent = pd.DataFrame(
            {"job_path": np.where(u_job < np.tile(probs["got_job"][k], reps), path, "")}
        )
        for name in COMPONENTS:
            latent[name] = uniforms[name].to_numpy() < np.tile(probs[name][k], reps)
        drawn[state] = derive_indicators(latent, min_small_steps)[list(INDICATORS)]
    return drawn


def _population_truth(y0, y1, p_always, p_complier) -> dict[str, float]:
    """Expected rates per arm, true ITT and CACE from outcomes (or their probabilities) without
    and with taking part and each row's always-taker and complier probabilities."""
    y0, y1 = np.asarray(y0, dtype=float), np.asarray(y1, dtype=float)
    effect = y1 - y0
    p_control = float(np.mean(y0 + p_always * effect))
    itt = float(np.mean(p_complier * effect))
    return {
        "p_control": p_control,
        "p_treatment": p_control + itt,
        "true_itt": itt,
        "true_cace": itt / float(np.mean(p_complier)),
    }


#: Fresh latent draws (persons × repetitions) for the Monte Carlo truth of composite indicators.
_MC_DRAWS = 43_600


def effect_table(
    rng: np.random.Generator,
    potential: dict[str, pd.DataFrame],
    probs: dict[str, tuple[np.ndarray, np.ndarray]],
    effects,
    taken: TakeUpDraw,
    in_baseline: np.ndarray,
    min_small_steps: int,
) -> pd.DataFrame:
    """Return the true effects, one row per indicator.

    Columns: ``indicator``; ``p_control``, ``p_treatment`` (expected rates in each arm);
    ``true_itt`` (expected effect of the offer given the randomised people's covariates);
    ``true_cace`` (expected effect of taking part on compliers, ``true_itt / complier_share``);
    ``complier_share`` (expected); ``source`` (``exact`` or ``monte_carlo``); ``sample_ate``
    (realised mean effect of the offer over all randomised: the sample ITT),
    ``sample_ate_baseline`` (the same over baseline respondents) and ``sample_cace`` (realised
    mean of ``Y(1) - Y(0)`` over the people drawn as compliers).
    """
    n = len(taken.compliance)
    reps = max(1, -(-_MC_DRAWS // n))
    mc = _monte_carlo(
        rng, probs, effects.job_path_shares, effects.engagement_loading, min_small_steps, reps
    )
    p_always, p_complier = taken.p_always, taken.p_complier
    complier = taken.compliance == COMPLIER
    columns = list(INDICATORS)
    offered = _arm_outcomes(potential, taken, True)[columns].astype(float)
    offer = offered - _arm_outcomes(potential, taken, False)[columns].astype(float)
    rows = []
    for name in INDICATORS:
        if name in probs:
            truth = _population_truth(*probs[name], p_always, p_complier)
            source = "exact"
        else:
            y0, y1 = mc["untreated"][name], mc["treated"][name]
            truth = _population_truth(y0, y1, np.tile(p_always, reps), np.tile(p_complier, reps))
            source = "monte_carlo"
        took_part = potential["treated"][name].astype(float) - potential["untreated"][name]
        rows.append(
            {
                "indicator": name,
                **truth,
                "complier_share": float(np.mean(p_complier)),
                "source": source,
                "sample_ate": float(offer[name].mean()),
                "sample_ate_baseline": float(offer[name][in_baseline].mean()),
                "sample_cace": float(took_part[complier].mean()),
            }
        )
    out = pd.DataFrame(rows)
    for column in ("indicator", "source"):
        out[column] = out[column].astype("string")
    return out
