"""What a privacy scan found: :class:`Leak` and :class:`PrivacyReport` (the error raised on a
leak, :class:`~impact.errors.PrivacyError`, is in :mod:`impact.errors`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from impact.results import Result

LeakKind = Literal["raw_code", "response_id", "free_text", "small_count"]


@dataclass(frozen=True)
class Leak:
    """One place where an output would reveal something about a person.

    Attributes
    ----------
    file : str
        The file, relative to the scanned directory.
    kind : {"raw_code", "response_id", "free_text", "small_count"}
        What leaked.
    location : str
        Where in the file: ``line 12``, ``row 3, column 'n'``, ``page 2``, a JSON path.
    detail : str
        What was found, in words; never the forbidden value itself.
    """

    file: str
    kind: LeakKind
    location: str
    detail: str

    def describe(self) -> str:
        """One line: file, place, what."""
        return f"{self.file}, {self.location}: {self.detail}"


@dataclass
class PrivacyReport(Result):
    """What :func:`scan_outputs` looked at, every leak it found and every file it could not read.

    Attributes
    ----------
    roots : list of Path
        The scanned directories.
    scanned : list of str
        Files scanned (relative paths, prefixed by the root's name when several roots).
    unreadable : dict of str → str
        Files that could not be scanned and why (a damaged PDF, text that is not UTF-8, a file
        type impact does not publish …). Each one makes the scan fail: what cannot be read
        cannot be shown to be free of identifiers.
    leaks : list of Leak
        Every leak found.
    unchecked : int
        Forbidden values too short to be searched safely.
    threshold : int
        The small-count threshold used.
    """

    roots: list[Path]
    scanned: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    leaks: list[Leak] = field(default_factory=list)
    unchecked: int = 0
    threshold: int = 5
    title = "Privacy scan"

    @property
    def ok(self) -> bool:
        """True when nothing leaks and every file could be scanned."""
        return not self.leaks and not self.unreadable

    def tidy(self) -> pd.DataFrame:
        """One row per problem: file, kind, location, detail.

        Leaks have their kind (``raw_code`` …); files that could not be scanned have the kind
        ``unreadable`` and the reason as detail.
        """
        columns = ["file", "kind", "location", "detail"]
        rows = [vars(leak) for leak in self.leaks]
        rows += [
            {"file": name, "kind": "unreadable", "location": "", "detail": why}
            for name, why in self.unreadable.items()
        ]
        return pd.DataFrame(rows, columns=columns)

    def problems(self) -> list[str]:
        """One line per leak and per file that could not be scanned (never a forbidden value)."""
        lines = [leak.describe() for leak in self.leaks]
        lines += [f"{name}: could not be scanned — {why}" for name, why in self.unreadable.items()]
        return lines

    def summary(self) -> str:
        """Files scanned, leaks found, files that could not be scanned."""
        head = (
            f"{self.title}: {len(self.scanned)} file(s) scanned, {len(self.leaks)} leak(s), "
            f"{len(self.unreadable)} file(s) could not be scanned, "
            f"{self.unchecked} value(s) too short to check"
        )
        return "\n".join([head] + [f"  - {line}" for line in self.problems()])
