"""Catalogue cases for hostile or broken files (issue #18): bounded in time and memory.

YAML alias bombs, over-large and deeply nested YAML, duplicate keys, binary garbage and files
of another kind under a ``.csv`` name, 50,000 columns, over-long fields, NFD-normalised text,
``GMT+1`` / ``UTC+01:00`` offsets, and one cause failing in every row (errors by cause).
"""

from __future__ import annotations

import io
import random
import unicodedata

import pandas as pd

from bad_inputs.catalogue import Case
from bad_inputs.catalogue_ingest import (
    BASELINE,
    RESULT,
    SUBMITTED,
    validate,
)
from bad_inputs.workspace import (
    CliOutcome,
    Workspace,
    edit_yaml,
    read_rows,
    replace_in_line,
    set_cells,
    set_column,
    write_rows,
)

MAPPING = "mapping_belong_sv.yaml"
OCCUPATION = "Inom vilket yrkesområde vill du arbeta?"
GENDER = "Kön"


def _append(path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# ------------------------------------------------------------------ YAML


def alias_bomb(ws: Workspace) -> list[str]:
    """A 'billion laughs' alias bomb: nine levels of nine aliases each (9⁹ values)."""
    lines = ["lol0: &lol0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    _append(ws.config(), "\n".join(lines) + "\n")
    return validate(ws)


def huge_yaml(ws: Workspace) -> list[str]:
    """A mapping file of 6 MB (a data export pasted into it)."""
    _append(ws.study() / MAPPING, "# " + "x" * (6 * 1024 * 1024) + "\n")
    return validate(ws)


def duplicate_study_key(ws: Workspace) -> list[str]:
    """The section ``study:`` written twice in the study file (the second silently won)."""
    _append(ws.config(), "study:\n  name: Another study\n  design: programme\n")
    return validate(ws)


def duplicate_mapping_key(ws: Workspace) -> list[str]:
    """The header 'Kön' mapped twice under columns.all of the mapping."""
    path = ws.study() / MAPPING
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == f'"{GENDER}": gender')
    lines.insert(at + 1, f'    "{GENDER}": not_a_field\n')
    path.write_text("".join(lines), encoding="utf-8")
    return validate(ws)


def recursive_alias(ws: Workspace) -> list[str]:
    """An alias inside the value it refers to (``&loop [*loop]``)."""
    _append(ws.config(), "loop: &loop [1, *loop]\n")
    return validate(ws)


def deep_yaml(ws: Workspace) -> list[str]:
    """A value nested 2,000 lists deep."""
    _append(ws.config(), "deep: " + "[" * 2000 + "]" * 2000 + "\n")
    return validate(ws)


def binary_study_file(ws: Workspace) -> list[str]:
    """A PNG image saved as study.yaml."""
    ws.config().write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(512))
    return validate(ws)


def nul_in_yaml(ws: Workspace) -> list[str]:
    """A NUL character inside the study file (a broken save)."""
    _append(ws.config(), "note: a\x00b\n")
    return validate(ws)


def duplicate_definition_key(ws: Workspace) -> list[str]:
    """An indicator definitions file with the key ``id`` twice in one definition."""
    path = ws.file("definitions.yaml", "indicators:\n  - id: a\n    id: b\n")
    return ["indicators", ws.panel(), "--out", ws.out / "indicators.csv", "--definitions", path]


# ------------------------------------------------------------------ CSV


def fifty_thousand_columns(ws: Workspace) -> list[str]:
    """A result export with 50,000 columns."""
    header = [f"q{i}" for i in range(50_000)]
    write_rows(ws.raw(RESULT), header, [["1"] * 50_000] * 3, encoding="utf-8")
    return validate(ws)


