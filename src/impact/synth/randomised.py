"""A synthetic randomised study like RISE's evaluation of the mentoring programme.

:func:`randomised_study` simulates two rounds with 218 people randomised (treatment/control,
stratified by gender within round), a baseline survey answered by ~151 (attrition between
randomisation and baseline depends on education, years in Sweden and mildly on arm), two short
follow-ups (~88 and ~91 answers: employment and the month the job started) and a result survey
(~110). Every person has potential outcomes under both arms drawn from shared latent variables
(monotone in treatment), so the true effects are known exactly; observed answers imply the
outcome of the person's own arm.
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
from impact.synth.rct_truth import effect_table, followup_answers, potential_outcome_table
from impact.synth.schema import conform
from impact.synth.study import SyntheticStudy
from impact.synth.truth import person_truth
from impact.synth.waves import ResponseIds, build_wave, minutes


def _control_rates() -> dict[str, float]:
    return {
        "got_internship": 0.17,
        "started_relevant_education": 0.15,
        "more_interviews": 0.17,
        "improved_cv": 0.60,
        "expanded_network": 0.58,
        "got_reference": 0.30,
        "visited_workplace": 0.42,
        "learned_education_paths": 0.50,
        "learned_social_codes": 0.50,
        "improved_swedish": 0.52,
        "improved_professional_swedish": 0.55,
        "knows_labour_market_more": 0.78,
    }


def _effects() -> dict[str, float]:
    # Seed 001: no clear effect on job or steps; controls more often internship/education;
    # treatment more often CV, network, references, social codes, interviews, prof. Swedish.
    return {
        "got_internship": -0.03,
        "started_relevant_education": -0.03,
        "more_interviews": 0.06,
        "improved_cv": 0.08,
        "expanded_network": 0.15,
        "got_reference": 0.08,
        "visited_workplace": 0.04,
        "learned_education_paths": 0.04,
        "learned_social_codes": 0.15,
        "improved_swedish": 0.04,
        "improved_professional_swedish": 0.08,
        "knows_labour_market_more": 0.05,
    }


@dataclass(frozen=True)
class RandomisedEffects:
    """True control-arm rates and additive treatment effects (probability scale).

    Parameters
    ----------
    got_job_control : float
        Mean probability of getting a job in the control arm (depends on education, years).
    got_job_effect : float
        Additive effect on the job probability (+3 percentage points).
    control : dict
        ``{component: probability}`` in the control arm.
    effects : dict
        ``{component: additive effect}``; treatment probability is control + effect.
    job_path_shares : tuple of float
        Routes ``from_none``, ``upgraded``, ``changed_other`` among job-getters.
    job_month_probs : tuple of float
        Probabilities that a job starts in month 0, 1, …, 7 after programme start.
    engagement_loading : float
        Copula loading of the shared engagement factor.
    """

    got_job_control: float = 0.22
    got_job_effect: float = 0.03
    control: dict[str, float] = field(default_factory=_control_rates)
    effects: dict[str, float] = field(default_factory=_effects)
    job_path_shares: tuple[float, float, float] = (0.80, 0.13, 0.07)
    job_month_probs: tuple[float, ...] = (0.06, 0.09, 0.11, 0.13, 0.14, 0.15, 0.16, 0.16)
    engagement_loading: float = 0.45

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            if name not in self.control or name not in self.effects:
                raise ValueError(f"RandomisedEffects needs a control rate and effect for {name}")
            p1 = self.control[name] + self.effects[name]
            if not (0.0 < self.control[name] < 1.0 and 0.0 < p1 < 1.0):
                raise ValueError(f"{name}: control {self.control[name]} + effect must be in (0,1)")


@dataclass(frozen=True)
class Attrition:
    """Expected response rates and how they depend on covariates and arm.

    Parameters
    ----------
    baseline : tuple of float
        Share of the randomised answering baseline (treatment, control): 73 and 78 of 109.
    followup : tuple of float
        Shares of baseline respondents answering follow-up 1 and 2 (88 and 91 of 151).
    result : float
        Share of baseline respondents answering the result survey (110 of 151).
    education_effect, years_effect : float
        Log-odds of responding per education level and per year in Sweden.
    arm_effect : float
        Extra log-odds of responding (after baseline) in the treatment arm.
    """

    baseline: tuple[float, float] = (73 / 109, 78 / 109)
    followup: tuple[float, ...] = (88 / 151, 91 / 151)
    result: float = 110 / 151
    education_effect: float = 0.35
    years_effect: float = 0.12
    arm_effect: float = 0.25


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
        True control rates and effects.
    attrition : Attrition, optional
        Response rates per wave and their dependence on covariates and arm.
    noise : CodeNoise, optional
        Code typing, duplicates, blank study ids.
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
    rng = np.random.default_rng(seed)
    n = n_randomised

    genders = bg.assign_genders(rng, n, share_women)
    rounds = np.array(bg.round_ids(n_rounds), dtype=object)[np.arange(n) * n_rounds // n]
    randomised_on = bg.round_starts(n_rounds, first="2023-08-21", spacing_days=154)
    start = pd.Series(randomised_on.loc[rounds].to_numpy()) + pd.Timedelta(days=14)
    people = bg.draw_background(rng, genders, start)
    people["round_id"] = rounds
    people["true_code"] = draw_true_codes(rng, n, noise.elements)
    people["study_id"] = [f"JT{k:03d}" for k in range(1, n + 1)]
    people["arm"] = _randomise(rng, rounds, genders)
    treated = people["arm"].to_numpy() == "treatment"

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
    for arm, k in (("control", 0), ("treatment", 1)):
        latent = pd.DataFrame({"job_path": np.where(u_job < probs["got_job"][k], path, "")})
        for name in COMPONENTS:
            latent[name] = uniforms[name].to_numpy() < probs[name][k]
        potential[arm] = derive_indicators(latent, min_small_steps)
    observed = potential["control"].copy()
    observed.loc[treated] = potential["treatment"].loc[treated]
    job_month = rng.choice(np.arange(8), size=n, p=np.asarray(effects.job_month_probs))

    b_answers, r_answers = survey_answers(
        rng,
        observed[["job_path", *COMPONENTS]],
        asks_programme_questions=treated,
        min_extra_interviews=min_extra_interviews,
    )
    f_answers = followup_answers(observed["job_path"].to_numpy(), job_month, b_answers, r_answers)

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

    day = [pd.to_timedelta(m, "min") for m in rng.integers(8 * 60, 22 * 60, (4, n))]
    offsets = [(-13, -1), (58, 66), (148, 157), (205, 222)]
    when = [
        minutes(start + pd.to_timedelta(rng.integers(lo, hi + 1, n), "D") + day[i])
        for i, (lo, hi) in enumerate(offsets)
    ]
    ids = ResponseIds(rng)
    ident = people[["true_code", "round_id", "gender", "birth_year", "study_id"]]
    background = people[["age", "education_level", "years_in_sweden", "occupation_field"]]
    common = {"noise": noise, "ids": ids, "with_study_id": True}
    baseline, b_truth = build_wave(
        rng,
        table="baseline",
        people=ident[in_baseline],
        answers=pd.concat([background, b_answers], axis=1)[in_baseline],
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
    followup = pd.concat(follow_parts, ignore_index=True)
    responses = pd.concat([b_truth, *follow_truth, r_truth], ignore_index=True)

    randomisation = pd.DataFrame(
        {
            "study_id": people["study_id"],
            "round_id": people["round_id"],
            "arm": people["arm"],
            "stratum": people["round_id"].astype(str) + "-" + people["gender"].astype(str),
            "randomised_on": randomised_on.loc[rounds].to_numpy(),
            "link_code": people["true_code"],
            "birth_year": people["birth_year"],
            "gender": people["gender"],
        }
    )
    persons = person_truth(
        people[
            [
                "true_code",
                "round_id",
                "study_id",
                "arm",
                "gender",
                "birth_year",
                *background.columns,
            ]
        ],
        observed,
        r_answers,
        responses,
        ["baseline", "followup_1", "followup_2", "result"],
    )
    persons["job_start_month"] = pd.array(
        np.where(observed["got_job"], job_month, -1), dtype="Int64"
    )
    persons.loc[~observed["got_job"].to_numpy(), "job_start_month"] = pd.NA
    itt_rng = np.random.default_rng([seed, 1])
    params = {
        "generator": "randomised_study",
        "seed": seed,
        "n_randomised": n,
        "n_rounds": n_rounds,
        "share_women": share_women,
        "min_extra_interviews": min_extra_interviews,
        "min_small_steps": min_small_steps,
        "effects": asdict(effects),
        "attrition": asdict(attrition),
        "noise": noise.as_dict(),
    }
    return SyntheticStudy(
        name="Jobbsteget Tillsammans: randomised study (synthetic demo)",
        design="randomised",
        tables={
            "randomisation": conform(randomisation, "randomisation"),
            "baseline": baseline,
            "followup": followup,
            "result": result,
        },
        truth={
            "persons": persons,
            "responses": responses,
            "effects": effect_table(
                itt_rng, potential, probs, path, effects, in_baseline, min_small_steps
            ),
            "potential_outcomes": potential_outcome_table(potential),
        },
        params=params,
    )
