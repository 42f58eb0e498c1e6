"""The linking stages as SQL run in an engine (DuckDB or Spark), with Splink for comparisons.

Tables of pseudonymised linking records (one per wave, loaded by :mod:`impact.link.engine_stage`)
go through the stages of :func:`impact.link.pairwise.link_records`, written as SQL:

1. exact links on ``study_id``, then on code + birth year + gender + round (a missing round
   matches a missing round); a key links only when it is unique on both sides (shared keys
   are *ambiguous* and left to the next stage);
2. the remaining valid records are compared by Splink (its DuckDB or Spark backend) on the
   blocked pairs; Splink returns the comparison levels (``gamma_…``) of every pair;
3. pairs with conflicting study ids or more than two differing elements are dropped;
4. only aggregates leave the engine: value counts (for u) and pair counts per agreement
   pattern (for EM); the weight of each pattern is computed in Python and joined back, and
   the scored candidate pairs come back for the link report and the one-to-one assignment.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from impact.engines.sessions import EngineSession, temp_name

logger = logging.getLogger(__name__)

#: Comparisons with two non-missing levels besides the elements, and their level counts.
OTHER_COMPARISONS = {"birth_year": 3, "gender": 2, "round_id": 2}


def n_levels(comparison: str) -> int:
    """Non-missing levels of a comparison (elements: agree/disagree)."""
    return OTHER_COMPARISONS.get(comparison, 2)


def gamma_sql(comparison: str, left: str, right: str) -> str:
    """Splink's comparison level (gamma) of a pair, computed from the two records in SQL.

    Elements, gender and round: 1 agree, 0 differ, -1 missing; birth year: 2 exact, 1 ±1
    year, 0 other, -1 missing.
    """
    if comparison == "birth_year":
        return (
            f"CASE WHEN {left} IS NULL OR {right} IS NULL THEN -1 WHEN {left} = {right} THEN 2 "
            f"WHEN ABS({left} - {right}) = 1 THEN 1 ELSE 0 END"
        )
    return (
        f"CASE WHEN {left} IS NULL OR {right} IS NULL THEN -1 "
        f"WHEN {left} = {right} THEN 1 ELSE 0 END"
    )


def gamma_to_level(comparison: str, gamma: np.ndarray) -> np.ndarray:
    """Level index (0 best, -1 missing) from Splink's gamma."""
    gamma = np.asarray(gamma, dtype=int)
    return np.where(gamma >= 0, n_levels(comparison) - 1 - gamma, -1)


def exact_stage(session: EngineSession, left: str, right: str) -> tuple[str, int]:
    """Exact links in the engine; returns the pairs table and the number of ambiguous records.

    The pairs table has ``left_uid``, ``right_uid``, ``stage`` (``study_id`` or ``exact``).
    """
    q = session.dialect.quote
    sid = temp_name("exact_sid")
    session.create(
        sid,
        f"""
        WITH m AS (
          SELECT l.uid AS left_uid, r.uid AS right_uid, l.study_id AS k
          FROM {q(left)} l JOIN {q(right)} r ON l.study_id = r.study_id),
        c AS (SELECT k, COUNT(DISTINCT left_uid) AS nl, COUNT(DISTINCT right_uid) AS nr
              FROM m GROUP BY k)
        SELECT m.left_uid, m.right_uid, (c.nl = 1 AND c.nr = 1) AS is_unique
        FROM m JOIN c ON m.k = c.k""",
    )
    code = temp_name("exact_code")
    session.create(
        code,
        f"""
        WITH l AS (SELECT * FROM {q(left)} x WHERE x.code_valid AND NOT EXISTS
                   (SELECT 1 FROM {q(sid)} s WHERE s.is_unique AND s.left_uid = x.uid)),
        r AS (SELECT * FROM {q(right)} x WHERE x.code_valid AND NOT EXISTS
              (SELECT 1 FROM {q(sid)} s WHERE s.is_unique AND s.right_uid = x.uid)),
        m AS (
          SELECT l.uid AS left_uid, r.uid AS right_uid, l.code_h AS c, l.birth_year AS b,
                 l.gender AS g, COALESCE(l.round_id, '') AS o
          FROM l JOIN r ON l.code_h = r.code_h AND l.birth_year = r.birth_year
                       AND l.gender = r.gender
                       AND COALESCE(l.round_id, '') = COALESCE(r.round_id, '')),
        n AS (SELECT c, b, g, o, COUNT(DISTINCT left_uid) AS nl,
                     COUNT(DISTINCT right_uid) AS nr
              FROM m GROUP BY c, b, g, o)
        SELECT m.left_uid, m.right_uid, (n.nl = 1 AND n.nr = 1) AS is_unique
        FROM m JOIN n ON m.c = n.c AND m.b = n.b AND m.g = n.g AND m.o = n.o""",
    )
    ambiguous = 0
    for table in (sid, code):
        found = session.fetch(
            f"SELECT COUNT(DISTINCT left_uid) AS a, COUNT(DISTINCT right_uid) AS b "
            f"FROM {q(table)} WHERE NOT is_unique"
        )
        ambiguous += int(found["a"].iloc[0]) + int(found["b"].iloc[0])
    pairs = temp_name("exact_pairs")
    session.create(
        pairs,
        f"SELECT left_uid, right_uid, 'study_id' AS stage FROM {q(sid)} WHERE is_unique "
        f"UNION ALL SELECT left_uid, right_uid, 'exact' AS stage FROM {q(code)} WHERE is_unique",
    )
    session.drop(sid)
    session.drop(code)
    return pairs, ambiguous


