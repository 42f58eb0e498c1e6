"""The outputs of linking assembled from the waves' links: pairs, candidates, report rows.

:func:`impact.link.spine.link_to_spine` links the waves one after another; these functions turn
what it collected into the tables of :class:`impact.link.result.LinkResult` and
:class:`impact.link.report.LinkReport`.
"""

from __future__ import annotations

import pandas as pd

from impact.link.pairwise import WaveLink
from impact.link.records import WaveRecords
from impact.link.report import WAVE_COLUMNS

PAIR_OUTPUT_COLUMNS = [
    "wave",
    "spine_wave",
    "person_id",
    "record",
    "spine_record",
    "stage",
    "match_probability",
    "match_weight",
    "elements_differing",
]


def wave_row(w: str, spine_name: str, records: WaveRecords, n_kept: int, link: WaveLink) -> dict:
    """The link report's row of a linked wave."""
    pairs = link.pairs
    counts = pairs["stage"].value_counts() if len(pairs) else pd.Series(dtype=int)
    return {
        "wave": w,
        "role": f"linked to {spine_name}",
        "records": len(records.frame),
        "invalid_codes": records.invalid,
        "duplicates": len(records.frame) - n_kept,
        "linked_study_id": int(counts.get("study_id", 0)),
        "linked_exact": int(counts.get("exact", 0)),
        "linked_splink": int(counts.get("splink", 0)),
        "linked": len(pairs),
        "unmatched": n_kept - len(pairs),
        "ambiguous": link.ambiguous,
        "share_linked": len(pairs) / n_kept,
        "prior_match_probability": link.prior_lambda,
    }


def spine_rows(
    spine_wave: str,
    randomisation: pd.DataFrame | None,
    rand_records: WaveRecords | None,
    records: dict[str, WaveRecords],
    kept_records: dict[str, pd.DataFrame],
) -> list[dict]:
    """The link report's row of the spine (the randomisation list or the first wave)."""
    if rand_records is not None:
        return [_spine_row("rand", len(randomisation), rand_records.invalid)]
    first = records[spine_wave]
    duplicates = len(first.frame) - len(kept_records[spine_wave])
    return [_spine_row(spine_wave, len(first.frame), first.invalid, duplicates)]


def waves_table(rows: list[dict]) -> pd.DataFrame:
    """The link report's per-wave table with its column types."""
    table = pd.DataFrame(rows, columns=WAVE_COLUMNS)
    for col in WAVE_COLUMNS[
        WAVE_COLUMNS.index("linked_study_id") : WAVE_COLUMNS.index("share_linked")
    ]:
        table[col] = table[col].astype("Int64")
    table["share_linked"] = table["share_linked"].astype("Float64")
    table["prior_match_probability"] = table["prior_match_probability"].astype("Float64")
    return table


def _spine_row(wave: str, records: int, invalid: int, duplicates: int = 0) -> dict:
    """The spine's row: its counts; the link columns are missing."""
    counts = {"records": records, "invalid_codes": invalid, "duplicates": duplicates}
    return dict.fromkeys(WAVE_COLUMNS, pd.NA) | {"wave": wave, "role": "spine"} | counts


def finish_pairs(
    tables: list[pd.DataFrame],
    uid_person: pd.Series,
    record_of: pd.Series,
    spine: pd.DataFrame,
    elements: list[str],
) -> pd.DataFrame:
    pattern = [f"agree_{e.removeprefix('h_')}" for e in elements]
    columns = PAIR_OUTPUT_COLUMNS + pattern
    columns += ["birth_year_agreement", "gender_agreement", "round_agreement"]
    pairs = _with_records(tables, spine, record_of)
    if pairs is None:
        return pd.DataFrame(columns=columns)
    pairs["person_id"] = uid_person.loc[pairs["left_uid"]].to_numpy()
    out = pairs[columns].copy()
    for col in ("wave", "spine_wave", "person_id", "record", "spine_record", "stage"):
        out[col] = out[col].astype("string")
    return out


def finish_candidates(
    tables: list[pd.DataFrame], spine: pd.DataFrame, record_of: pd.Series, elements: list[str]
) -> pd.DataFrame:
    pattern = [f"agree_{e.removeprefix('h_')}" for e in elements]
    columns = [
        "wave",
        "spine_wave",
        "spine_record",
        "record",
        "match_probability",
        "match_weight",
        "elements_differing",
        *pattern,
        "birth_year_agreement",
        "gender_agreement",
        "round_agreement",
        "linked",
    ]
    cand = _with_records(tables, spine, record_of)
    return pd.DataFrame(columns=columns) if cand is None else cand[columns]


def _with_records(
    tables: list[pd.DataFrame], spine: pd.DataFrame, record_of: pd.Series
) -> pd.DataFrame | None:
    """The non-empty tables of pairs joined, with the spine wave and both records' pseudonyms;
    ``None`` when there is no pair."""
    tables = [t for t in tables if len(t)]
    if not tables:
        return None
    pairs = pd.concat(tables, ignore_index=True)
    origin = spine.set_index("uid")["origin_wave"]
    pairs["spine_wave"] = origin.loc[pairs["left_uid"]].to_numpy()
    pairs["spine_record"] = record_of.loc[pairs["left_uid"]].to_numpy()
    pairs["record"] = record_of.loc[pairs["right_uid"]].to_numpy()
    return pairs
