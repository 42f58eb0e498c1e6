"""Background covariates of synthetic participants and the calendar of programme rounds."""

from __future__ import annotations

import numpy as np
import pandas as pd

OCCUPATION_FIELDS = (
    "Ekonomi och administration",
    "IT och data",
    "Teknik och ingenjörsarbete",
    "Hälso- och sjukvård",
    "Utbildning och pedagogik",
    "Juridik",
    "Naturvetenskap",
    "Samhällsvetenskap",
    "Kultur, media och design",
    "Bygg och arkitektur",
)
#: Baseline education levels 1–5 (skewed high, as in the target group of graduates).
EDUCATION_PROBS = (0.04, 0.10, 0.14, 0.38, 0.34)


def round_ids(n_rounds: int) -> list[str]:
    """Return the round identifiers ``R01``, ``R02``, …"""
    return [f"R{k:02d}" for k in range(1, n_rounds + 1)]


def round_starts(n_rounds: int, first: str = "2023-03-06", spacing_days: int = 84) -> pd.Series:
    """Return the start date of each round (evenly spaced, as 2–3 rounds a term)."""
    starts = pd.Timestamp(first) + pd.to_timedelta(np.arange(n_rounds) * spacing_days, unit="D")
    return pd.Series(starts, index=round_ids(n_rounds))


def assign_genders(rng: np.random.Generator, n: int, share_women: float) -> np.ndarray:
    """Return ``round(share_women * n)`` women and the rest men, in random order."""
    if not 0.0 <= share_women <= 1.0:
        raise ValueError(f"share_women must be between 0 and 1, got {share_women}")
    women = int(round(share_women * n))
    genders = np.array(["woman"] * women + ["man"] * (n - women), dtype=object)
    return rng.permutation(genders)


def draw_background(
    rng: np.random.Generator, genders: np.ndarray, reference_dates: pd.Series
) -> pd.DataFrame:
    """Draw background covariates for people whose gender and reference date are known.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    genders : numpy.ndarray of str
        ``woman``/``man`` per person.
    reference_dates : pandas.Series of Timestamp
        The date each person's age refers to (their round's start).

    Returns
    -------
    pandas.DataFrame
        ``gender``, ``age`` (25–60), ``birth_year``, ``education_level`` (1–5),
        ``years_in_sweden`` (0–10, one decimal), ``occupation_field``.
    """
    n = len(genders)
    age = np.clip(np.round(25 + rng.gamma(4.0, 2.6, n)), 25, 60).astype(int)
    years = pd.DatetimeIndex(reference_dates).year.to_numpy()
    # Birthday not yet passed this year (share of the year still to come) → born a year earlier.
    day_of_year = pd.DatetimeIndex(reference_dates).day_of_year.to_numpy()
    before_birthday = rng.random(n) > day_of_year / 365.25
    birth_year = years - age - before_birthday.astype(int)
    education = rng.choice(np.arange(1, 6), size=n, p=np.asarray(EDUCATION_PROBS))
    years_in_sweden = np.round(np.clip(rng.gamma(2.2, 1.4, n), 0.2, 10.0), 1)
    field = np.array(OCCUPATION_FIELDS, dtype=object)[rng.integers(0, len(OCCUPATION_FIELDS), n)]
    return pd.DataFrame(
        {
            "gender": genders,
            "age": age,
            "birth_year": birth_year,
            "education_level": education,
            "years_in_sweden": years_in_sweden,
            "occupation_field": field,
        }
    )
