"""A synthetic randomised study like RISE's evaluation of the mentoring programme.

:func:`randomised_study` simulates two rounds with 218 people randomised (treatment/control,
stratified by gender within round), a baseline survey answered by ~151 (attrition between
randomisation and baseline depends on education, years in Sweden and mildly on arm), two short
follow-ups (~88 and ~91 answers: employment and the month the job started) and a result survey
(~110). Take-up is drawn on its own stream (:mod:`impact.synth.take_up`): about 27 % of those
offered never start (no-shows) and about 5 % of the controls start anyway (crossover). Every
person has potential outcomes with and without taking part, drawn from shared latent variables
(monotone in taking part); the programme acts only through taking part, so observed answers
imply the outcome under the person's own take-up and the true ITT and CACE are known. The true
rates, effects, take-up and response rates are in :mod:`impact.synth.randomised_params`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
from impact.synth.randomised_params import Attrition, RandomisedEffects, TakeUp
from impact.synth.rct_truth import effect_table, followup_answers, potential_outcome_table
from impact.synth.schema import conform
from impact.synth.study import SyntheticStudy
from impact.synth.take_up import TakeUpDraw, draw_take_up
from impact.synth.truth import person_truth
from impact.synth.waves import ResponseIds, build_wave, minutes


def _respond(rng, linear: np.ndarray, groups: np.ndarray, rates: dict) -> np.ndarray:
    """Draw response with a logit calibrated so each group's mean probability is its rate."""
    prob = np.zeros(len(linear))
    for group, rate in rates.items():
        who = groups == group
        prob[who] = special.expit(calibrate_intercept(linear[who], rate) + linear[who])
    return rng.random(len(linear)) < prob


def _randomise(rng, rounds: np.ndarray, genders: np.ndarray) -> np.ndarray:
    """Balanced arms within each round × gender stratum, in random order."""
    arm = np.empty(len(rounds), dtype=object)
    for key in sorted(set(zip(rounds, genders, strict=True))):
        who = np.flatnonzero((rounds == key[0]) & (genders == key[1]))
        first = rng.integers(0, 2)
        labels = np.array(["treatment", "control"], dtype=object)[(np.arange(len(who)) + first) % 2]
        arm[rng.permutation(who)] = labels
    return arm


