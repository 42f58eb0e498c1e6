"""Check one wave's identifying columns and turn it into pseudonymised linking records.

This is the only place raw linking codes are read: each code is normalised
(:mod:`impact.ingest.codes`) and immediately replaced by keyed hashes of the whole code and
of each element (:mod:`impact.link.pseudonymise`). Everything downstream — duplicates, exact
links, Splink, assignment, the panel and the report — sees the hashes only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError, Problem
from impact.ingest.codes import CodeLayout, normalise_codes
from impact.link.pseudonymise import Pseudonymiser

logger = logging.getLogger(__name__)

InvalidCodes = Literal["unlinked", "error"]
GENDER_CODES = ("woman", "man", "other", "not_stated")
#: Above this share of unusable codes a wave is rejected whatever ``invalid_codes`` says: the
#: column or the code layout is almost certainly wrong.
MAX_UNUSABLE_SHARE = 0.5
#: How to fix a wave none of whose records links to the other waves.
NO_OVERLAP_FIX = (
    "Fix: check that inputs: names this study's exports and that linking.code_elements "
    "matches the code question of every wave"
)
_MAX_LISTED = 20


@dataclass
class WaveRecords:
    """The linking records of one wave.

    Attributes
    ----------
    wave : str
        Wave label (``b``, ``f1``, ``r``, ``rand`` …).
    frame : pandas.DataFrame
        One row per input row, indexed like the input. Columns: ``uid`` (internal id),
        ``record`` (pseudonymised response id), ``code_h`` and ``h_e1``… (keyed hashes of
        the normalised code and its elements; ``NA`` when the code is invalid), ``birth_year``
        (``Int64``), ``gender`` (as given), ``gender_m`` (gender for matching: ``not_stated``
        → ``NA``), ``study_id``, ``round_id``, ``submitted_at``, ``completeness`` (answered fields),
        ``code_valid``.
    invalid : int
        Number of records whose code is empty or invalid.
    """

    wave: str
    frame: pd.DataFrame
    invalid: int


def _problem_rows(wave: str, column: str, mask: pd.Series, reasons: pd.Series) -> list[Problem]:
    rows = [i + 1 for i, bad in enumerate(mask.tolist()) if bad]
    listed = reasons[mask].tolist()
    problems = [
        Problem(wave, f"a code laid out as expected ({reason})", row=row, column=column)
        for row, reason in zip(rows[:_MAX_LISTED], listed[:_MAX_LISTED], strict=True)
    ]
    if len(rows) > _MAX_LISTED:
        problems.append(
            Problem(wave, f"valid codes ({len(rows) - _MAX_LISTED} more rows)", column=column)
        )
    return problems


def check_columns(frame: pd.DataFrame, wave: str, required: tuple[str, ...]) -> None:
    """Raise :class:`InputError` naming the wave when it is empty or lacks a required column."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"Wave '{wave}' is not a table",
            [Problem(wave, "a pandas DataFrame", value=type(frame).__name__)],
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"Wave '{wave}' lacks columns needed for linking",
            [Problem(wave, "this column to be present", column=c) for c in missing],
        )
    if len(frame) == 0:
        raise InputError(
            f"Wave '{wave}' is empty",
            [Problem(wave, "at least one response", column="link_code")],
        )


def _birth_years(frame: pd.DataFrame, wave: str) -> pd.Series:
    raw = frame["birth_year"]
    years = pd.to_numeric(raw, errors="coerce")
    bad = years.isna() & raw.notna()
    bad |= years.notna() & (years != years.round())
    if bad.any():
        rows = [i + 1 for i, b in enumerate(bad.tolist()) if b][:_MAX_LISTED]
        raise InputError(
            f"Wave '{wave}': birth_year is not a whole number in some rows",
            [
                Problem(
                    wave,
                    "a birth year such as 1985",
                    row=r,
                    column="birth_year",
                    value=str(raw.iloc[r - 1]),
                )
                for r in rows
            ],
        )
    return years.round().astype("Int64")


def _genders(frame: pd.DataFrame, wave: str) -> pd.Series:
    gender = frame["gender"].astype("string")
    bad = gender.notna() & ~gender.isin(GENDER_CODES)
    if bad.any():
        rows = [i + 1 for i, b in enumerate(bad.tolist()) if b][:_MAX_LISTED]
        raise InputError(
            f"Wave '{wave}': unknown gender codes",
            [
                Problem(
                    wave,
                    f"one of {list(GENDER_CODES)}",
                    row=r,
                    column="gender",
                    value=str(gender.iloc[r - 1]),
                )
                for r in rows
            ],
        )
    return gender


def code_key(records: pd.DataFrame, *, gender: bool) -> pd.Series:
    """``code|birth year[|gender]|round`` per record (missing where the code is invalid).

    The duplicate rule uses it without the gender, the exact stage with it.
    """
    key = records["code_h"] + "|" + records["birth_year"].astype("string") + "|"
    if gender:
        key = key + records["gender"].astype("string") + "|"
    return (key + records["round_id"].fillna("")).where(records["code_valid"])


