"""Deterministic links: first on ``study_id``, then on the full code + birth year + gender
(+ ``round_id`` when the waves carry it: two people of a large study can share a code and a
birth year, hardly within one programme round).

A key links two records only when it is unique on both sides; a key shared by several records
on one side is *ambiguous* and those records are left to the probabilistic stage, where the
one-to-one assignment chooses between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from impact.link.records import code_key

PAIR_COLUMNS = ["left_uid", "right_uid", "stage"]


@dataclass
class ExactLinks:
    """Pairs linked deterministically.

    Attributes
    ----------
    pairs : pandas.DataFrame
        Columns ``left_uid``, ``right_uid``, ``stage`` (``study_id`` or ``exact``).
    ambiguous : int
        Records (either side) whose exact key was shared by several candidates.
    """

    pairs: pd.DataFrame
    ambiguous: int


def _unique_key_links(
    left: pd.DataFrame, right: pd.DataFrame, key_left: pd.Series, key_right: pd.Series, stage: str
) -> tuple[pd.DataFrame, int]:
    lk = pd.DataFrame({"key": key_left, "left_uid": left["uid"]}).dropna(subset=["key"])
    rk = pd.DataFrame({"key": key_right, "right_uid": right["uid"]}).dropna(subset=["key"])
    merged = lk.merge(rk, on="key", how="inner")
    if merged.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS), 0
    n_left = merged.groupby("key")["left_uid"].transform("nunique")
    n_right = merged.groupby("key")["right_uid"].transform("nunique")
    unique = (n_left == 1) & (n_right == 1)
    ambiguous_rows = merged[~unique]
    ambiguous = ambiguous_rows["left_uid"].nunique() + ambiguous_rows["right_uid"].nunique()
    pairs = merged.loc[unique, ["left_uid", "right_uid"]].assign(stage=stage)
    return pairs.reset_index(drop=True), int(ambiguous)


def exact_links(left: pd.DataFrame, right: pd.DataFrame) -> ExactLinks:
    """Link records deterministically, study id first.

    Parameters
    ----------
    left, right : pandas.DataFrame
        Deduplicated linking records (see :mod:`impact.link.records`).

    Returns
    -------
    ExactLinks
        The linked pairs (each record at most once) and the number of ambiguous records.
    """
    by_sid, amb_sid = _unique_key_links(
        left, right, left["study_id"], right["study_id"], "study_id"
    )
    rest_left = left[~left["uid"].isin(by_sid["left_uid"])]
    rest_right = right[~right["uid"].isin(by_sid["right_uid"])]

    by_code, amb_code = _unique_key_links(
        rest_left,
        rest_right,
        code_key(rest_left, gender=True),
        code_key(rest_right, gender=True),
        "exact",
    )
    pairs = pd.concat([by_sid, by_code], ignore_index=True)
    return ExactLinks(pairs=pairs[PAIR_COLUMNS], ambiguous=amb_sid + amb_code)