def randomised_study(
    seed: int = 20231102,
    n_randomised: int = 218,
    n_rounds: int = 2,
    share_women: float = 0.79,
    effects: RandomisedEffects | None = None,
    attrition: Attrition | None = None,
    noise: CodeNoise | None = None,
    take_up: TakeUp | None = None,
    min_extra_interviews: int = 2,
    min_small_steps: int = 5,
) -> SyntheticStudy:
    """Simulate a randomised waitlist study with known potential outcomes.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    n_randomised : int
        People randomised (RISE: 218).
    n_rounds : int
        Programme rounds.
    share_women : float
        Share of women among the randomised.
    effects : RandomisedEffects, optional
        True rates without the programme and effects of taking part.
    attrition : Attrition, optional
        Response rates per wave and their dependence on covariates and arm.
    noise : CodeNoise, optional
        Code typing, duplicates, blank study ids.
    take_up : TakeUp, optional
        No-show and crossover shares, completion, sessions (drawn with the child seed
        ``[seed, 2]``).
    min_extra_interviews, min_small_steps : int
        Indicator thresholds the answers are written for.

    Returns
    -------
    SyntheticStudy
        Tables ``randomisation``, ``baseline``, ``followup`` (numbers 1, 2), ``result``; truth
        ``persons``, ``responses``, ``effects``, ``potential_outcomes``.
    """
    if n_randomised < 4 or n_rounds < 1:
        raise ValueError("n_randomised must be at least 4 and n_rounds at least 1")
    effects = effects or RandomisedEffects()
    attrition = attrition or Attrition()
    noise = noise or CodeNoise()
    take_up = take_up or TakeUp()
    rng = np.random.default_rng(seed)

    people, randomised_on = _randomised_people(rng, n_randomised, n_rounds, share_women, noise)
    treated = people["arm"].to_numpy() == "treatment"
    taken = draw_take_up(np.random.default_rng([seed, 2]), people, treated, take_up)
    outcomes = _draw_outcomes(rng, people, taken.started, effects, min_small_steps)
    b_answers, r_answers = survey_answers(
        rng,
        outcomes.observed[["job_path", *COMPONENTS]],
        asks_programme_questions=treated,
        min_extra_interviews=min_extra_interviews,
    )
    f_answers = followup_answers(
        outcomes.observed["job_path"].to_numpy(), outcomes.job_month, b_answers, r_answers
    )
    in_baseline, answered = _who_answers(rng, people, treated, attrition)
    waves = _build_waves(
        rng, people, (b_answers, f_answers, r_answers), in_baseline, answered, noise
    )
    persons = _person_truth(people, outcomes, r_answers, waves["responses"], taken)
    params = {
        "generator": "randomised_study",
        "seed": seed,
        "n_randomised": n_randomised,
        "n_rounds": n_rounds,
        "share_women": share_women,
        "min_extra_interviews": min_extra_interviews,
        "min_small_steps": min_small_steps,
        "effects": asdict(effects),
        "attrition": asdict(attrition),
        "noise": noise.as_dict(),
        "take_up": asdict(take_up),
    }
    return _assembled_study(
        people, randomised_on, waves, persons, outcomes, (effects, taken), in_baseline,
        min_small_steps,
        effects_rng=np.random.default_rng([seed, 1]), params=params,
    )  # fmt: skip


def _assembled_study(
    people: pd.DataFrame,
    randomised_on: pd.Series,
    waves: dict[str, pd.DataFrame],
    persons: pd.DataFrame,
    outcomes: _Outcomes,
    drawn_with: tuple[RandomisedEffects, TakeUpDraw],
    in_baseline: np.ndarray,
    min_small_steps: int,
    *,
    effects_rng: np.random.Generator,
    params: dict[str, object],
) -> SyntheticStudy:
    """The study's exported tables and its truth (true effects drawn with ``effects_rng``);
    ``drawn_with`` holds the effects and the take-up drawn."""
    effects, taken = drawn_with
    return SyntheticStudy(
        name="Jobbsteget Tillsammans: randomised study (synthetic demo)",
        design="randomised",
        tables={
            "randomisation": conform(
                _randomisation_list(people, randomised_on, taken), "randomisation"
            ),
            "baseline": waves["baseline"],
            "followup": waves["followup"],
            "result": waves["result"],
        },
        truth={
            "persons": persons,
            "responses": waves["responses"],
            "effects": effect_table(
                effects_rng,
                outcomes.potential,
                outcomes.probs,
                effects,
                taken,
                in_baseline,
                min_small_steps,
            ),
            "potential_outcomes": potential_outcome_table(outcomes.potential, taken),
        },
        params=params,
    )


