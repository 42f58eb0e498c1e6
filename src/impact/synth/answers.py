"""Survey answers that imply a given set of latent indicators exactly.

Given each person's latent indicators (:mod:`impact.synth.latent`), this module writes the
baseline and result answers so that the default indicator rules (DOMAIN.md, "How the canonical
survey fields operationalise them") recover exactly those indicators: e.g. ``expanded_network``
true ⇔ more professional contacts at result than at baseline, ``got_reference`` true ⇔ a
reference at result but none at baseline, ``more_interviews`` true ⇔ at least ``min_extra``
more interviews. Answers stay internally consistent: ``job_matches_field`` is missing when not
employed, ``changed_job`` is missing when not employed at result, contribution questions are
asked only of those who got a job / internship / education.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COMMENTS = (
    "Mycket bra program, tack!",
    "Min mentor har hjälpt mig mycket.",
    "Jag önskar att vi hade träffats oftare.",
    "Workshoppen om intervjuer var mest givande.",
    "Bra nätverksträffar.",
    "Det var svårt att hitta tider som passade.",
    "Jag har fått mer självförtroende i jobbsökandet.",
)
_CONTRIBUTED = np.array(["yes", "no", "dont_know"])


def _choice(rng: np.random.Generator, values, probs, n: int) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    return rng.choice(np.asarray(values), size=n, p=probs / probs.sum())


def scale_pair(
    rng: np.random.Generator, improved: np.ndarray, base_probs, low: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Return baseline and result levels on an ordinal scale; result > baseline ⇔ ``improved``.

    Parameters
    ----------
    improved : numpy.ndarray of bool
        Who improved.
    base_probs : sequence of float
        Baseline distribution over the levels ``low, low+1, ...``.
    low : int
        Lowest level of the scale.
    """
    n = len(improved)
    levels = np.arange(low, low + len(base_probs))
    top = levels[-1]
    probs = np.asarray(base_probs, dtype=float)
    b_any = _choice(rng, levels, probs, n)
    b_room = _choice(rng, levels[:-1], probs[:-1], n)
    b = np.where(improved, b_room, b_any)
    up = np.minimum(b + np.where(rng.random(n) < 0.7, 1, 2), top)
    down = np.where((rng.random(n) < 0.12) & (b > low), b - 1, b)
    return b, np.where(improved, up, down)


def count_pair(
    rng: np.random.Generator, b: np.ndarray, more: np.ndarray, min_extra: int
) -> np.ndarray:
    """Return result counts such that ``result - b >= min_extra`` exactly when ``more``."""
    n = len(b)
    extra = min_extra + np.minimum(rng.geometric(0.5, n) - 1, 4)
    small = np.maximum(b + _choice(rng, [-1, 0, min_extra - 1], [0.2, 0.55, 0.25], n), 0)
    return np.where(more, b + extra, np.minimum(small, b + min_extra - 1))