def remainder(session: EngineSession, records: str, pairs: str, side: str) -> str:
    """Valid records not linked exactly, in Splink's input form (``unique_id`` …)."""
    q = session.dialect.quote
    columns = session.column_types(records)
    elements = [c for c in columns if c.startswith("h_e")]
    key = "left_uid" if side == "left" else "right_uid"
    select = ", ".join(
        ["x.uid AS unique_id"]
        + [f"x.{q(e)}" for e in elements]
        + [
            "CAST(x.birth_year AS DOUBLE) AS birth_year",
            "x.gender_m AS gender",
            "x.round_id",
        ]
    )
    return session.create(
        temp_name(f"rest_{side}"),
        f"SELECT {select} FROM {q(records)} x WHERE x.code_valid AND NOT EXISTS "
        f"(SELECT 1 FROM {q(pairs)} p WHERE p.{key} = x.uid)",
    )


def value_counts(session: EngineSession, table: str, columns: list[str]) -> dict[str, pd.Series]:
    """Records per value of each column (missing values excluded), in one query.

    Values come back as text; ``birth_year`` is turned back into numbers.
    """
    q = session.dialect.quote
    text = "STRING" if session.engine == "spark" else "VARCHAR"
    parts = [
        f"SELECT {session.dialect.text(c)} AS col, CAST({q(c)} AS {text}) AS v, COUNT(*) AS n "
        f"FROM {q(table)} WHERE {q(c)} IS NOT NULL GROUP BY {q(c)}"
        for c in columns
    ]
    found = session.fetch(" UNION ALL ".join(parts))
    out = {}
    for column in columns:
        rows = found[found["col"] == column]
        values = rows["v"].to_numpy(dtype=object)
        if column == "birth_year":
            values = values.astype(float)
        out[column] = pd.Series(rows["n"].to_numpy(dtype=float), index=pd.Index(values))
    return out


def count_rows(session: EngineSession, table: str) -> int:
    """Number of rows of a table."""
    return int(
        session.fetch(f"SELECT COUNT(*) AS n FROM {session.dialect.quote(table)}")["n"].iloc[0]
    )


