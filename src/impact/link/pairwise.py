"""Link one wave's records to the people already known (the *spine*): all stages in order.

(a) records were normalised and pseudonymised in :mod:`impact.link.records`; here come
(b) exact links on ``study_id`` then on code + birth year + gender (+ round), (c) Splink on the
remainder, (d) a one-to-one assignment of the Splink candidates above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.engines.jobs import session_for
from impact.engines.sessions import EngineSession
from impact.link.assign import one_to_one
from impact.link.blocking import Blocking, blocking_keys, splink_rules
from impact.link.engine_stage import link_in_engine
from impact.link.exact import exact_links
from impact.link.probabilistic import agreement_pattern, score_candidates


@dataclass
class WaveLink:
    """The outcome of linking one wave to the spine.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per linked wave record: ``left_uid`` (spine), ``right_uid`` (wave),
        ``stage`` (``study_id``/``exact``/``splink``), ``match_probability``,
        ``match_weight``, the agreement pattern columns and ``elements_differing``.
    candidates : pandas.DataFrame
        Every pair Splink scored (for the probability distribution and clerical review),
        with a boolean ``linked``.
    ambiguous : int
        Records with more than one candidate (exact key shared, or several Splink
        candidates above the threshold).
    prior_lambda : float
        Prior match probability estimated in the Splink stage (0 when it did not run).
    settings : dict or None
        The trained Splink settings (``None`` when the Splink stage had nothing to do).
    """

    pairs: pd.DataFrame
    candidates: pd.DataFrame
    ambiguous: int
    prior_lambda: float
    settings: dict | None


def link_records(
    spine: pd.DataFrame,
    wave: pd.DataFrame,
    elements: list[str],
    threshold: float,
    m_priors: dict[str, float] | None = None,
    session: EngineSession | None = None,
    blocking: Blocking = "thorough",
    engine: str = "pandas",
) -> WaveLink:
    """Link a wave's records to the spine, one-to-one.

    On DuckDB or Spark (``engine: duckdb|spark`` in the study file) the exact
    stage, Splink's blocking and comparisons, the pattern counts for the EM and the scoring run
    in that engine (:func:`impact.link.engine_stage.link_in_engine`, with the blocking rules
    used here); the result is the same.

    Parameters
    ----------
    spine, wave : pandas.DataFrame
        Deduplicated linking records (spine = people known so far).
    elements : list of str
        Element hash columns.
    threshold : float
        Minimum Splink match probability.
    m_priors : dict, optional
        Overrides of the Splink m priors.
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this wave).
    blocking : {"thorough", "linear"}
        Blocking rule set (:mod:`impact.link.blocking`, already checked): ``thorough``
        compares every pair with at most two elements different; ``linear`` keeps the
        comparisons about linear in the wave size (for national-size waves).
    engine : {"pandas", "duckdb", "spark"}
        Where the stages run: in memory, or in a DuckDB or Spark session.

    Returns
    -------
    WaveLink
    """
    keys = blocking_keys(elements, blocking)
    if engine != "pandas":
        with session_for(engine, session) as active:
            return _link_on_engine(spine, wave, elements, threshold, m_priors, active, keys)
    exact = exact_links(spine, wave)
    rest_spine = spine[~spine["uid"].isin(exact.pairs["left_uid"]) & spine["code_valid"]]
    rest_wave = wave[~wave["uid"].isin(exact.pairs["right_uid"]) & wave["code_valid"]]
    known = agreement_pattern(exact.pairs, spine, wave, elements)
    rules = None if blocking == "thorough" else splink_rules(keys)
    scored = score_candidates(
        rest_spine, rest_wave, elements, known, m_priors=m_priors, rules=rules
    )
    return _assemble(
        exact.pairs,
        scored.pairs,
        threshold,
        exact.ambiguous,
        scored.prior_lambda,
        scored.settings,
    )


def _by_uids(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs in (spine uid, wave uid) order: ties in the assignment are broken the same way
    whichever engine found the pairs."""
    return pairs.sort_values(["left_uid", "right_uid"], kind="stable").reset_index(drop=True)


def _assemble(
    exact_pairs: pd.DataFrame,
    scored: pd.DataFrame,
    threshold: float,
    exact_ambiguous: int,
    prior_lambda: float,
    settings: dict | None,
) -> WaveLink:
    """One-to-one assignment of the scored candidates, joined to the exact links."""
    scored = _by_uids(scored)
    assignment = one_to_one(scored, threshold)
    fuzzy = assignment.chosen.assign(stage="splink")
    exact_pairs = _by_uids(exact_pairs).assign(match_probability=1.0, match_weight=np.nan)
    pairs = pd.concat([exact_pairs, fuzzy] if not fuzzy.empty else [exact_pairs], ignore_index=True)
    linked_keys = set(zip(fuzzy["left_uid"], fuzzy["right_uid"], strict=True))
    candidates = scored.copy()
    candidates["linked"] = [
        (a, b) in linked_keys
        for a, b in zip(candidates["left_uid"], candidates["right_uid"], strict=True)
    ]
    return WaveLink(
        pairs=pairs,
        candidates=candidates,
        ambiguous=exact_ambiguous + assignment.ambiguous,
        prior_lambda=prior_lambda,
        settings=settings,
    )


def _link_on_engine(
    spine: pd.DataFrame,
    wave: pd.DataFrame,
    elements: list[str],
    threshold: float,
    m_priors: dict[str, float] | None,
    session: EngineSession,
    keys: list[tuple[str, ...]],
) -> WaveLink:
    """The stages of :func:`link_records` in a DuckDB or Spark session."""
    stage = link_in_engine(session, spine, wave, elements, m_priors, splink_rules(keys))
    columns = ["left_uid", "right_uid", "match_weight", "match_probability"]
    found = stage.scored[columns].reset_index(drop=True)
    found = found.astype({"match_weight": float, "match_probability": float})
    pattern = agreement_pattern(found, spine, wave, elements)
    order = [c for c in pattern.columns if c != "elements_differing"] + ["elements_differing"]
    scored = pd.concat([found, pattern[order]], axis=1)
    exact = stage.exact[["left_uid", "right_uid", "stage"]]
    return _assemble(
        exact, scored, threshold, int(stage.ambiguous), float(stage.prior_lambda), stage.settings
    )