def _employment(rng: np.random.Generator, path: np.ndarray) -> dict[str, np.ndarray]:
    """Baseline/result employment, field match and changed_job implied by each job route."""
    n = len(path)
    u = rng.random((6, n))
    none, part, full = "none", "part_time", "full_time"
    b_emp = np.full(n, none, dtype=object)
    r_emp = np.full(n, none, dtype=object)
    b_match = np.where(u[0] < 0.5, 1, 0).astype(float)
    r_match = np.where(u[1] < 0.6, 1, 0).astype(float)
    changed = np.full(n, np.nan)

    no_job = path == ""
    employed_before = no_job & (u[2] < 0.15)
    b_emp[employed_before] = np.where(u[3][employed_before] < 0.6, part, full)
    keeps = employed_before & (u[4] < 0.85)
    r_emp[keeps] = b_emp[keeps]
    r_match[keeps] = b_match[keeps]
    changed[keeps] = 0

    from_none = path == "from_none"
    r_emp[from_none] = np.where(u[3][from_none] < 0.35, part, full)
    changed[from_none] = 0

    upgraded = path == "upgraded"
    to_full = upgraded & (u[4] < 0.7)
    to_relevant = upgraded & ~to_full
    b_emp[to_full] = part
    r_emp[to_full] = full
    b_emp[to_relevant] = full
    b_match[to_relevant] = 0
    r_match[to_relevant] = 1
    r_emp[to_relevant] = full
    changed[upgraded] = 1

    other = path == "changed_other"
    b_emp[other] = np.where(u[3][other] < 0.4, part, full)
    stays_full = u[5] < 0.8
    r_emp[other] = np.where(b_emp[other] == part, part, np.where(stays_full[other], full, part))
    r_match[other & (b_match == 0)] = 0
    changed[other] = 1

    b_match[b_emp == none] = np.nan
    r_match[r_emp == none] = np.nan
    return {
        "b_emp": b_emp,
        "r_emp": r_emp,
        "b_match": b_match,
        "r_match": r_match,
        "changed": changed,
        "upgraded_to_relevant": to_relevant,
    }


def _bool_array(values: np.ndarray) -> pd.array:
    """Float array with 1/0/NaN → nullable boolean."""
    return pd.array([pd.NA if np.isnan(v) else bool(v) for v in values], dtype="boolean")


def _contribution(rng, asked: np.ndarray, probs) -> np.ndarray:
    answers = _choice(rng, _CONTRIBUTED, probs, len(asked)).astype(object)
    answers[~asked] = None
    return answers