def wide_workbook(ws: Workspace) -> list[str]:
    """A baseline workbook with 6,000 columns (a pivoted export)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Blad1"
    book.active.append([f"q{i}" for i in range(6_000)])
    book.active.append(["1"] * 6_000)
    book.save(ws.study() / "raw" / "baslinje.xlsx")
    edit_yaml(ws.config(), lambda doc: doc["inputs"].__setitem__("baseline", "raw/baslinje.xlsx"))
    return validate(ws)


def workbook_zip_bomb(ws: Workspace) -> list[str]:
    """A baseline "workbook" whose sheet unpacks to 150 MB from a few hundred kB (zip bomb)."""
    import zipfile

    path = ws.study() / "raw" / "baslinje.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * 1024**2
            for _ in range(150):
                sheet.write(block)
    edit_yaml(ws.config(), lambda doc: doc["inputs"].__setitem__("baseline", "raw/baslinje.xlsx"))
    return validate(ws)


def overlong_field(ws: Workspace) -> list[str]:
    """A free-text answer of 1.1 million characters in row 3 (beyond the field limit)."""
    set_cells(ws.raw(BASELINE), OCCUPATION, {3: "x" * 1_100_000})
    return validate(ws)


def long_field(ws: Workspace) -> list[str]:
    """A free-text answer of 200,000 characters (beyond the csv module's default limit)."""
    set_cells(ws.raw(BASELINE), OCCUPATION, {3: "y" * 200_000})
    return [*validate(ws), "--keep-identifying"]


def _check_long_field(ws: Workspace, outcome: CliOutcome) -> None:
    frame = pd.read_parquet(ws.out / "baseline.parquet")
    assert frame["occupation_field"].iloc[2] == "y" * 200_000


def unclosed_quote(ws: Workspace) -> list[str]:
    """A quote opened in row 118's free-text answer and never closed (it swallows the rest)."""
    replace_in_line(ws.raw(BASELINE), 118, b";", b';"')
    return validate(ws)


def nul_late_in_file(ws: Workspace) -> list[str]:
    """A NUL byte in row 100 of an otherwise good export (binary data pasted in)."""
    replace_in_line(ws.raw(BASELINE), 100, b";", b";\x00")
    return validate(ws)


def binary_garbage(ws: Workspace) -> list[str]:
    """The result export replaced by 4 kB of random bytes."""
    ws.raw(RESULT).write_bytes(b"Svars-ID;" + random.Random(7).randbytes(4096))
    return validate(ws)


def workbook_as_csv(ws: Workspace) -> list[str]:
    """An Excel workbook saved under the name resultat.csv."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Svars-ID", "Omgång"])
    buffer = io.BytesIO()
    book.save(buffer)
    ws.raw(RESULT).write_bytes(buffer.getvalue())
    return validate(ws)


def pdf_as_csv(ws: Workspace) -> list[str]:
    """A PDF document saved under the name resultat.csv."""
    ws.raw(RESULT).write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    return validate(ws)


def whitespace_only(ws: Workspace) -> list[str]:
    """The result export holds only spaces, tabs and line breaks."""
    ws.raw(RESULT).write_bytes(b"   \r\n\t\r\n  \r\n")
    return validate(ws)


def utf16_without_bom(ws: Workspace) -> list[str]:
    """The export saved as UTF-16 without a byte-order mark."""
    path = ws.raw(BASELINE)
    path.write_bytes(path.read_bytes().decode("cp1252").encode("utf-16-le"))
    return validate(ws)


def _day_first(row: int, old: str) -> str:
    date, _, time = old.partition(" ")
    year, month, day = date.split("-")
    return f"{day}/{month}/{year} {time}"


def every_row_day_first(ws: Workspace) -> list[str]:
    """Every submission time written day first ('13/02/2023 14:31'): one cause, every row."""
    set_column(ws.raw(BASELINE), SUBMITTED, _day_first)
    return validate(ws)


def run_every_row_day_first(ws: Workspace) -> list[str]:
    """``impact run`` on the same export: the same grouped message and problem table."""
    set_column(ws.raw(BASELINE), SUBMITTED, _day_first)
    return ["run", ws.config(), "--out", ws.out, "--no-render"]


def declared_date_format(ws: Workspace) -> list[str]:
    """Every submission time day first, and the mapping declares date_format accordingly."""
    set_column(ws.raw(BASELINE), SUBMITTED, _day_first)
    _append(ws.study() / MAPPING, 'date_format: "%d/%m/%Y %H:%M"\n')
    return validate(ws)


def _check_declared(ws: Workspace, outcome: CliOutcome) -> None:
    header, rows = read_rows(ws.clean.programme / "raw" / BASELINE)
    first = rows[0][header.index(SUBMITTED)]
    frame = pd.read_parquet(ws.out / "baseline.parquet")
    assert frame["submitted_at"].iloc[0] == pd.Timestamp(first)


def bad_date_format(ws: Workspace) -> list[str]:
    """The mapping declares a date format without strptime codes ('dd/mm/yyyy')."""
    _append(ws.study() / MAPPING, "date_format: dd/mm/yyyy\n")
    return validate(ws)


# ------------------------------------------------------------------ Unicode and time zones


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfd_exports(ws: Workspace) -> list[str]:
    """Headers and answers in NFD (a + combining ring), saved as UTF-8 (as macOS tools do)."""
    for name in (BASELINE, RESULT):
        header, rows = read_rows(ws.raw(name))
        write_rows(
            ws.raw(name),
            [_nfd(h) for h in header],
            [[_nfd(c) for c in row] for row in rows],
            encoding="utf-8",
        )
    return validate(ws)


def nfd_mapping(ws: Workspace) -> list[str]:
    """The mapping file's headers and labels in NFD, the exports in NFC."""
    path = ws.study() / MAPPING
    path.write_text(_nfd(path.read_text(encoding="utf-8")), encoding="utf-8")
    return validate(ws)


def _check_nfd(ws: Workspace, outcome: CliOutcome) -> None:
    assert "All files are valid" in outcome.stdout
    frame = pd.read_parquet(ws.out / "baseline.parquet")
    assert set(frame["gender"].dropna()) <= {"woman", "man", "other", "not_stated"}
    assert frame["education_level"].notna().all()


OFFSETS = {
    1: "2023-02-13 16:06 GMT+1",
    2: "2023-02-13 16:06 UTC+01:00",
    3: "2023-02-13 16:06 UTC-03:00",
    4: "2023-02-13 16:06 GMT-2",
}


def gmt_offsets(ws: Workspace) -> list[str]:
    """Submission times with offsets written GMT+1, UTC+01:00, UTC-03:00 and GMT-2."""
    set_cells(ws.raw(BASELINE), SUBMITTED, OFFSETS)
    return validate(ws)


def _check_offsets(ws: Workspace, outcome: CliOutcome) -> None:
    frame = pd.read_parquet(ws.out / "baseline.parquet")
    got = [str(frame["submitted_at"].iloc[i]) for i in range(4)]
    # one hour AHEAD of UTC is 15:06 UTC (POSIX Etc/GMT+1 would wrongly give 17:06)
    assert got == [
        "2023-02-13 15:06:00",
        "2023-02-13 15:06:00",
        "2023-02-13 19:06:00",
        "2023-02-13 18:06:00",
    ], got


CASES = [
    Case(
        "yaml-alias-bomb",
        "config",
        "a YAML alias bomb ('billion laughs') in the study file",
        alias_bomb,
        expect=("study.yaml", "200,000 values", "alias bomb"),
        fix="write the values out instead of nesting aliases of aliases",
    ),
    Case(
        "yaml-too-large",
        "config",
        "a mapping file of 6 MB",
        huge_yaml,
        expect=(MAPPING, "6.0 MB", "at most 5 MB"),
        fix="check that this is the mapping file (they are a few kB)",
    ),
    Case(
        "yaml-duplicate-section",
        "config",
        "the section study: written twice in the study file",
        duplicate_study_key,
        expect=("study.yaml", "column 'study'", "'study' is on line 1 and line"),
        fix="delete one of the two lines, or merge their values under one key",
    ),
    Case(
        "yaml-duplicate-mapping-key",
        "config",
        "a header mapped twice in the mapping file",
        duplicate_mapping_key,
        expect=(MAPPING, f"column '{GENDER}'", f"each key once in a mapping; '{GENDER}' is on"),
        fix="delete one of the two lines, or merge their values under one key",
    ),
    Case(
        "yaml-recursive-alias",
        "config",
        "an alias inside the value it refers to",
        recursive_alias,
        expect=("study.yaml", "recursive alias"),
        fix="write the value out instead of referring to itself",
    ),
    Case(
        "yaml-nested-too-deeply",
        "config",
        "a value nested 2,000 lists deep",
        deep_yaml,
        expect=("study.yaml", "nested too deeply", "a few hundred levels"),
        fix="check that this is the right file",
    ),
    Case(
        "yaml-binary-study-file",
        "config",
        "a PNG image saved as study.yaml",
        binary_study_file,
        expect=("study.yaml", "a UTF-8 text file", "at byte 0"),
        fix="save the file again as UTF-8 text",
    ),
    Case(
        "yaml-nul-character",
        "config",
        "a NUL character in the study file",
        nul_in_yaml,
        expect=("study.yaml", "#x0000"),
        fix="check that this is the study config, saved as UTF-8 text",
    ),
    Case(
        "yaml-duplicate-definition-key",
        "indicators",
        "an indicator definition with the key id twice",
        duplicate_definition_key,
        expect=("definitions.yaml", "row 3", "'id' is on line 2 and line 3"),
        fix="delete one of the two lines",
    ),
    Case(
        "csv-50000-columns",
        "ingest",
        "a result export with 50,000 columns",
        fifty_thousand_columns,
        expect=(RESULT, "50,000 columns", "at most 5,000 columns", "delimiter ';'"),
        fix="check the delimiter and that this is a survey export",
    ),
    Case(
        "xlsx-6000-columns",
        "ingest",
        "a baseline workbook with 6,000 columns",
        wide_workbook,
        expect=("baslinje.xlsx", "6,000 columns", "at most 5,000 columns (in sheet 'Blad1')"),
        fix="remove unused columns (or split the export) before exporting again",
    ),
    Case(
        "xlsx-zip-bomb",
        "ingest",
        "a workbook whose sheet unpacks to 150 MB from a few hundred kB (a zip bomb)",
        workbook_zip_bomb,
        expect=("baslinje.xlsx", "150 MB unpacked from", "a workbook that unpacks to at most 4 GB"),
        fix="export the answers again from the survey tool, as CSV for a large survey",
    ),
    Case(
        "csv-overlong-field",
        "ingest",
        "a field of 1.1 million characters (beyond the field limit)",
        overlong_field,
        expect=(BASELINE, "row 3", "fields of at most 1,000,000 characters"),
        fix='look for a quote (") that is opened but never closed before this row',
    ),
    Case(
        "csv-long-field",
        "ingest",
        "a free-text answer of 200,000 characters (the csv module's default limit is 131,072)",
        long_field,
        exit_code=0,
        fallback="read in full (fields up to 1,000,000 characters are accepted)",
        check=_check_long_field,
    ),
    Case(
        "csv-unclosed-quote",
        "ingest",
        "a quote opened in row 118 and never closed (the rest of the file would be one field)",
        unclosed_quote,
        expect=(BASELINE, "row 118", 'every quote (") closed'),
        fix='close the quote, write a quote inside a field as "", or remove it',
    ),
    Case(
        "csv-nul-in-row",
        "ingest",
        "a NUL byte in row 100 of an otherwise good export",
        nul_late_in_file,
        expect=(BASELINE, "row 100", "binary data"),
        fix="export the answers again from the survey tool",
    ),
    Case(
        "csv-binary-garbage",
        "ingest",
        "4 kB of random bytes under the name resultat.csv",
        binary_garbage,
        expect=(RESULT, "expected a text export", "binary data (NUL or control bytes)"),
        fix="export the answers again from the survey tool as CSV, XLSX or SPSS (.sav)",
    ),
    Case(
        "csv-is-a-workbook",
        "ingest",
        "an Excel workbook saved as resultat.csv",
        workbook_as_csv,
        expect=(RESULT, "expected a text export", "a ZIP archive (an .xlsx workbook is one)"),
        fix="give it the ending .xlsx in the study file",
    ),
    Case(
        "csv-is-a-pdf",
        "ingest",
        "a PDF document saved as resultat.csv",
        pdf_as_csv,
        expect=(RESULT, "a PDF document", "a text export (CSV)"),
        fix="export the answers again from the survey tool",
    ),
    Case(
        "csv-whitespace-only",
        "ingest",
        "the result export holds only spaces and line breaks",
        whitespace_only,
        expect=(RESULT, "the file is empty"),
        fix="export the answers again from the survey tool",
    ),
    Case(
        "csv-utf16-without-bom",
        "ingest",
        "the export saved as UTF-16 without a byte-order mark",
        utf16_without_bom,
        expect=(BASELINE, "without a byte-order mark", "NUL bytes between its characters"),
        fix="save it again as UTF-8 (in Excel: 'CSV UTF-8')",
    ),
    Case(
        "every-row-one-cause",
        "ingest",
        "every submission time written day first: one cause in every row (errors by cause)",
        every_row_day_first,
        expect=(
            BASELINE,
            "column 'Inskickat (→ submitted_at)'",
            "rows fail the same way (e.g. row 1: '13/02/2023",
            "more) — expected a date and time like 2024-03-01 14:30",
            "with 1 cause(s)",
        ),
        fix="declare date_format: '%d/%m/%Y %H:%M' in the mapping (it reads all of these values)",
    ),
    Case(
        "run-every-row-one-cause",
        "ingest",
        "impact run on an export whose submission times are all day first",
        run_every_row_day_first,
        expect=(
            BASELINE,
            "rows fail the same way (e.g. row 1: '13/02/2023",
            "impact-problems-study.csv",
        ),
        fix="declare date_format: '%d/%m/%Y %H:%M' in the mapping",
    ),
    Case(
        "declared-date-format",
        "ingest",
        "every submission time day first, with date_format: '%d/%m/%Y %H:%M' in the mapping",
        declared_date_format,
        exit_code=0,
        fallback="read with the declared format (ISO dates are still read too)",
        check=_check_declared,
    ),
    Case(
        "mapping-bad-date-format",
        "config",
        "the mapping's date_format has no strptime codes ('dd/mm/yyyy')",
        bad_date_format,
        expect=(MAPPING, "column 'date_format'", "no % directive found"),
        fix="write the export's format with strptime codes: %d day, %m month, %Y year",
    ),
    Case(
        "nfd-exports",
        "ingest",
        "headers and answers in Unicode NFD (as macOS tools write them), UTF-8",
        nfd_exports,
        exit_code=0,
        fallback="headers and cells are normalised to NFC, so they match the mapping",
        check=_check_nfd,
    ),
    Case(
        "nfd-mapping",
        "ingest",
        "the mapping's headers and labels in Unicode NFD",
        nfd_mapping,
        exit_code=0,
        fallback="the mapping's texts are normalised to NFC, so they match the exports",
        check=_check_nfd,
    ),
    Case(
        "gmt-offsets",
        "ingest",
        "submission times with offsets GMT+1, UTC+01:00, UTC-03:00, GMT-2",
        gmt_offsets,
        exit_code=0,
        fallback="read as ISO offsets: GMT+1 is one hour ahead of UTC (16:06 GMT+1 = 15:06 UTC)",
        check=_check_offsets,
    ),
]
