"""What a synthetic randomised study is drawn with: the true control rates and effects of taking
part (:class:`RandomisedEffects`), who takes up the offer (:class:`TakeUp`) and the response
rates of each wave (:class:`Attrition`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from impact.synth.latent import COMPONENTS

__all__ = ["Attrition", "RandomisedEffects", "TakeUp"]


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
    # These are effects of taking part; with the default take-up (complier share 0.68) the
    # effects of the offer (ITT) are about two thirds of them: network and social codes +15 pp.
    return {
        "got_internship": -0.045,
        "started_relevant_education": -0.045,
        "more_interviews": 0.09,
        "improved_cv": 0.12,
        "expanded_network": 0.22,
        "got_reference": 0.12,
        "visited_workplace": 0.06,
        "learned_education_paths": 0.06,
        "learned_social_codes": 0.22,
        "improved_swedish": 0.06,
        "improved_professional_swedish": 0.12,
        "knows_labour_market_more": 0.07,
    }


@dataclass(frozen=True)
class RandomisedEffects:
    """True rates without the programme and additive effects of taking part (probability scale).

    The effects act only through taking part (exclusion restriction): a person who never starts
    has the same outcome whichever arm they were randomised to. The effect of the offer (ITT) is
    the effect of taking part times the complier share (:class:`TakeUp`).

    Parameters
    ----------
    got_job_control : float
        Mean probability of getting a job without the programme (depends on education, years).
    got_job_effect : float
        Additive effect of taking part on the job probability (+4.5 percentage points, an
        ITT of about +3 with the default take-up).
    control : dict
        ``{component: probability}`` without the programme.
    effects : dict
        ``{component: additive effect of taking part}``; the probability with the programme is
        control + effect.
    job_path_shares : tuple of float
        Routes ``from_none``, ``upgraded``, ``changed_other`` among job-getters.
    job_month_probs : tuple of float
        Probabilities that a job starts in month 0, 1, …, 7 after programme start.
    engagement_loading : float
        Copula loading of the shared engagement factor.
    """

    got_job_control: float = 0.22
    got_job_effect: float = 0.045
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


@dataclass(frozen=True)
class TakeUp:
    """Who takes up the offer, completes the programme and leaves early.

    Each randomised person is a *never-taker* (would not start even when offered: a no-show),
    an *always-taker* (starts even in the control group: crossover) or a *complier* (starts
    if and only if offered); nobody does the opposite of the offer (monotonicity). The seeds
    give no programme no-show share for the RISE study (its 67 of 218 are people who left the
    *study* before baseline), so the default is a typical 27 %.

    Parameters
    ----------
    no_show : float
        Expected share of never-takers: the share of those offered a place who never start.
    crossover : float
        Expected share of always-takers: the share of the control group who start anyway.
    education_effect, years_effect : float
        Log-odds of being a no-show per education level and per year in Sweden (the better
        placed more often find something else to do).
    completed : float
        Share of starters who complete the programme; the others leave early.
    sessions : int
        Sessions a completer is offered (monthly mentor meetings and group meetings).
    months : int
        Length of the programme in months (a leaver was offered the sessions of the months
        before leaving).
    left_month_probs : tuple of float
        Probabilities that an early leaver leaves in month 0, 1, … after programme start.
    """

    no_show: float = 0.27
    crossover: float = 0.05
    education_effect: float = -0.25
    years_effect: float = -0.08
    completed: float = 0.75
    sessions: int = 12
    months: int = 7
    left_month_probs: tuple[float, ...] = (0.30, 0.22, 0.17, 0.13, 0.10, 0.08)

    def __post_init__(self) -> None:
        if not (0.0 < self.no_show and 0.0 <= self.crossover and self.complier_share > 0.0):
            raise ValueError(
                "TakeUp needs no_show > 0, crossover >= 0 and no_show + crossover < 1, got "
                f"{self.no_show} and {self.crossover}"
            )
        if not 0.0 <= self.completed <= 1.0 or min(self.sessions, self.months) < 1:
            raise ValueError("TakeUp.completed must be in [0, 1], sessions and months >= 1")
        if len(self.left_month_probs) > self.months:
            raise ValueError("TakeUp.left_month_probs must not reach past the programme's end")

    @property
    def complier_share(self) -> float:
        """Expected share of compliers: ``1 - no_show - crossover``."""
        return 1.0 - self.no_show - self.crossover
