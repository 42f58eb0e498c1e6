"""u, the chance that two different people agree on a comparison, from value frequencies.

u is known exactly from how often each value occurs on each side: for a comparison, the chance
that a random left/right pair agrees is ``Σ_v p_left(v) · p_right(v)``. The pandas stage counts
the values itself (:func:`u_probabilities`); the DuckDB and Spark stages count them in the
engine and pass the counts (:func:`u_from_frequencies`) — the same numbers either way.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Floor of each u.
U_FLOOR = 1e-6


def agreement_u(left: pd.Series, right: pd.Series, offset: int = 0) -> float:
    """Chance that a random left/right pair agrees, from value counts.

    Parameters
    ----------
    left, right : pandas.Series
        Count of records per value (index: the value; missing values excluded).
    offset : int
        0 for equality; ``k`` for values ``v`` and ``v ± k`` (numeric values).
    """
    if left.sum() == 0 or right.sum() == 0:
        return 0.0
    pl = left / left.sum()
    pr = right / right.sum()
    if not offset:
        return float((pl * pr.reindex(pl.index).fillna(0)).sum())
    total = 0.0
    for sign in (1, -1):
        shifted = pr.copy()
        shifted.index = pr.index - sign * offset
        total += float((pl * shifted.reindex(pl.index).fillna(0)).sum())
    return total


def u_from_frequencies(
    left: Mapping[str, pd.Series], right: Mapping[str, pd.Series], elements: list[str]
) -> dict[str, np.ndarray]:
    """u of each non-missing level per comparison, from value counts per column and side.

    Parameters
    ----------
    left, right : mapping
        Column (element hashes, ``birth_year``, ``gender``, ``round_id``) → value counts.
    elements : list of str
        Element hash columns.
    """

    def vec(*agree: float) -> np.ndarray:
        values = np.clip(np.array([*agree, 1 - sum(agree)]), U_FLOOR, None)
        return values / values.sum()

    u = {e: vec(agreement_u(left[e], right[e])) for e in elements}
    by_l, by_r = left["birth_year"], right["birth_year"]
    by_l.index = by_l.index.astype(float)
    by_r.index = by_r.index.astype(float)
    u["birth_year"] = vec(agreement_u(by_l, by_r), agreement_u(by_l, by_r, 1))
    u["gender"] = vec(agreement_u(left["gender"], right["gender"]))
    u["round_id"] = vec(agreement_u(left["round_id"], right["round_id"]))
    return u


def u_probabilities(
    lf: pd.DataFrame, rf: pd.DataFrame, elements: list[str]
) -> dict[str, np.ndarray]:
    """u of each non-missing level, per comparison, from the records' values.

    Parameters
    ----------
    lf, rf : pandas.DataFrame
        Left and right records in Splink's form (element hashes, ``birth_year``, ``gender``,
        ``round_id``).
    elements : list of str
        Element hash columns.
    """
    columns = [*elements, "birth_year", "gender", "round_id"]

    def counts(frame: pd.DataFrame) -> dict[str, pd.Series]:
        return {c: frame[c].dropna().value_counts() for c in columns}

    return u_from_frequencies(counts(lf), counts(rf), elements)
