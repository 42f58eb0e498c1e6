"""The linking stages of one wave in a DuckDB or Spark session.

:func:`impact.link.pairwise.link_records` calls :func:`link_in_engine` when ``engine`` is
``duckdb`` or ``spark``: the records are loaded into the session, and the exact links,
Splink's blocking and comparisons (:mod:`impact.link.engine_sql`), the counts per agreement
pattern for the EM (:func:`impact.link.training.train_patterns`) and the scoring run there;
only the exact pairs, the scored candidate pairs and the trained model come back. The numbers
are those of the pandas stage (:func:`impact.link.probabilistic.score_candidates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.engines.jobs import TemporaryTables
from impact.engines.sessions import EngineSession
from impact.link import engine_sql as link_sql
from impact.link.frequencies import u_from_frequencies
from impact.link.probabilistic import build_settings, prior_m
from impact.link.training import log2_bayes_factors, prior_log2_odds, train_patterns

#: Record columns loaded into the engine (besides the element hashes).
ENGINE_RECORD_COLUMNS = [
    "uid",
    "code_h",
    "birth_year",
    "gender",
    "gender_m",
    "study_id",
    "round_id",
    "code_valid",
]
SCORED_COLUMNS = [
    "left_uid",
    "right_uid",
    "elements_differing",
    "match_weight",
    "match_probability",
]


@dataclass
class EngineLink:
    """What the engine returns for one wave.

    Attributes
    ----------
    exact : pandas.DataFrame
        Exact pairs: ``left_uid``, ``right_uid``, ``stage``, ``elements_differing``.
    ambiguous : int
        Records sharing an exact key with more than one record.
    scored : pandas.DataFrame
        Every candidate pair of the probabilistic stage with its weight and probability.
    settings : dict or None
        The trained Splink settings (``None`` when nothing was left to compare).
    prior_lambda : float
        The estimated prior match probability (0 when nothing was left to compare).
    """

    exact: pd.DataFrame
    ambiguous: int
    scored: pd.DataFrame
    settings: dict | None = None
    prior_lambda: float = 0.0


def _load(tables: TemporaryTables, records: pd.DataFrame, columns: list[str], stem: str) -> str:
    frame = records[columns].copy()
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    frame["code_valid"] = frame["code_valid"].astype(bool)
    return tables.put(frame, stem)


def link_in_engine(
    session: EngineSession,
    left: pd.DataFrame,
    right: pd.DataFrame,
    elements: list[str],
    m_priors: dict[str, float] | None,
    rules: list[dict[str, str]],
) -> EngineLink:
    """Exact links, then Splink's candidates trained and scored, in ``session``.

    Parameters
    ----------
    session : EngineSession
        An open DuckDB or Spark session.
    left, right : pandas.DataFrame
        Deduplicated linking records (spine and wave).
    elements : list of str
        Element hash columns.
    m_priors : dict, optional
        Overrides of the Splink m priors.
    rules : list of dict
        Splink blocking rules (:func:`impact.link.blocking.splink_rules`).

    Returns
    -------
    EngineLink
    """
    columns = ENGINE_RECORD_COLUMNS + elements
    with TemporaryTables(session) as tables:
        lt = _load(tables, left, columns, "left_records")
        rt = _load(tables, right, columns, "right_records")
        pairs, ambiguous = link_sql.exact_stage(session, lt, rt)
        tables.keep(pairs)
        rest_l = tables.keep(link_sql.remainder(session, lt, pairs, "left"))
        rest_r = tables.keep(link_sql.remainder(session, rt, pairs, "right"))
        exact = link_sql.exact_pairs_frame(session, pairs, lt, rt, elements)
        n_l, n_r = link_sql.count_rows(session, rest_l), link_sql.count_rows(session, rest_r)
        if not (n_l and n_r):
            return EngineLink(exact, ambiguous, pd.DataFrame(columns=SCORED_COLUMNS))
        return _score_remainder(
            tables, (lt, rt), (rest_l, rest_r), (n_l, n_r), pairs, exact, ambiguous,
            elements, m_priors, rules,
        )  # fmt: skip


def _score_remainder(
    tables: TemporaryTables,
    records: tuple[str, str],
    rest: tuple[str, str],
    sizes: tuple[int, int],
    exact_table: str,
    exact: pd.DataFrame,
    ambiguous: int,
    elements: list[str],
    m_priors: dict[str, float] | None,
    rules: list[dict[str, str]],
) -> EngineLink:
    """Train m and λ on the candidates' pattern counts and score every candidate pair."""
    session = tables.session
    comparisons = [*elements, "birth_year", "gender", "round_id"]
    u = u_from_frequencies(
        link_sql.value_counts(session, rest[0], comparisons),
        link_sql.value_counts(session, rest[1], comparisons),
        elements,
    )
    m0 = prior_m(elements, m_priors)
    n_pairs = float(sizes[0]) * float(sizes[1])
    settings0 = build_settings(elements, m0, u, min(sizes) / n_pairs)
    settings0["blocking_rules_to_generate_predictions"] = rules
    compared = tables.keep(link_sql.splink_compare(session, rest[0], rest[1], settings0))
    candidates = tables.keep(
        link_sql.filter_candidates(session, compared, records[0], records[1], elements)
    )
    patterns = link_sql.pattern_counts(session, candidates, comparisons)
    known = link_sql.known_patterns(session, exact_table, records[0], records[1], elements)
    levels = link_sql.levels_of(patterns, comparisons)
    model = train_patterns(
        levels,
        patterns["n"].to_numpy(dtype=float),
        link_sql.levels_of(known, comparisons),
        known["n"].to_numpy(dtype=float),
        u,
        m0,
        n_pairs,
    )
    settings = build_settings(elements, model.m, u, model.prior_lambda)
    settings["blocking_rules_to_generate_predictions"] = rules
    # one weight per agreement pattern, computed here exactly as the pandas stage does
    # per pair, so every engine gives every pair of a pattern the same number
    weight = prior_log2_odds(model.prior_lambda) + log2_bayes_factors(levels, model.m, u)
    scored = patterns.assign(
        match_weight=weight,
        match_probability=np.power(2.0, weight) / (1.0 + np.power(2.0, weight)),
    )
    pairs = link_sql.pairs_of_patterns(session, candidates, scored, comparisons)
    return EngineLink(exact, ambiguous, pairs, settings, model.prior_lambda)