def make_records(
    frame: pd.DataFrame,
    wave: str,
    layout: CodeLayout,
    pseudonymiser: Pseudonymiser,
    *,
    invalid_codes: InvalidCodes = "unlinked",
    id_column: str | None = "response_id",
    name: str | None = None,
) -> WaveRecords:
    """Validate a wave and build its pseudonymised linking records.

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical wave table (or the randomisation list).
    wave : str
        Wave label used in messages and ids.
    layout : CodeLayout
        The code layout.
    pseudonymiser : Pseudonymiser
        Keyed hashing with the study secret.
    invalid_codes : {"unlinked", "error"}
        What to do with empty or invalid codes: keep the record as an unlinkable person
        (it can still link on ``study_id``), or raise :class:`InputError` listing every row.
    id_column : str or None
        Column identifying a record (``response_id``; ``study_id`` for the randomisation
        list); ``None`` uses the row number.

    Returns
    -------
    WaveRecords

    Raises
    ------
    InputError
        Missing columns, an empty wave, unusable codes, bad birth years or genders.
    AnalysisError
        Every code in the wave is identical.
    """
    name = name or wave
    required = ("link_code", "birth_year", "gender") + ((id_column,) if id_column else ())
    check_columns(frame, name, required)
    codes = normalise_codes(frame["link_code"], layout)
    has_study_id = "study_id" in frame.columns
    study_id = (
        frame["study_id"].astype("string")
        if has_study_id
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    invalid_mask = codes["code"].isna()
    _check_codes(codes, invalid_mask, study_id, name, layout, invalid_codes)
    out = _record_frame(frame, wave, name, layout, pseudonymiser, codes, id_column)
    out["study_id"] = study_id
    out["round_id"] = (
        frame["round_id"].astype("string")
        if "round_id" in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    out["submitted_at"] = (
        pd.to_datetime(frame["submitted_at"], errors="coerce")
        if "submitted_at" in frame.columns
        else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    )
    answers = frame.drop(columns=[c for c in ("link_code", id_column) if c], errors="ignore")
    out["completeness"] = answers.notna().sum(axis=1).astype("int64")
    out["code_valid"] = ~invalid_mask
    return WaveRecords(wave=wave, frame=out, invalid=int(invalid_mask.sum()))


def _check_codes(
    codes: pd.DataFrame,
    invalid_mask: pd.Series,
    study_id: pd.Series,
    name: str,
    layout: CodeLayout,
    invalid_codes: InvalidCodes,
) -> None:
    """Raise when a wave's codes are unusable; warn about the invalid codes kept."""
    unusable = invalid_mask & study_id.isna()
    n = len(codes)
    if invalid_mask.all() and not study_id.notna().any():
        raise InputError(
            f"Wave '{name}': no usable linking code in column 'link_code'",
            _problem_rows(name, "link_code", invalid_mask, codes["code_problem"]),
        )
    if unusable.sum() > MAX_UNUSABLE_SHARE * n:
        raise InputError(
            f"Wave '{name}': {int(unusable.sum())} of {n} codes in column 'link_code' are empty "
            f"or do not fit the layout {layout.describe()} — is it the right column and "
            "code layout (linking.code_elements)? Fix: map the code question to link_code in "
            "the mapping, or set linking.code_elements to the layout the questionnaire asks for",
            _problem_rows(name, "link_code", invalid_mask, codes["code_problem"]),
        )
    if invalid_codes == "error" and invalid_mask.any():
        raise InputError(
            f"Wave '{name}': empty or invalid linking codes in column 'link_code' (pass "
            "invalid_codes='unlinked' to keep these answers as unlinked records)",
            _problem_rows(name, "link_code", invalid_mask, codes["code_problem"]),
        )
    valid_codes = codes["code"].dropna()
    if len(valid_codes) >= 3 and valid_codes.nunique() == 1:
        raise AnalysisError(
            f"Wave '{name}': all {len(valid_codes)} codes in column 'link_code' are identical "
            "— codes cannot tell respondents apart (was a placeholder exported?). Fix: map the "
            "question holding each respondent's own code to link_code, and export it again"
        )
    if invalid_mask.any():
        logger.warning(
            "Wave '%s': %d empty or invalid linking code(s) kept as unlinkable records",
            name,
            int(invalid_mask.sum()),
        )


def _record_frame(
    frame: pd.DataFrame,
    wave: str,
    name: str,
    layout: CodeLayout,
    pseudonymiser: Pseudonymiser,
    codes: pd.DataFrame,
    id_column: str | None,
) -> pd.DataFrame:
    """The record ids, keyed hashes of the code and its elements, birth year and gender."""
    n = len(frame)
    out = pd.DataFrame(index=frame.index)
    out["uid"] = [f"{wave}:{i}" for i in range(n)]
    if id_column:
        ids = frame[id_column].astype("string")
    else:
        ids = pd.Series(np.arange(1, n + 1).astype(str), index=frame.index, dtype="string")
    # hash_column hashes each distinct value once (an element has few distinct values)
    out["record"] = pseudonymiser.hash_column(ids, f"record:{wave}")
    out["code_h"] = pseudonymiser.hash_column(codes["code"], "code")
    for i, element in enumerate(layout.names, start=1):
        out[f"h_{element}"] = pseudonymiser.hash_column(codes[element], f"element{i}")
    out["birth_year"] = _birth_years(frame, name)
    gender = _genders(frame, name)
    out["gender"] = gender
    out["gender_m"] = gender.where(gender != "not_stated")
    return out
