"""Detect respondents who answered the same wave twice and keep one answer.

Two records of one wave are duplicates when they carry the same ``study_id`` (randomised
studies), or the same normalised code, birth year and round (``round_id``; two different
people of a large study can share code and birth year, but hardly within one round). Of each
duplicate group the rule keeps **the most complete answer** (most answered fields), then
**the earlier** one (``submitted_at``), then the one earlier in the file; the others are
dropped from linking and from the panel and are listed in the link report (pseudonymised).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from impact.link.records import code_key

DUPLICATE_RULE = "keep the most complete answer, then the earliest submitted, then first in file"


@dataclass
class Deduplicated:
    """A wave without duplicates, and what was dropped.

    Attributes
    ----------
    kept : pandas.DataFrame
        The records kept (same columns as the input records).
    dropped : pandas.DataFrame
        One row per dropped record: ``dropped_record``, ``kept_record`` (pseudonymised ids),
        ``key`` (``study_id`` or ``code+birth_year+round``).
    """

    kept: pd.DataFrame
    dropped: pd.DataFrame


def _group_keys(records: pd.DataFrame) -> pd.Series:
    """Duplicate key per record: study id when known, else code hash + birth year + round."""
    by_code = code_key(records, gender=False)
    key = ("sid|" + records["study_id"]).fillna("code|" + by_code)
    return key


def resolve_duplicates(records: pd.DataFrame) -> Deduplicated:
    """Find duplicate answers within one wave and keep one per person.

    Parameters
    ----------
    records : pandas.DataFrame
        Linking records of one wave (see :class:`impact.link.records.WaveRecords`).

    Returns
    -------
    Deduplicated
        The kept records and the dropped ones, by :data:`DUPLICATE_RULE`.
    """
    key = _group_keys(records)
    order = pd.DataFrame(
        {
            "key": key,
            "completeness": records["completeness"],
            "submitted_at": records["submitted_at"],
            "position": range(len(records)),
        },
        index=records.index,
    )
    order = order.sort_values(
        ["key", "completeness", "submitted_at", "position"],
        ascending=[True, False, True, True],
        na_position="last",
    )
    keyed = order[order["key"].notna()]
    is_dup = keyed.duplicated("key", keep="first")
    dropped_idx = keyed.index[is_dup.to_numpy()]
    firsts = keyed[~is_dup.to_numpy()]
    first_of_key = pd.Series(firsts.index, index=firsts["key"].to_numpy())
    dropped = pd.DataFrame(
        {
            "dropped_record": records.loc[dropped_idx, "record"].to_numpy(),
            "kept_record": records.loc[
                first_of_key.loc[keyed.loc[dropped_idx, "key"]].to_numpy(), "record"
            ].to_numpy(),
            "key": [
                "study_id" if str(k).startswith("sid|") else "code+birth_year+round"
                for k in keyed.loc[dropped_idx, "key"]
            ],
        },
        columns=["dropped_record", "kept_record", "key"],
    )
    kept = records.drop(index=dropped_idx)
    return Deduplicated(kept=kept, dropped=dropped)
