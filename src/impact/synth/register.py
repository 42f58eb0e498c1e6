"""A synthetic register extract (SCB-style): intervention members, an external pool, months.

:func:`register_extract` simulates the register check of seed 001: 53 intervention members and
a pool of external people who were never in contact with the organisation. The pool differs
systematically from the intervention group (more men, less education, longer in Sweden, more
often employed, other counties), so a naive comparison is confounded; but for every
intervention member the pool also holds a few people with the same sex, citizenship, county,
education level, immigration period and employment at start and a close birth year, from which
159 comparable controls (three each) can be matched. Monthly employment follows a two-state
Markov chain whose entry hazard depends on the covariates; for intervention members it is
raised by a factor growing over the follow-up (the true effect). Potential employment paths
with and without the intervention share their random numbers, so the true effect on the treated
is known month by month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from impact.synth.schema import conform
from impact.synth.study import RegisterExtract

REGIONS = ("MENA", "SSA", "ASIA", "EUR", "AMER")
COUNTIES = ("01", "03", "05", "12", "14", "20", "22", "25")
PERIODS = ("2010-2014", "2015-2017", "2018-2020", "2021-2023")
_YEARS_SINCE = {"2010-2014": 10, "2015-2017": 7, "2018-2020": 4, "2021-2023": 1}


@dataclass(frozen=True)
class _Population:
    share_women: float
    regions: tuple[float, ...]
    counties: tuple[float, ...]
    education: tuple[float, ...]
    periods: tuple[float, ...]
    employed: float
    birth_years: tuple[int, int]


INTERVENTION = _Population(
    0.80,
    (0.45, 0.15, 0.25, 0.08, 0.07),
    (0.55, 0.08, 0.07, 0.15, 0.15, 0, 0, 0),
    (0.03, 0.08, 0.14, 0.40, 0.35),
    (0.15, 0.35, 0.30, 0.20),
    0.20,
    (1965, 1998),
)
EXTERNAL = _Population(
    0.45,
    (0.30, 0.30, 0.20, 0.12, 0.08),
    (0.25, 0.06, 0.08, 0.18, 0.18, 0.09, 0.08, 0.08),
    (0.15, 0.35, 0.20, 0.20, 0.10),
    (0.35, 0.35, 0.20, 0.10),
    0.55,
    (1958, 2003),
)


def _draw(rng, pop: _Population, n: int) -> pd.DataFrame:
    def pick(values, probs):
        p = np.asarray(probs, dtype=float)
        return rng.choice(np.asarray(values, dtype=object), size=n, p=p / p.sum())

    return pd.DataFrame(
        {
            "sex": np.where(rng.random(n) < pop.share_women, "woman", "man"),
            "birth_year": rng.integers(pop.birth_years[0], pop.birth_years[1] + 1, n),
            "citizenship": pick(REGIONS, pop.regions),
            "county": pick(COUNTIES, pop.counties),
            "education_level": pick(np.arange(1, 6), pop.education).astype(int),
            "immigration_period": pick(PERIODS, pop.periods),
            "employed_at_start": rng.random(n) < pop.employed,
        }
    )


def _twins(rng, members: pd.DataFrame, per_member: int, exact: int) -> pd.DataFrame:
    """External look-alikes: same covariates; ``exact`` of them share the birth year."""
    twins = members.loc[members.index.repeat(per_member)].copy()
    twins["twin_of"] = twins.index.to_numpy()
    offset = rng.choice([-2, -1, 1, 2], size=len(twins))
    offset[np.tile(np.arange(per_member) < exact, len(members))] = 0
    twins["birth_year"] = twins["birth_year"] + offset
    twins["birth_year_offset"] = offset
    return twins.reset_index(drop=True)


def _entry_hazard(persons: pd.DataFrame) -> np.ndarray:
    years = persons["immigration_period"].map(_YEARS_SINCE).to_numpy(dtype=float)
    linear = (
        -3.8
        + 0.30 * (persons["education_level"].to_numpy(dtype=float) - 3.0)
        + 0.06 * years
        + 0.25 * (persons["sex"].to_numpy() == "man")
    )
    return special.expit(linear)


def effect_multiplier(months: np.ndarray, effect_max: float, onset: int = 2) -> np.ndarray:
    """Hazard multiplier of the intervention by month: 1 until ``onset``, rising to the end."""
    months = np.asarray(months, dtype=float)
    last = months.max() if len(months) else 1.0
    ramp = np.clip((months - onset) / max(last - onset, 1.0), 0.0, 1.0)
    return 1.0 + effect_max * ramp


def _chains(rng, start_state, hazard, exit_rate, months, multiplier):
    """Employment paths (rows people, columns months) under control and treatment hazards.

    Month 0 is the given state; months before run the (reversible) chain backwards, months
    after run it forwards. One uniform per person-month couples the two paths (monotone).
    """
    n, before = len(start_state), int(-months.min())
    y0 = np.zeros((n, len(months)), bool)
    y0[:, before] = start_state
    y1 = y0.copy()
    u = rng.random((n, len(months)))
    for j in range(before - 1, -1, -1):
        prev = y0[:, j + 1]
        y0[:, j] = np.where(prev, u[:, j] <= 1 - exit_rate, u[:, j] < hazard)
        y1[:, j] = y0[:, j]
    for j in range(before + 1, len(months)):
        h1 = np.minimum(hazard * multiplier[j], 1.0)
        y0[:, j] = np.where(y0[:, j - 1], u[:, j] <= 1 - exit_rate, u[:, j] < hazard)
        y1[:, j] = np.where(y1[:, j - 1], u[:, j] <= 1 - exit_rate, u[:, j] < h1)
    return y0, y1


def register_extract(
    seed: int = 20231103,
    n_intervention: int = 53,
    n_external: int = 2000,
    twins_per_member: int = 5,
    first_month: int = -6,
    last_month: int = 18,
    effect_max: float = 1.0,
    exit_rate: float = 0.02,
) -> RegisterExtract:
    """Simulate a register extract with confounding and a known effect on employment.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    n_intervention : int
        Intervention members found in the register (seed 001: 53).
    n_external : int
        Size of the external pool (includes the look-alikes).
    twins_per_member : int
        External look-alikes drawn per intervention member (three share the birth year), so
        that 3 matched controls per member (159 for 53) can be found.
    first_month, last_month : int
        Months relative to study start (0) covered by ``register_months``.
    effect_max : float
        Relative increase of the monthly job-entry hazard at the last month (linear from
        month 2); the true effect on employment grows toward the end.
    exit_rate : float
        Monthly probability of leaving employment.

    Returns
    -------
    RegisterExtract
        Tables ``register_persons``, ``register_months``; truth ``register_effects``
        (``month``, ``hazard_multiplier``, ``att_employment``, ``att_wage_income``) and
        ``register_twins`` (``person_id``, ``twin_of``, ``birth_year_offset``).
    """
    if n_intervention < 1 or twins_per_member < 3:
        raise ValueError("need at least one intervention member and three look-alikes each")
    if n_external < n_intervention * twins_per_member:
        raise ValueError(
            f"n_external={n_external} is smaller than the {n_intervention * twins_per_member} "
            "look-alikes needed; raise n_external or lower twins_per_member"
        )
    if not first_month < 0 < last_month:
        raise ValueError("first_month must be negative and last_month positive")
    rng = np.random.default_rng(seed)
    persons, twins = _register_persons(rng, n_intervention, n_external, twins_per_member)
    months = np.arange(first_month, last_month + 1)
    treated = (persons["group"] == "intervention").to_numpy()
    multiplier = np.where(months > 0, effect_multiplier(months, effect_max), 1.0)
    hazard = _entry_hazard(persons)
    y0, y1 = _chains(
        rng, persons["employed_at_start"].to_numpy(), hazard, exit_rate, months, multiplier
    )
    employed = np.where(treated[:, None], y1, y0)
    wage = _monthly_wages(rng, persons, employed.shape)
    order = np.argsort(persons["person_id"].to_numpy(), kind="stable")
    persons_out = conform(persons.iloc[order], "register_persons")
    months_out = conform(_month_rows(persons, months, employed, wage), "register_months")
    gap = y1[treated].astype(float) - y0[treated].astype(float)
    effects = pd.DataFrame(
        {
            "month": months,
            "hazard_multiplier": multiplier,
            "att_employment": gap.mean(axis=0),
            "att_wage_income": (gap * wage[treated]).mean(axis=0),
        }
    )
    params = {
        "generator": "register_extract",
        "seed": seed,
        "n_intervention": n_intervention,
        "n_external": n_external,
        "twins_per_member": twins_per_member,
        "first_month": first_month,
        "last_month": last_month,
        "effect_max": effect_max,
        "exit_rate": exit_rate,
    }
    return RegisterExtract(
        tables={"register_persons": persons_out, "register_months": months_out},
        truth={"register_effects": effects, "register_twins": _twin_table(persons, twins)},
        params=params,
    )


def _register_persons(
    rng: np.random.Generator, n_intervention: int, n_external: int, twins_per_member: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Intervention members, then their external look-alikes, then the rest of the pool (with
    ``group`` and a random ``person_id``); and the look-alikes with whom they resemble."""
    members = _draw(rng, INTERVENTION, n_intervention)
    twins = _twins(rng, members, twins_per_member, exact=3)
    others = _draw(rng, EXTERNAL, n_external - len(twins))
    persons = pd.concat(
        [
            members.assign(group="intervention"),
            twins.drop(columns=["twin_of", "birth_year_offset"]).assign(group="external"),
            others.assign(group="external"),
        ],
        ignore_index=True,
    )
    ids = rng.choice(np.arange(100000, 1000000), size=len(persons), replace=False)
    persons["person_id"] = [f"P{k}" for k in ids]
    return persons, twins


