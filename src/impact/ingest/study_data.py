"""What reading a study gives: the files read (:class:`SourceFile`), the clean canonical tables
(:class:`StudyData`) and every problem found (:class:`ValidationReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from impact.errors import DataError, InputError, Problem
from impact.ingest.adapters.checkbox import DECISIONS
from impact.ingest.adapters.export_report import ExportReport
from impact.ingest.schema import TABLES
from impact.results import Result

__all__ = ["SourceFile", "StudyData", "ValidationReport"]


@dataclass(frozen=True)
class SourceFile:
    """Provenance of one input file.

    Attributes
    ----------
    table : str
        The canonical table the file feeds.
    path : str
        The file's absolute path.
    sha256 : str or None
        SHA-256 of the file's bytes (None when the file could not be read).
    rows : int or None
        Data rows read (None when the file could not be read).
    problems : int
        Problems found in this file.
    """

    table: str
    path: str
    sha256: str | None
    rows: int | None
    problems: int


@dataclass
class StudyData:
    """The canonical tables of a study (None for tables the config does not name).

    Attributes
    ----------
    baseline, followup, result, randomisation, register_persons, register_months : DataFrame
        Clean, typed canonical tables (files of one table stacked in config order).
    sources : list of SourceFile
        Every input file with its SHA-256 hash, for provenance.
    mapping : str or None
        Name of the mapping used.
    """

    baseline: pd.DataFrame | None = None
    followup: pd.DataFrame | None = None
    result: pd.DataFrame | None = None
    randomisation: pd.DataFrame | None = None
    register_persons: pd.DataFrame | None = None
    register_months: pd.DataFrame | None = None
    sources: list[SourceFile] = field(default_factory=list)
    mapping: str | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{table: frame}`` for the tables that are present, in pipeline order."""
        return {t: getattr(self, t) for t in TABLES if getattr(self, t) is not None}

    def file_rows(self, table: str) -> list[tuple[str, pd.DataFrame]]:
        """``(file path, that file's rows)`` of one table, in the order they were stacked.

        A table stacked from several files is split back by the files' row counts; when the
        counts do not add up (tables built in code), the whole table comes back once, under
        the names of its files (or the table's name).
        """
        frame = getattr(self, table)
        if frame is None:
            return []
        sources = [s for s in self.sources if s.table == table]
        if not sources or sum(s.rows or 0 for s in sources) != len(frame):
            return [(", ".join(s.path for s in sources) or table, frame)]
        parts, start = [], 0
        for source in sources:
            rows = source.rows or 0
            parts.append((source.path, frame.iloc[start : start + rows]))
            start += rows
        return parts


@dataclass
class ValidationReport(Result):
    """Outcome of validating every file of a study.

    Attributes
    ----------
    files : list of SourceFile
        Every file with its row count, problem count and hash.
    problems : list of Problem
        Every problem in every file (empty when the study is valid).
    data : StudyData or None
        The canonical tables, when there are no problems.
    exports : list of ExportReport
        How each readable file was read: the survey tool (named or recognised, with a
        confidence), rows dropped per reason, checkbox answers decided per rule.
    """

    files: list[SourceFile]
    problems: list[Problem]
    data: StudyData | None = None
    title: str = "Input validation"
    exports: list[ExportReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def tidy(self) -> pd.DataFrame:
        """One row per problem: source, row, column, value, expected, fix, kind."""
        frame = InputError("", self.problems).to_frame()
        return frame.astype({"row": "Int64"})

    def file_table(self) -> pd.DataFrame:
        """One row per file: table, source, rows, problems, sha256."""
        columns = ["table", "source", "rows", "problems", "sha256"]
        records = [(f.table, f.path, f.rows, f.problems, f.sha256) for f in self.files]
        return pd.DataFrame(records, columns=columns).astype({"rows": "Int64", "problems": "Int64"})

    def checkbox_table(self) -> pd.DataFrame:
        """One row per file and checkbox field: rows decided by each rule."""
        records = [
            {"source": c.source, "question": c.question, "field": c.field, "rule": c.rule}
            | c.counts
            for e in self.exports
            for c in e.checkboxes
        ]
        columns = ["source", "question", "field", "rule", *DECISIONS]
        return pd.DataFrame(records, columns=columns)

    def answer_table(self) -> pd.DataFrame:
        """One row per file, coded field and canonical code: what the answers became."""
        records = [
            (e.source, a["header"], a["field"], code, count)
            for e in self.exports
            for a in e.answers
            for code, count in a["counts"].items()
        ]
        columns = ["source", "header", "field", "code", "rows"]
        return pd.DataFrame(records, columns=columns)

    def summary(self) -> str:
        """Per-file rows and problem counts, how each export was read, then the verdict."""
        lines = [self.title]
        for f in self.files:
            rows = "unreadable" if f.rows is None else f"{f.rows} rows"
            lines.append(f"  {f.table:<17} {f.path}: {rows}, {f.problems} problem(s)")
        for export in self.exports:
            lines += [f"  {line}" for line in export.describe()]
        lines.append("valid" if self.ok else f"{len(self.problems)} problem(s) in total")
        return "\n".join(lines)

    def raise_if_problems(self) -> None:
        """Raise one InputError listing every problem (does nothing when valid)."""
        if self.problems:
            n_files = len({p.source for p in self.problems})
            raise DataError(f"Input validation failed in {n_files} file(s)", self.problems)
