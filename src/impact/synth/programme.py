"""A synthetic programme study (baseline + result survey) with published-like outcome shares.

:func:`programme_study` simulates a Jobbsteget-like project: ``n_rounds`` rounds of about 50
participants, a baseline survey for everyone and a result survey answered by about 71 %. Each
person's indicators are drawn first (the truth), then answers implying them exactly. The default
rates reproduce the published shares of seed 001 (DOMAIN.md) among result respondents.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from impact.synth import background as bg
from impact.synth.answers import survey_answers
from impact.synth.codes import CodeNoise, draw_true_codes
from impact.synth.latent import (
    COMPONENTS,
    calibrate_intercept,
    copula_uniforms,
    derive_indicators,
    job_paths,
)
from impact.synth.study import SyntheticStudy
from impact.synth.truth import person_truth
from impact.synth.waves import ResponseIds, build_wave, minutes


def _default_components() -> dict[str, tuple[float, float]]:
    # (women, men) probabilities per component, tuned so that the shares among result
    # respondents match seed 001 (internship 15/19 %, education 14/11 %, reference 35/41 %,
    # professional Swedish 64/54 %, CV 70 %, network 74 %, labour market 84 %).
    return {
        "got_internship": (0.15, 0.19),
        "started_relevant_education": (0.14, 0.11),
        "more_interviews": (0.35, 0.24),
        "improved_cv": (0.70, 0.70),
        "expanded_network": (0.74, 0.74),
        "got_reference": (0.35, 0.41),
        "visited_workplace": (0.50, 0.50),
        "learned_education_paths": (0.60, 0.60),
        "learned_social_codes": (0.62, 0.62),
        "improved_swedish": (0.58, 0.58),
        "improved_professional_swedish": (0.64, 0.54),
        "knows_labour_market_more": (0.84, 0.84),
    }


@dataclass(frozen=True)
class ProgrammeRates:
    """True outcome rates of a programme study.

    Parameters
    ----------
    got_job : tuple of float
        Probability of getting a job (women, men) among all participants; a little below the
        published 27 % / 38 % among respondents, as response is likelier with more education.
    job_path_shares : tuple of float
        Shares of the routes ``from_none``, ``upgraded``, ``changed_other`` among job-getters
        (the report: changed job otherwise is under a tenth of job-getters).
    components : dict
        ``{component: (women, men)}`` probabilities of every other component.
    engagement_loading : float
        Copula loading of the shared engagement factor (correlation between components).
    education_effect, years_effect : float
        Log-odds of getting a job per education level and per year in Sweden.
    """

    got_job: tuple[float, float] = (0.265, 0.365)
    job_path_shares: tuple[float, float, float] = (0.80, 0.13, 0.07)
    components: dict[str, tuple[float, float]] = field(default_factory=_default_components)
    engagement_loading: float = 0.45
    education_effect: float = 0.30
    years_effect: float = 0.08

    def __post_init__(self) -> None:
        missing = set(COMPONENTS) - set(self.components)
        if missing:
            raise ValueError(f"ProgrammeRates.components lacks {sorted(missing)}")
        for name, pair in {"got_job": self.got_job, **self.components}.items():
            if any(not 0.0 < p < 1.0 for p in pair):
                raise ValueError(f"rate {name}={pair} must be strictly between 0 and 1")


def _by_gender(values: tuple[float, float], genders: np.ndarray) -> np.ndarray:
    return np.where(genders == "man", values[1], values[0])


def _got_job(rng, people: pd.DataFrame, rates: ProgrammeRates) -> np.ndarray:
    """Got a job: a logit in education and years in Sweden, calibrated per gender."""
    linear = rates.education_effect * (people["education_level"].to_numpy() - 3.5)
    linear = linear + rates.years_effect * (people["years_in_sweden"].to_numpy() - 3.0)
    prob = np.zeros(len(people))
    genders = people["gender"].to_numpy()
    for k, gender in enumerate(("woman", "man")):
        who = genders == gender
        intercept = calibrate_intercept(linear[who], rates.got_job[k])
        prob[who] = special.expit(intercept + linear[who])
    return rng.random(len(people)) < prob


def programme_study(
    seed: int = 20231101,
    n_participants: int = 511,
    n_rounds: int = 10,
    share_women: float = 406 / 511,
    response_rate: float = 0.71,
    rates: ProgrammeRates | None = None,
    noise: CodeNoise | None = None,
    min_extra_interviews: int = 2,
    min_small_steps: int = 5,
) -> SyntheticStudy:
    """Simulate a programme study (baseline for all, result survey for ~71 %) with known truth.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives identical tables.
    n_participants : int
        Participants matched (published: 511).
    n_rounds : int
        Programme rounds ``R01``…; participants are spread evenly.
    share_women : float
        Share of women (published: 406 of 511).
    response_rate : float
        Expected share answering the result survey (published: 71 %). Response is mildly more
        likely with more education.
    rates : ProgrammeRates, optional
        True outcome rates; defaults reproduce the published shares.
    noise : CodeNoise, optional
        How respondents type codes, duplicate answers, etc.
    min_extra_interviews, min_small_steps : int
        Indicator thresholds the answers are written for (defaults of DOMAIN.md).

    Returns
    -------
    SyntheticStudy
        Tables ``baseline`` and ``result``; truth ``persons`` and ``responses``.
    """
    if n_participants < 1 or n_rounds < 1:
        raise ValueError("n_participants and n_rounds must be at least 1")
    if not 0.0 < response_rate <= 1.0:
        raise ValueError(f"response_rate must be in (0, 1], got {response_rate}")
    rates = rates or ProgrammeRates()
    noise = noise or CodeNoise()
    rng = np.random.default_rng(seed)

    people = _participants(rng, n_participants, n_rounds, share_women, noise)
    latent, indicators = _draw_indicators(rng, people, rates, min_small_steps)
    b_answers, r_answers = survey_answers(
        rng,
        latent,
        asks_programme_questions=np.ones(n_participants, bool),
        min_extra_interviews=min_extra_interviews,
    )
    responds = _responds(rng, people, response_rate)
    baseline, result, responses = _build_waves(rng, people, b_answers, r_answers, responds, noise)
    persons = person_truth(
        people[["true_code", "round_id", "gender", "birth_year", *_BACKGROUND]],
        indicators,
        r_answers,
        responses,
        ["baseline", "result"],
    )
    params = {
        "generator": "programme_study",
        "seed": seed,
        "n_participants": n_participants,
        "n_rounds": n_rounds,
        "share_women": share_women,
        "response_rate": response_rate,
        "min_extra_interviews": min_extra_interviews,
        "min_small_steps": min_small_steps,
        "rates": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(rates).items()},
        "noise": noise.as_dict(),
    }
    return SyntheticStudy(
        name="Jobbsteget Tillsammans (synthetic demo)",
        design="programme",
        tables={"baseline": baseline, "result": result},
        truth={"persons": persons, "responses": responses},
        params=params,
    )


_BACKGROUND = ["age", "education_level", "years_in_sweden", "occupation_field"]


def _participants(
    rng: np.random.Generator, n: int, n_rounds: int, share_women: float, noise: CodeNoise
) -> pd.DataFrame:
    """The participants: gender, round (spread evenly), background, true code, round start."""
    genders = bg.assign_genders(rng, n, share_women)
    rounds = np.array(bg.round_ids(n_rounds), dtype=object)[
        rng.permutation(np.arange(n) % n_rounds)
    ]
    starts = bg.round_starts(n_rounds)
    start = pd.Series(starts.loc[rounds].to_numpy())
    people = bg.draw_background(rng, genders, start)
    people["round_id"] = rounds
    people["true_code"] = draw_true_codes(rng, n, noise.elements)
    people["programme_start"] = start
    return people


def _draw_indicators(
    rng: np.random.Generator, people: pd.DataFrame, rates: ProgrammeRates, min_small_steps: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each participant's latent components (job route and steps) and the indicators they imply."""
    genders = people["gender"].to_numpy()
    got_job = _got_job(rng, people, rates)
    uniforms = copula_uniforms(rng, len(people), COMPONENTS, rates.engagement_loading)
    latent = pd.DataFrame({"job_path": job_paths(rng, got_job, rates.job_path_shares)})
    for name in COMPONENTS:
        latent[name] = uniforms[name].to_numpy() < _by_gender(rates.components[name], genders)
    return latent, derive_indicators(latent, min_small_steps)