def _monthly_wages(
    rng: np.random.Generator, persons: pd.DataFrame, shape: tuple[int, ...]
) -> np.ndarray:
    """Monthly wage when employed: a personal level by education, wobbling month to month."""
    edu = persons["education_level"].to_numpy(dtype=float)
    wage_level = np.exp(np.log(17000 + 3500 * (edu - 1)) + 0.25 * rng.standard_normal(len(edu)))
    wobble = 1.0 + 0.05 * rng.standard_normal(shape)
    return np.round(wage_level[:, None] * wobble, 0)


def _month_rows(
    persons: pd.DataFrame, months: np.ndarray, employed: np.ndarray, wage: np.ndarray
) -> pd.DataFrame:
    """One row per person and month: employed, wage income (0 when not employed)."""
    frame = pd.DataFrame(
        {
            "person_id": np.repeat(persons["person_id"].to_numpy(), len(months)),
            "month": np.tile(months, len(persons)),
            "employed": employed.ravel(),
            "wage_income": np.where(employed, wage, 0.0).ravel(),
        }
    )
    return frame.sort_values(["person_id", "month"], kind="stable")


def _twin_table(persons: pd.DataFrame, twins: pd.DataFrame) -> pd.DataFrame:
    """Which intervention member each look-alike was drawn for, and its birth-year offset."""
    n_intervention = int((persons["group"] == "intervention").sum())
    ids = persons["person_id"].to_numpy()
    return pd.DataFrame(
        {
            "person_id": ids[n_intervention : n_intervention + len(twins)],
            "twin_of": ids[twins["twin_of"].to_numpy()],
            "birth_year_offset": twins["birth_year_offset"].to_numpy(),
        }
    )
