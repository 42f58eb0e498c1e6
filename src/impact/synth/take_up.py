"""Take-up in a synthetic randomised study: who starts, completes and leaves the programme early.

:func:`draw_take_up` gives every randomised person a compliance type (complier, never-taker,
always-taker) from covariate-dependent probabilities, then what a programme keeps about them:
``started`` (compliers and always-takers in the treatment arm, always-takers in the control arm:
crossover), ``completed``, ``sessions_attended`` and ``left_month`` for starters who left early.
It uses its own random stream, so the other draws of the study do not depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from impact.synth.latent import calibrate_intercept
from impact.synth.randomised_params import TakeUp

COMPLIER, NEVER_TAKER, ALWAYS_TAKER = "complier", "never_taker", "always_taker"


@dataclass(frozen=True)
class TakeUpDraw:
    """Each person's compliance probabilities and type, and the take-up recorded.

    Attributes
    ----------
    p_never, p_always : numpy.ndarray
        Probability of being a never-taker / an always-taker given the covariates.
    compliance : numpy.ndarray
        ``complier``, ``never_taker`` or ``always_taker``.
    started, completed : numpy.ndarray of bool
        Took part at least once; completed the programme (False for non-starters).
    sessions_attended : numpy.ndarray of int
        Sessions attended (0 for non-starters).
    left_month : numpy.ndarray of float
        Month after programme start an early leaver left; NaN for completers and non-starters.
    """

    p_never: np.ndarray
    p_always: np.ndarray
    compliance: np.ndarray
    started: np.ndarray
    completed: np.ndarray
    sessions_attended: np.ndarray
    left_month: np.ndarray

    @property
    def p_complier(self) -> np.ndarray:
        """Probability of being a complier given the covariates."""
        return 1.0 - self.p_never - self.p_always

    def started_if(self, offered: bool) -> np.ndarray:
        """Whether each person starts when offered (``True``) or not (``False``) a place."""
        if offered:
            return self.compliance != NEVER_TAKER
        return self.compliance == ALWAYS_TAKER

    def columns(self) -> pd.DataFrame:
        """The take-up columns of the randomisation list (canonical names and dtypes)."""
        left = pd.array(np.nan_to_num(self.left_month, nan=0).astype(int), dtype="Int64")
        left[np.isnan(self.left_month)] = pd.NA
        return pd.DataFrame(
            {
                "started": pd.array(self.started, dtype="boolean"),
                "completed": pd.array(self.completed, dtype="boolean"),
                "sessions_attended": pd.array(self.sessions_attended, dtype="Int64"),
                "left_month": left,
            }
        )


def draw_take_up(
    rng: np.random.Generator, people: pd.DataFrame, treated: np.ndarray, take_up: TakeUp
) -> TakeUpDraw:
    """Draw compliance types and the take-up recorded for each randomised person.

    Parameters
    ----------
    rng : numpy.random.Generator
        The take-up stream (kept apart from the study's other draws).
    people : pandas.DataFrame
        ``education_level`` and ``years_in_sweden`` of each person.
    treated : numpy.ndarray of bool
        Randomised to the treatment arm (offered a place).
    take_up : TakeUp
        Shares and their dependence on covariates.
    """
    n = len(people)
    linear = take_up.education_effect * (people["education_level"].to_numpy() - 3.5)
    linear = linear + take_up.years_effect * (people["years_in_sweden"].to_numpy() - 3.0)
    p_never = special.expit(calibrate_intercept(linear, take_up.no_show) + linear)
    p_always = np.minimum(np.full(n, take_up.crossover), 1.0 - p_never)
    u = rng.random(n)
    compliance = np.where(
        u < p_never, NEVER_TAKER, np.where(u < p_never + p_always, ALWAYS_TAKER, COMPLIER)
    ).astype(object)
    started = np.where(treated, compliance != NEVER_TAKER, compliance == ALWAYS_TAKER)
    completed = started & (rng.random(n) < take_up.completed)
    probs = np.asarray(take_up.left_month_probs, dtype=float)
    left = rng.choice(np.arange(len(probs)), size=n, p=probs / probs.sum())
    left_month = np.where(started & ~completed, left, np.nan)
    # a leaver was offered the sessions of the months before leaving (rounded up)
    share = (left + 1) / take_up.months
    offered = np.where(completed, take_up.sessions, np.ceil(take_up.sessions * share))
    offered = offered.astype(int)
    attended = offered - rng.binomial(offered, 0.12)
    sessions = np.where(started, np.maximum(attended, 1), 0)
    return TakeUpDraw(
        p_never=p_never,
        p_always=p_always,
        compliance=compliance,
        started=started,
        completed=completed,
        sessions_attended=sessions,
        left_month=left_month,
    )