def survey_answers(
    rng: np.random.Generator,
    latent: pd.DataFrame,
    *,
    asks_programme_questions: np.ndarray,
    min_extra_interviews: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write baseline and result status answers implying ``latent`` exactly.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    latent : pandas.DataFrame
        One row per person: ``job_path`` and the component indicators of
        :data:`impact.synth.latent.COMPONENTS`.
    asks_programme_questions : numpy.ndarray of bool
        Who gets the satisfaction and "did the programme contribute" questions (everyone in a
        programme study; the treatment arm in a randomised study).
    min_extra_interviews : int
        The ``more_interviews`` threshold the answers are built for.

    Returns
    -------
    (baseline, result) : tuple of pandas.DataFrame
        Status answers (and result-only answers) in canonical codes, index aligned with
        ``latent``; identity columns (response id, code, timestamps) are added later.
    """
    n = len(latent)
    emp, contributed_job = _job_answers(rng, latent, asks_programme_questions)
    b_int = _choice(rng, np.arange(6), [0.42, 0.25, 0.15, 0.10, 0.05, 0.03], n)
    r_int = count_pair(rng, b_int, latent["more_interviews"].to_numpy(), min_extra_interviews)
    b_con, r_con = _contact_counts(rng, latent["expanded_network"].to_numpy())
    scales = {
        field: scale_pair(rng, latent[component].to_numpy(), probs, low=low)
        for field, component, probs, low in _SCALES
    }
    got_ref = latent["got_reference"].to_numpy()
    ref_b = ~got_ref & (rng.random(n) < 0.2)
    ref_r = got_ref | (ref_b & (rng.random(n) < 0.9))
    baseline = pd.DataFrame(
        {
            "employment": emp["b_emp"],
            "job_matches_field": _bool_array(emp["b_match"]),
            "interviews_3m": b_int,
            "professional_contacts": b_con,
            **{field: pair[0] for field, pair in scales.items()},
            "has_reference": ref_b,
            "in_internship": rng.random(n) < 0.05,
            "in_education": rng.random(n) < 0.10,
        },
        index=latent.index,
    )
    status = {
        "employment": emp["r_emp"],
        "job_matches_field": _bool_array(emp["r_match"]),
        "interviews_3m": r_int,
        "professional_contacts": r_con,
        **{field: pair[1] for field, pair in scales.items()},
        "has_reference": ref_r,
    }
    result = _result_answers(rng, latent, status, contributed_job, asks_programme_questions, emp)
    return baseline, result


#: Scale questions asked at baseline and result: the field, the component that makes the answer
#: rise, the baseline distribution of the levels, and the lowest level.
_SCALES = (
    ("swedish_level", "improved_swedish", [0.15, 0.3, 0.3, 0.2, 0.05], 1),
    (
        "professional_swedish_level",
        "improved_professional_swedish",
        [0.3, 0.35, 0.2, 0.12, 0.03],
        1,
    ),
    ("cv_status", "improved_cv", [0.3, 0.5, 0.2], 0),
    ("knows_labour_market", "knows_labour_market_more", [0.25, 0.35, 0.25, 0.12, 0.03], 1),
    ("knows_education_paths", "learned_education_paths", [0.25, 0.35, 0.25, 0.12, 0.03], 1),
    ("knows_social_codes", "learned_social_codes", [0.2, 0.35, 0.3, 0.12, 0.03], 1),
)


def _job_answers(
    rng: np.random.Generator, latent: pd.DataFrame, asks_programme_questions: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Employment answers implied by each job route, and whether the programme contributed to
    the job (people who credit it more often hold a relevant job: 51 % of job-getters)."""
    n = len(latent)
    path = latent["job_path"].to_numpy()
    got_job = path != ""
    emp = _employment(rng, path)
    contributed_job = _contribution(rng, got_job & asks_programme_questions, [0.56, 0.30, 0.14])
    relevant = np.where(contributed_job == "yes", 0.91, 0.55)
    free_match = got_job & (path != "changed_other") & ~emp["upgraded_to_relevant"]
    emp["r_match"][free_match] = (rng.random(n) < relevant)[free_match].astype(float)
    return emp, contributed_job


def _contact_counts(rng: np.random.Generator, grew: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Professional contacts at baseline and result: more at result exactly when ``grew``."""
    n = len(grew)
    b_con = np.minimum(rng.negative_binomial(2, 0.4, n), 30)
    r_con = np.where(
        grew,
        b_con + 1 + rng.negative_binomial(1.5, 0.4, n),
        np.maximum(b_con - (rng.random(n) < 0.2), 0),
    )
    return b_con, r_con


def _result_answers(
    rng: np.random.Generator,
    latent: pd.DataFrame,
    status: dict[str, object],
    contributed_job: np.ndarray,
    asks_programme_questions: np.ndarray,
    emp: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The result survey: the status answers, then the steps taken, what the programme
    contributed to, satisfaction and comments."""
    n = len(latent)
    intern = latent["got_internship"].to_numpy()
    edu = latent["started_relevant_education"].to_numpy()
    satisfaction = _choice(rng, np.arange(1, 6), [0.02, 0.04, 0.12, 0.37, 0.45], n).astype(object)
    satisfaction[~asks_programme_questions] = None
    comments = np.array(COMMENTS, dtype=object)[rng.integers(0, len(COMMENTS), n)]
    comments[(rng.random(n) >= 0.12) | ~asks_programme_questions] = None
    return pd.DataFrame(
        {
            **status,
            "in_internship": np.where(intern, rng.random(n) < 0.6, rng.random(n) < 0.03),
            "in_education": np.where(edu, rng.random(n) < 0.8, rng.random(n) < 0.08),
            "changed_job": _bool_array(emp["changed"]),
            "got_internship": intern,
            "started_relevant_education": edu,
            "visited_workplace": latent["visited_workplace"].to_numpy(),
            "contributed_job": contributed_job,
            "contributed_internship": _contribution(
                rng, intern & asks_programme_questions, [0.89, 0.06, 0.05]
            ),
            "contributed_education": _contribution(
                rng, edu & asks_programme_questions, [0.91, 0.05, 0.04]
            ),
            "satisfaction": satisfaction,
            "comments": comments,
        },
        index=latent.index,
    )