def spark_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with double-quoted identifiers unquoted (Spark reads ``"x"`` as text).

    The column names in the settings are plain lower-case identifiers, so unquoted they mean
    the same in every dialect.
    """
    config = copy.deepcopy(dict(settings))
    for comparison in config["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = level["sql_condition"].replace('"', "")
    for rule in config["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = rule["blocking_rule"].replace('"', "")
    return config


def splink_compare(
    session: EngineSession,
    left: str,
    right: str,
    settings: Mapping[str, Any],
) -> str:
    """Run Splink's blocking and comparisons in the engine; return the pairs table.

    The table holds ``left_uid``, ``right_uid`` and ``g_<comparison>`` (Splink's gamma).
    """
    from splink import Linker

    for name in ("splink", "duckdb", "py4j"):
        logging.getLogger(name).setLevel(logging.WARNING)
    db = session.splink_api()
    left_in = db.register(left, table_name=f"{left}_in")
    right_in = db.register(right, table_name=f"{right}_in")
    config = spark_settings(settings) if session.engine == "spark" else dict(settings)
    config["retain_matching_columns"] = True
    linker = Linker([left_in, right_in], config, log_level=logging.WARNING)
    predicted = linker.inference.predict(warning_mode="never")
    q = session.dialect.quote
    comparisons = [c["output_column_name"] for c in settings["comparisons"]]
    swap = f"p.source_dataset_l <> {session.dialect.text(f'{left}_in')}"
    gammas = ", ".join(f"p.{q('gamma_' + c)} AS {q('g_' + c)}" for c in comparisons)
    table = session.create(
        temp_name("compared"),
        f"SELECT CASE WHEN {swap} THEN p.unique_id_r ELSE p.unique_id_l END AS left_uid, "
        f"CASE WHEN {swap} THEN p.unique_id_l ELSE p.unique_id_r END AS right_uid, {gammas} "
        f"FROM {q(predicted.physical_name)} p",
    )
    predicted.drop_table_from_database_and_remove_from_cache()
    return table


def filter_candidates(
    session: EngineSession, compared: str, left: str, right: str, elements: list[str]
) -> str:
    """Drop pairs with conflicting study ids or more than two differing elements."""
    q = session.dialect.quote
    differing = " + ".join(f"(CASE WHEN c.{q('g_' + e)} = 0 THEN 1 ELSE 0 END)" for e in elements)
    return session.create(
        temp_name("candidates"),
        f"SELECT c.*, {differing} AS elements_differing FROM {q(compared)} c "
        f"JOIN {q(left)} l ON l.uid = c.left_uid JOIN {q(right)} r ON r.uid = c.right_uid "
        f"WHERE ({differing}) <= 2 AND NOT COALESCE(l.study_id <> r.study_id, FALSE)",
    )


def pattern_counts(session: EngineSession, table: str, comparisons: list[str]) -> pd.DataFrame:
    """Pairs per agreement pattern (``g_<comparison>`` gammas and ``n``)."""
    q = session.dialect.quote
    cols = ", ".join(q("g_" + c) for c in comparisons)
    return session.fetch(f"SELECT {cols}, COUNT(*) AS n FROM {q(table)} GROUP BY {cols}")


def known_patterns(
    session: EngineSession, pairs: str, left: str, right: str, elements: list[str]
) -> pd.DataFrame:
    """Agreement patterns of the exact links (known matches), counted."""
    q = session.dialect.quote
    sources = {e: (f"l.{q(e)}", f"r.{q(e)}") for e in elements}
    sources["birth_year"] = ("l.birth_year", "r.birth_year")
    sources["gender"] = ("l.gender_m", "r.gender_m")
    sources["round_id"] = ("l.round_id", "r.round_id")
    select = ", ".join(f"{gamma_sql(c, a, b)} AS {q('g_' + c)}" for c, (a, b) in sources.items())
    cols = ", ".join(q("g_" + c) for c in sources)
    return session.fetch(
        f"SELECT {cols}, COUNT(*) AS n FROM (SELECT {select} FROM {q(pairs)} p "
        f"JOIN {q(left)} l ON l.uid = p.left_uid JOIN {q(right)} r ON r.uid = p.right_uid) AS k "
        f"GROUP BY {cols}"
    )


def levels_of(patterns: pd.DataFrame, comparisons: list[str]) -> dict[str, np.ndarray]:
    """Level indices per comparison of each pattern row."""
    return {c: gamma_to_level(c, patterns["g_" + c].to_numpy(dtype=int)) for c in comparisons}


def pairs_of_patterns(
    session: EngineSession, candidates: str, patterns: pd.DataFrame, comparisons: list[str]
) -> pd.DataFrame:
    """The candidate pairs whose agreement pattern is listed, with the pattern's scores.

    Parameters
    ----------
    candidates : str
        Candidate table (``left_uid``, ``right_uid``, ``elements_differing``, ``g_…``).
    patterns : pandas.DataFrame
        Patterns (``g_<comparison>`` columns) with ``match_weight`` and ``match_probability``.
    comparisons : list of str
        Comparison names.
    """
    columns = ["left_uid", "right_uid", "elements_differing", "match_weight", "match_probability"]
    if patterns.empty:
        return pd.DataFrame(columns=columns)
    q = session.dialect.quote
    keys = ["g_" + c for c in comparisons]
    table = patterns[keys + ["match_weight", "match_probability"]].copy()
    for key in keys:
        table[key] = table[key].astype("int64")
    name = session.put(table, temp_name("patterns"))
    try:
        join = " AND ".join(f"c.{q(k)} = p.{q(k)}" for k in keys)
        return session.fetch(
            f"SELECT c.left_uid, c.right_uid, c.elements_differing, p.match_weight, "
            f"p.match_probability FROM {q(candidates)} c JOIN {q(name)} p ON {join}"
        )
    finally:
        session.drop(name)


def exact_pairs_frame(
    session: EngineSession, pairs: str, left: str, right: str, elements: list[str]
) -> pd.DataFrame:
    """The exact pairs with their number of differing elements, as pandas."""
    q = session.dialect.quote
    differing = " + ".join(
        f"(CASE WHEN l.{q(e)} IS NOT NULL AND r.{q(e)} IS NOT NULL AND l.{q(e)} <> r.{q(e)} "
        "THEN 1 ELSE 0 END)"
        for e in elements
    )
    return session.fetch(
        f"SELECT p.left_uid, p.right_uid, p.stage, {differing} AS elements_differing "
        f"FROM {q(pairs)} p JOIN {q(left)} l ON l.uid = p.left_uid "
        f"JOIN {q(right)} r ON r.uid = p.right_uid"
    )