def _responds(rng: np.random.Generator, people: pd.DataFrame, response_rate: float) -> np.ndarray:
    """Who answers the result survey: mildly likelier with more education."""
    n = len(people)
    linear = 0.15 * (people["education_level"].to_numpy() - 3.5)
    p_respond = special.expit(calibrate_intercept(linear, min(response_rate, 0.999)) + linear)
    return rng.random(n) < p_respond if response_rate < 1 else np.ones(n, bool)


def _build_waves(
    rng: np.random.Generator,
    people: pd.DataFrame,
    b_answers: pd.DataFrame,
    r_answers: pd.DataFrame,
    responds: np.ndarray,
    noise: CodeNoise,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``baseline`` and ``result`` tables as exported, and the ``responses`` truth."""
    n = len(people)
    start = people["programme_start"]
    minute = pd.to_timedelta(rng.integers(8 * 60, 22 * 60, (2, n)).ravel(), "min")
    b_when = start - pd.to_timedelta(rng.integers(1, 22, n), "D") + minute[:n]
    r_when = start + pd.to_timedelta(rng.integers(214, 243, n), "D") + minute[n:]
    ids = ResponseIds(rng)
    baseline, b_truth = build_wave(
        rng,
        table="baseline",
        people=people,
        answers=pd.concat([people[_BACKGROUND], b_answers], axis=1),
        when=minutes(b_when),
        later_wave=False,
        noise=noise,
        ids=ids,
        with_study_id=False,
    )
    result, r_truth = build_wave(
        rng,
        table="result",
        people=people[responds],
        answers=r_answers[responds],
        when=minutes(r_when)[responds],
        later_wave=True,
        noise=noise,
        ids=ids,
        with_study_id=False,
    )
    return baseline, result, pd.concat([b_truth, r_truth], ignore_index=True)