def _randomised_people(
    rng: np.random.Generator, n: int, n_rounds: int, share_women: float, noise: CodeNoise
) -> tuple[pd.DataFrame, pd.Series]:
    """The randomised people (background, code, study id, arm) and each round's randomisation
    date (indexed by round)."""
    genders = bg.assign_genders(rng, n, share_women)
    rounds = np.array(bg.round_ids(n_rounds), dtype=object)[np.arange(n) * n_rounds // n]
    randomised_on = bg.round_starts(n_rounds, first="2023-08-21", spacing_days=154)
    start = pd.Series(randomised_on.loc[rounds].to_numpy()) + pd.Timedelta(days=14)
    people = bg.draw_background(rng, genders, start)
    people["round_id"] = rounds
    people["true_code"] = draw_true_codes(rng, n, noise.elements)
    people["study_id"] = [f"JT{k:03d}" for k in range(1, n + 1)]
    people["arm"] = _randomise(rng, rounds, genders)
    people["programme_start"] = start
    return people, randomised_on


@dataclass
class _Outcomes:
    """Each person's outcome probabilities and potential outcomes without and with taking part
    (``untreated``, ``treated``), the outcomes under their own take-up and the month their job
    started."""

    probs: dict[str, tuple[np.ndarray, np.ndarray]]
    potential: dict[str, pd.DataFrame]
    observed: pd.DataFrame
    job_month: np.ndarray


def _draw_outcomes(
    rng: np.random.Generator,
    people: pd.DataFrame,
    took_part: np.ndarray,
    effects: RandomisedEffects,
    min_small_steps: int,
) -> _Outcomes:
    """Potential outcomes without and with taking part from shared latent draws (monotone in
    taking part); observed are those of the person's own take-up (exclusion restriction)."""
    n = len(people)
    linear_job = 0.30 * (people["education_level"].to_numpy() - 3.5) + 0.08 * (
        people["years_in_sweden"].to_numpy() - 3.0
    )
    p0_job = special.expit(calibrate_intercept(linear_job, effects.got_job_control) + linear_job)
    p1_job = np.clip(p0_job + effects.got_job_effect, 0.0, 1.0)
    probs = {"got_job": (p0_job, p1_job)}
    for name in COMPONENTS:
        p0 = np.full(n, effects.control[name])
        probs[name] = (p0, p0 + effects.effects[name])
    u_job = rng.random(n)
    uniforms = copula_uniforms(rng, n, COMPONENTS, effects.engagement_loading)
    path = job_paths(rng, np.ones(n, bool), effects.job_path_shares)
    potential = {}
    for state, k in (("untreated", 0), ("treated", 1)):
        latent = pd.DataFrame({"job_path": np.where(u_job < probs["got_job"][k], path, "")})
        for name in COMPONENTS:
            latent[name] = uniforms[name].to_numpy() < probs[name][k]
        potential[state] = derive_indicators(latent, min_small_steps)
    observed = potential["untreated"].copy()
    observed.loc[took_part] = potential["treated"].loc[took_part]
    job_month = rng.choice(np.arange(8), size=n, p=np.asarray(effects.job_month_probs))
    return _Outcomes(probs, potential, observed, job_month)


def _who_answers(
    rng: np.random.Generator, people: pd.DataFrame, treated: np.ndarray, attrition: Attrition
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Who answers baseline, and who answers each later wave (follow-ups, then result)."""
    linear = attrition.education_effect * (people["education_level"].to_numpy() - 3.5)
    linear = linear + attrition.years_effect * (people["years_in_sweden"].to_numpy() - 3.0)
    arm_codes = people["arm"].to_numpy()
    in_baseline = _respond(
        rng,
        linear - 0.5 * attrition.arm_effect * (~treated),
        arm_codes,
        {"treatment": attrition.baseline[0], "control": attrition.baseline[1]},
    )
    later = linear + attrition.arm_effect * treated
    # Rates of later waves are shares of baseline respondents: calibrate among them only.
    stage = np.where(in_baseline, "started", "dropped").astype(object)
    wave_rates = [*attrition.followup, attrition.result]
    answered = [
        in_baseline & _respond(rng, later, stage, {"started": rate, "dropped": 0.5})
        for rate in wave_rates
    ]
    return in_baseline, answered


_BACKGROUND = ["age", "education_level", "years_in_sweden", "occupation_field"]


def _answer_times(rng: np.random.Generator, start: pd.Series) -> list[pd.Series]:
    """When each person would answer each wave (baseline, follow-ups 1 and 2, result)."""
    n = len(start)
    day = [pd.to_timedelta(m, "min") for m in rng.integers(8 * 60, 22 * 60, (4, n))]
    offsets = [(-13, -1), (58, 66), (148, 157), (205, 222)]
    return [
        minutes(start + pd.to_timedelta(rng.integers(lo, hi + 1, n), "D") + day[i])
        for i, (lo, hi) in enumerate(offsets)
    ]


def _build_waves(
    rng: np.random.Generator,
    people: pd.DataFrame,
    answers: tuple[pd.DataFrame, dict[int, pd.DataFrame], pd.DataFrame],
    in_baseline: np.ndarray,
    answered: list[np.ndarray],
    noise: CodeNoise,
) -> dict[str, pd.DataFrame]:
    """The survey tables ``baseline``, ``followup`` and ``result`` as exported, and the
    ``responses`` truth of every answer."""
    b_answers, f_answers, r_answers = answers
    when = _answer_times(rng, people["programme_start"])
    ids = ResponseIds(rng)
    ident = people[["true_code", "round_id", "gender", "birth_year", "study_id"]]
    common = {"noise": noise, "ids": ids, "with_study_id": True}
    baseline, b_truth = build_wave(
        rng,
        table="baseline",
        people=ident[in_baseline],
        answers=pd.concat([people[_BACKGROUND], b_answers], axis=1)[in_baseline],
        when=when[0][in_baseline],
        later_wave=False,
        **common,
    )
    follow_parts, follow_truth = [], []
    for k in (1, 2):
        who = answered[k - 1]
        wave, truth = build_wave(
            rng,
            table="followup",
            people=ident[who],
            answers=f_answers[k][who],
            when=when[k][who],
            later_wave=True,
            followup_number=k,
            **common,
        )
        follow_parts.append(wave)
        follow_truth.append(truth)
    who = answered[2]
    result, r_truth = build_wave(
        rng,
        table="result",
        people=ident[who],
        answers=r_answers[who],
        when=when[3][who],
        later_wave=True,
        **common,
    )
    return {
        "baseline": baseline,
        "followup": pd.concat(follow_parts, ignore_index=True),
        "result": result,
        "responses": pd.concat([b_truth, *follow_truth, r_truth], ignore_index=True),
    }


def _randomisation_list(
    people: pd.DataFrame, randomised_on: pd.Series, taken: TakeUpDraw
) -> pd.DataFrame:
    """The randomisation list as the organisation keeps it, with the take-up it records."""
    listed = pd.DataFrame(
        {
            "study_id": people["study_id"],
            "round_id": people["round_id"],
            "arm": people["arm"],
            "stratum": people["round_id"].astype(str) + "-" + people["gender"].astype(str),
            "randomised_on": randomised_on.loc[people["round_id"]].to_numpy(),
            "link_code": people["true_code"],
            "birth_year": people["birth_year"],
            "gender": people["gender"],
        }
    )
    return pd.concat([listed, taken.columns().set_axis(listed.index)], axis=1)


def _person_truth(
    people: pd.DataFrame,
    outcomes: _Outcomes,
    r_answers: pd.DataFrame,
    responses: pd.DataFrame,
    taken: TakeUpDraw,
) -> pd.DataFrame:
    """The ``persons`` truth: who each person is, their compliance type and take-up, their
    observed outcomes and job start month."""
    identity = ["true_code", "round_id", "study_id", "arm", "gender", "birth_year"]
    observed = outcomes.observed
    persons = person_truth(
        people[[*identity, *_BACKGROUND]],
        observed,
        r_answers,
        responses,
        ["baseline", "followup_1", "followup_2", "result"],
    )
    persons["job_start_month"] = pd.array(
        np.where(observed["got_job"], outcomes.job_month, -1), dtype="Int64"
    )
    persons.loc[~observed["got_job"].to_numpy(), "job_start_month"] = pd.NA
    persons.insert(persons.columns.get_loc("arm") + 1, "compliance", taken.compliance)
    persons["compliance"] = persons["compliance"].astype("string")
    for column, values in taken.columns().items():
        persons[column] = values.to_numpy()
    return persons
