"""Public entry points: :func:`link_study` (all waves) and :func:`link_waves` (two waves).

Both validate the options, split the follow-up table by ``followup_number`` and hand the waves
to :func:`impact.link.spine.link_to_spine`, which links them wave by wave to the spine of known
people (the randomisation list in randomised studies, else the baseline).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import fields

import pandas as pd

from impact.engines.sessions import EngineSession
from impact.errors import InputError, Problem
from impact.link.blocking import Blocking
from impact.link.options import DEFAULT_REVIEW_BAND, DEFAULT_THRESHOLD, LinkOptions
from impact.link.pseudonymise import DEFAULT_SECRET_ENV
from impact.link.records import InvalidCodes
from impact.link.result import LinkResult
from impact.link.spine import link_to_spine

logger = logging.getLogger(__name__)

WAVE_NAMES = {"b": "baseline", "r": "result", "rand": "randomisation"}


def _options(arguments: dict[str, object]) -> LinkOptions:
    """The :class:`LinkOptions` among a public function's arguments (its ``locals()``)."""
    names = {f.name for f in fields(LinkOptions)}
    return LinkOptions(**{k: v for k, v in arguments.items() if k in names})


def _split_followup(followup: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    if "followup_number" not in followup.columns:
        raise InputError(
            "Follow-up table lacks followup_number",
            [Problem("followup", "this column to be present", column="followup_number")],
        )
    numbers = pd.to_numeric(followup["followup_number"], errors="coerce")
    bad = numbers.isna() | (numbers < 1) | (numbers != numbers.round())
    if bad.any():
        rows = [i + 1 for i, b in enumerate(bad.tolist()) if b][:20]
        raise InputError(
            "Follow-up numbers must be whole numbers ≥ 1",
            [
                Problem(
                    "followup",
                    "an integer ≥ 1",
                    row=r,
                    column="followup_number",
                    value=str(followup["followup_number"].iloc[r - 1]),
                )
                for r in rows
            ],
        )
    return [
        (f"f{int(k)}", f"follow-up {int(k)}", followup[numbers == k])
        for k in sorted(numbers.unique())
    ]


def link_study(
    baseline: pd.DataFrame,
    followup: pd.DataFrame | None = None,
    result: pd.DataFrame | None = None,
    randomisation: pd.DataFrame | None = None,
    *,
    secret: str | bytes | None,
    secret_env: str | None = DEFAULT_SECRET_ENV,
    allow_ephemeral_secret: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    code_elements: Sequence[Sequence[object]] | None = None,
    invalid_codes: InvalidCodes = "unlinked",
    review_band: Sequence[float] = DEFAULT_REVIEW_BAND,
    m_priors: dict[str, float] | None = None,
    engine: str = "pandas",
    session: EngineSession | None = None,
    blocking: Blocking = "thorough",
) -> LinkResult:
    """Link all waves of a study person by person into the linked panel.

    Parameters
    ----------
    baseline : pandas.DataFrame
        Canonical baseline table.
    followup : pandas.DataFrame, optional
        Canonical follow-up table (all follow-ups, ``followup_number`` 1, 2, …).
    result : pandas.DataFrame, optional
        Canonical result table.
    randomisation : pandas.DataFrame, optional
        Randomisation list (``study_id``, ``arm``, ``stratum``, ``link_code``, ``birth_year``,
        ``gender`` …). When given, every randomised person is a row of the panel, answered
        baseline or not, and ``study_id``/``arm``/``stratum`` come from it.
    secret : str, bytes or None
        HMAC key for pseudonyms; ``None`` reads the environment variable ``secret_env``.
    secret_env : str or None
        Environment variable holding the key (default ``IMPACT_LINK_SECRET``).
    allow_ephemeral_secret : bool
        Without any key, use a random one for this run (warning) instead of raising.
    threshold : float
        Minimum Splink match probability for a probabilistic link (default 0.5, chosen on
        synthetic truth; see ``docs/linking.md``).
    code_elements : list of [alphabet, length], optional
        Code layout (default ``[[letters, 2], [digits, 2], [letters, 2], [digits, 1]]``).
    invalid_codes : {"unlinked", "error"}
        Empty/invalid codes: keep as unlinked records (default; counted in the report) or
        raise listing every row. Waves with more than half unusable codes always raise.
    review_band : (float, float)
        Probability band of the borderline pairs for clerical review.
    m_priors : dict, optional
        Overrides of the Splink m priors (:data:`impact.link.probabilistic.M_PRIORS`).
    engine : {"pandas", "duckdb", "spark"}
        Where the exact stage, Splink's blocking and comparisons and the scoring run
        (``docs/scale.md``); the links are the same on every engine.
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for each wave linked).
    blocking : {"thorough", "linear"}
        Which pairs the probabilistic stage compares: ``thorough`` (default) every pair with
        at most two code elements different; ``linear`` pairs with at most one element (or
        the birth year) different, so the comparisons grow about linearly with the waves
        (national-size studies; ``docs/scale.md``).

    Returns
    -------
    LinkResult
        ``panel``, ``pairs`` and ``report``.

    Raises
    ------
    InputError
        Missing/empty waves or columns, unusable codes, no secret, bad options.
    AnalysisError
        All codes identical in a wave, or a wave that links to nobody.
    """
    options = _options(locals())
    if baseline is None:
        raise InputError(
            "The baseline wave is required", [Problem("baseline", "a canonical baseline table")]
        )
    waves: list[tuple[str, str, pd.DataFrame]] = [("b", "baseline", baseline)]
    if followup is not None:
        if isinstance(followup, pd.DataFrame) and len(followup) == 0:
            raise InputError(
                "Wave 'followup' is empty",
                [Problem("followup", "at least one response", column="link_code")],
            )
        waves += _split_followup(followup)
    if result is not None:
        waves.append(("r", "result", result))
    return link_to_spine(waves, randomisation, options, session)


def link_waves(
    baseline: pd.DataFrame,
    later: pd.DataFrame,
    *,
    secret: str | bytes | None,
    later_wave: str = "r",
    secret_env: str | None = DEFAULT_SECRET_ENV,
    allow_ephemeral_secret: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    code_elements: Sequence[Sequence[object]] | None = None,
    invalid_codes: InvalidCodes = "unlinked",
    review_band: Sequence[float] = DEFAULT_REVIEW_BAND,
    m_priors: dict[str, float] | None = None,
    engine: str = "pandas",
    session: EngineSession | None = None,
    blocking: Blocking = "thorough",
) -> LinkResult:
    """Link one later wave to the baseline.

    Parameters
    ----------
    baseline, later : pandas.DataFrame
        Canonical wave tables.
    later_wave : str
        Prefix of the later wave in the panel (``r`` result, ``f1`` first follow-up, …).
    secret, secret_env, allow_ephemeral_secret, threshold, code_elements, invalid_codes, \
review_band, m_priors, engine, session, blocking
        As in :func:`link_study`.

    Returns
    -------
    LinkResult
    """
    if (
        not isinstance(later_wave, str)
        or not re.fullmatch(r"[a-z][a-z0-9]*", later_wave)
        or (later_wave in ("b", "rand"))
    ):
        raise InputError(
            "Invalid later_wave",
            [
                Problem(
                    "linking",
                    "a short lower-case prefix such as 'r' or 'f1' (not 'b')",
                    column="later_wave",
                    value=repr(later_wave),
                )
            ],
        )
    options = _options(locals())
    name = WAVE_NAMES.get(later_wave, later_wave)
    waves = [("b", "baseline", baseline), (later_wave, name, later)]
    return link_to_spine(waves, None, options, session)
