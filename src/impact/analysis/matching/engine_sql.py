"""Exact and coarsened exact matching (CEM) and monthly outcomes as SQL group-bys.

The same rules as :mod:`impact.analysis.matching` (MatchIt's ``exact`` and ``cem`` with ATT
subclass weights), written so that a register of millions of persons never leaves the engine:

* **coarsening** — a variable with cut points ``c₁ < … < cₖ`` becomes its bin number
  ``1 + #{cᵢ ≤ x}`` (``findInterval`` with open ends); a number of bins ``k`` gives equal-width
  cut points over the pooled range, ``"sturges"`` gives ``k = ceil(log2 n) + 1``;
* **cells** — ``GROUP BY`` the (coarsened) variables; cells with both an intervention member
  and an external person are matched;
* **weights** — members 1; a control in cell ``s`` gets ``n_t(s)/n_c(s)``, rescaled so control
  weights sum to the number of matched controls, i.e. ``n_t(s)/n_c(s) · C/T`` with ``C`` and
  ``T`` the matched controls and members (because ``Σ_controls n_t/n_c = T``);
* **monthly rates** — per group and month ``Σw·y / Σw`` with the sums ``Σw²``, ``Σw²y`` and
  ``Σw²y²`` that give the linearisation standard error ``sqrt(Σw²(y−ȳ)²)/Σw``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from impact.analysis.matching.spec import Cutpoints
from impact.engines.sessions import EngineSession


def cut_points(
    session: EngineSession, table: str, name: str, cuts: Cutpoints, n: int
) -> list[float] | None:
    """The interior cut points of one variable (``None``: not coarsened).

    Bin counts use the pooled minimum and maximum of the complete persons (one aggregate).
    """
    if cuts is None:
        return None
    if isinstance(cuts, str):
        cuts = int(math.ceil(math.log2(n)) + 1)
    if isinstance(cuts, int):
        q = session.dialect.quote
        found = session.fetch(
            f"SELECT MIN(CAST({q(name)} AS DOUBLE)) AS lo, MAX(CAST({q(name)} AS DOUBLE)) AS hi "
            f"FROM {q(table)}"
        )
        breaks = np.linspace(float(found["lo"].iloc[0]), float(found["hi"].iloc[0]), cuts + 1)
        return [float(b) for b in np.unique(breaks[1:-1])]
    return [float(c) for c in np.unique(np.asarray(cuts, dtype=float))]


def bin_sql(column: str, points: Sequence[float]) -> str:
    """Bin number ``1 + #{cut ≤ x}`` of a column."""
    if not points:
        return "1"
    terms = " + ".join(
        f"(CASE WHEN CAST({column} AS DOUBLE) >= {p!r} THEN 1 ELSE 0 END)" for p in points
    )
    return f"(1 + {terms})"


def cells_query(
    session: EngineSession,
    table: str,
    variables: Sequence[str],
    points: Mapping[str, list[float] | None],
    order_column: str | None,
) -> str:
    """Persons with their cell values ``v0, v1, …``, ``treated`` and ``first`` (row order)."""
    q = session.dialect.quote
    keys = []
    for i, name in enumerate(variables):
        cuts = points.get(name)
        value = q(name) if cuts is None else bin_sql(q(name), cuts)
        keys.append(f"{value} AS v{i}")
    order = q(order_column) if order_column else "0"
    return (
        f"SELECT {q('person_id')} AS person_id, {q('group')} AS grp, "
        f"CASE WHEN {q('group')} = 'intervention' THEN 1 ELSE 0 END AS treated, "
        f"{order} AS first_row, {', '.join(keys)} FROM {q(table)}"
    )


def weights_query(cells: str, n_variables: int) -> str:
    """Matched persons with ``subclass`` and ``weight`` (ATT subclass weights)."""
    v = ", ".join(f"v{i}" for i in range(n_variables))
    join = " AND ".join(f"p.v{i} = sc.v{i}" for i in range(n_variables))
    return f"""
    WITH p AS ({cells}),
    c AS (SELECT {v}, SUM(treated) AS nt, SUM(1 - treated) AS nc, MIN(first_row) AS first_row
          FROM p GROUP BY {v} HAVING SUM(treated) > 0 AND SUM(1 - treated) > 0),
    s AS (SELECT c.*, DENSE_RANK() OVER (ORDER BY first_row) AS subclass FROM c),
    t AS (SELECT SUM(nt) AS tt, SUM(nc) AS cc FROM c)
    SELECT p.person_id, p.grp, p.treated, sc.subclass,
      CASE WHEN p.treated = 1 THEN 1.0
           ELSE (CAST(sc.nt AS DOUBLE) / sc.nc) * (CAST(t.cc AS DOUBLE) / t.tt) END AS weight
    FROM p JOIN s AS sc ON {join} CROSS JOIN t
    """


def group_counts_query(all_persons: str, matched: str) -> str:
    """Per group: persons, matched persons, weight sum and Σw² (for the effective size)."""
    return f"""
    SELECT a.grp, a.n_all, COALESCE(m.n_matched, 0) AS n_matched,
           COALESCE(m.weight_sum, 0.0) AS weight_sum, COALESCE(m.weight_sq, 0.0) AS weight_sq
    FROM (SELECT grp, COUNT(*) AS n_all FROM ({all_persons}) AS x GROUP BY grp) AS a
    LEFT JOIN (SELECT grp, COUNT(*) AS n_matched, SUM(weight) AS weight_sum,
                      SUM(weight * weight) AS weight_sq FROM {matched} GROUP BY grp) AS m
    ON a.grp = m.grp
    """


def monthly_query(months: str, matched: str, outcome: str, quote) -> str:
    """Weighted sums by group and month for the monthly rates."""
    y = f"CAST(o.{quote(outcome)} AS DOUBLE)"
    return f"""
    SELECT w.grp, CAST(o.{quote("month")} AS BIGINT) AS month, COUNT(*) AS n,
           SUM(w.weight) AS sw, SUM(w.weight * {y}) AS swy,
           SUM(w.weight * w.weight) AS sw2, SUM(w.weight * w.weight * {y}) AS sw2y,
           SUM(w.weight * w.weight * {y} * {y}) AS sw2y2
    FROM {quote(months)} o JOIN {matched} w ON o.{quote("person_id")} = w.person_id
    WHERE w.weight > 0
    GROUP BY w.grp, CAST(o.{quote("month")} AS BIGINT)
    """
