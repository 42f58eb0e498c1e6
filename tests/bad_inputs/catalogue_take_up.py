"""Catalogue cases for the take-up fields of the randomisation list (``impact validate``)."""

from __future__ import annotations

from bad_inputs.catalogue import Case
from bad_inputs.workspace import Workspace, edit_rows

UTF8 = {"encoding": "utf-8", "delimiter": ","}
LIST = "randomisation.csv"


def _validate_with(ws: Workspace, row: int, cells: dict[str, str]) -> list[str]:
    """Set take-up cells of one data row of the canonical randomisation list, then
    ``impact validate`` the randomised study."""

    def change(header: list[str], rows: list[list[str]]) -> None:
        for column, value in cells.items():
            rows[row - 1][header.index(column)] = value

    edit_rows(ws.canonical("randomisation"), change, **UTF8)
    return ["validate", ws.config("randomised"), "--out", ws.out]


def completed_not_started(ws: Workspace) -> list[str]:
    """Row 4 says the person completed the programme but never started it."""
    cells = {"started": "false", "completed": "true", "sessions_attended": "0", "left_month": ""}
    return _validate_with(ws, 4, cells)


def negative_sessions(ws: Workspace) -> list[str]:
    """Row 6 has a negative number of sessions attended."""
    return _validate_with(ws, 6, {"sessions_attended": "-3"})


def left_but_completed(ws: Workspace) -> list[str]:
    """Row 9 says the person completed the programme and left it early in month 2."""
    cells = {"started": "true", "completed": "true", "sessions_attended": "5", "left_month": "2"}
    return _validate_with(ws, 9, cells)


CASES = [
    Case(
        "take-up-completed-not-started",
        "ingest",
        "randomisation list: completed true while started is false",
        completed_not_started,
        expect=(LIST, "row 4", "completed", "only for people who started"),
        fix="set started to true if the person took part",
    ),
    Case(
        "take-up-negative-sessions",
        "ingest",
        "randomisation list: a negative sessions_attended",
        negative_sessions,
        expect=(LIST, "row 6", "sessions_attended", "at least 0"),
        fix="correct the value in the export",
    ),
    Case(
        "take-up-left-but-completed",
        "ingest",
        "randomisation list: left_month given for a person who completed",
        left_but_completed,
        expect=(LIST, "row 9", "left_month", "completed is true"),
        fix="empty left_month if the person completed",
    ),
]
