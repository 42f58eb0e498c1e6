"""What a synthetic randomised study is drawn with: the true control rates and effects
(:class:`RandomisedEffects`) and the response rates of each wave (:class:`Attrition`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from impact.synth.latent import COMPONENTS

__all__ = ["Attrition", "RandomisedEffects"]


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
