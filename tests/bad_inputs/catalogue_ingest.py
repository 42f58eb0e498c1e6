"""Catalogue cases for reading and validating input files (``impact validate``)."""

from __future__ import annotations

import codecs
import shutil

import pandas as pd

from bad_inputs.catalogue import Case
from bad_inputs.workspace import (
    CliOutcome,
    Workspace,
    edit_rows,
    edit_yaml,
    read_rows,
    replace_in_line,
    set_cells,
    write_rows,
)

# Headers of the Swedish raw exports (data_schema/mappings/belong_sv.yaml)
ID = "Svars-ID"
ROUND = "Omgång"
SUBMITTED = "Inskickat"
CODE = "Din personliga kod"
BIRTH_YEAR = "Födelseår"
GENDER = "Kön"
EMPLOYMENT = "Har du ett betalt arbete just nu?"
INTERVIEWS = "Hur många arbetsintervjuer har du varit på de senaste tre månaderna?"
YEARS = "Hur många år har du bott i Sverige?"
EDUCATION = "Vilken är din högsta avslutade utbildning?"

BASELINE = "baslinje.csv"
RESULT = "resultat.csv"


def validate(ws: Workspace) -> list[str]:
    """``impact validate study.yaml --out OUT`` on the workspace's programme study."""
    return ["validate", ws.config(), "--out", ws.out]


def _point_baseline_to(ws: Workspace, relative: str, sheet: str | None = None) -> None:
    def change(doc: dict) -> None:
        doc["inputs"]["baseline"] = relative
        if sheet is not None:
            doc["inputs"]["sheets"] = {"baseline": sheet}

    edit_yaml(ws.config(), change)


def _baseline_frame(ws: Workspace) -> tuple[list[str], list[list[str]]]:
    return read_rows(ws.raw(BASELINE))


# ------------------------------------------------------------------ encodings and layout


def mixed_encodings(ws: Workspace) -> list[str]:
    """A UTF-8 row appended to a Windows-1252 export (two exports pasted together)."""
    header, rows = _baseline_frame(ws)
    path = ws.raw(BASELINE)
    extra = list(rows[0])
    extra[header.index(ID)] = "R_pastedFromOtherExport"
    line = ";".join(extra) + "\r\n"
    path.write_bytes(path.read_bytes() + line.encode("utf-8"))
    return validate(ws)


def unknown_encoding(ws: Workspace) -> list[str]:
    """A byte that is neither UTF-8 nor Windows-1252 (0x81) in data row 3."""
    replace_in_line(ws.raw(BASELINE), 3, b";R01;", b";R\x8101;")
    return validate(ws)


def utf16(ws: Workspace) -> list[str]:
    """The export saved as UTF-16 (Excel's 'Unicode text')."""
    path = ws.raw(BASELINE)
    text = path.read_bytes().decode("cp1252")
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    return validate(ws)


def _to_utf8_comma(ws: Workspace) -> None:
    header, rows = _baseline_frame(ws)
    write_rows(ws.raw(BASELINE), header, rows, encoding="utf-8", delimiter=",")


def comma_delimited(ws: Workspace) -> list[str]:
    """Comma instead of semicolon (decimal commas quoted, as Excel does)."""
    _to_utf8_comma(ws)
    return validate(ws)


def unquoted_decimal_comma(ws: Workspace) -> list[str]:
    """A comma-delimited export whose decimal commas are not quoted (row 2: '1,4' → 2 fields)."""
    header, rows = _baseline_frame(ws)
    j = header.index(YEARS)
    lines = [",".join(f'"{h}"' if "," in h else h for h in header)]
    for i, row in enumerate(rows, start=1):
        cells = [f'"{c}"' if "," in c else c for c in row]
        if i == 2:
            cells[j] = "3,5"
        lines.append(",".join(cells))
    ws.raw(BASELINE).write_bytes("\r\n".join(lines).encode("utf-8"))
    return validate(ws)


def decimal_comma(ws: Workspace) -> list[str]:
    """Decimal comma and a thousands space in a number ('2,5' years; '1 000'-style)."""
    set_cells(ws.raw(BASELINE), YEARS, {4: "2,5", 5: " 3,25 "})
    return validate(ws)


def _check_years(ws: Workspace, outcome: CliOutcome) -> None:
    frame = pd.read_parquet(ws.out / "baseline.parquet")
    assert float(frame["years_in_sweden"].iloc[3]) == 2.5
    assert float(frame["years_in_sweden"].iloc[4]) == 3.25


def bom(ws: Workspace) -> list[str]:
    """UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')."""
    path = ws.raw(BASELINE)
    text = path.read_bytes().decode("cp1252")
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    return validate(ws)


def _check_valid(ws: Workspace, outcome: CliOutcome) -> None:
    assert "All files are valid" in outcome.stdout
    assert (ws.out / "baseline.parquet").is_file()


def _write_xlsx(ws: Workspace, title_rows: int = 0, merge_round: bool = False) -> None:
    import openpyxl

    header, rows = _baseline_frame(ws)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    for t in range(title_rows):
        sheet.append([f"Export från enkätverktyget, rad {t + 1}"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge_round:
        column = header.index(ROUND) + 1
        first = title_rows + 2  # first data row in the sheet
        sheet.merge_cells(
            start_row=first, start_column=column, end_row=first + 3, end_column=column
        )
    book.save(ws.study() / "raw" / "baslinje.xlsx")
    _point_baseline_to(ws, "raw/baslinje.xlsx")


def excel_title_rows(ws: Workspace) -> list[str]:
    """An Excel export with two title rows above the header."""
    _write_xlsx(ws, title_rows=2)
    return validate(ws)


def excel_merged_cells(ws: Workspace) -> list[str]:
    """Merged cells: the round is typed once for rows 1–4 (the merged cells below are empty)."""
    _write_xlsx(ws, title_rows=1, merge_round=True)
    return validate(ws)


def excel_missing_sheet(ws: Workspace) -> list[str]:
    """``inputs.sheets`` names a sheet the workbook does not have."""
    _write_xlsx(ws)
    _point_baseline_to(ws, "raw/baslinje.xlsx", sheet="Blad9")
    return validate(ws)


def excel_not_a_workbook(ws: Workspace) -> list[str]:
    """A CSV file renamed to .xlsx."""
    shutil.copy(ws.raw(BASELINE), ws.study() / "raw" / "baslinje.xlsx")
    _point_baseline_to(ws, "raw/baslinje.xlsx")
    return validate(ws)


def spss_unmapped_label(ws: Workspace) -> list[str]:
    """An SPSS file whose value label 'Kvinnor' (for gender) is not in the mapping."""
    import pyreadstat

    header, rows = _baseline_frame(ws)
    frame = pd.DataFrame(rows, columns=header)
    names = {h: f"q{i}" for i, h in enumerate(header)}
    codes = {"Kvinna": 1, "Man": 2, "Annat": 3, "Vill inte uppge": 4}
    data = frame.rename(columns=names)
    data[names[GENDER]] = frame[GENDER].map(codes).astype(float)
    labels = {names[GENDER]: {1.0: "Kvinnor", 2.0: "Man", 3.0: "Annat", 4.0: "Vill inte uppge"}}
    pyreadstat.write_sav(
        data,
        str(ws.study() / "raw" / "baslinje.sav"),
        column_labels=list(header),
        variable_value_labels=labels,
    )
    _point_baseline_to(ws, "raw/baslinje.sav")
    return validate(ws)


def unknown_label(ws: Workspace) -> list[str]:
    """An answer label the mapping does not know ('Ja, timanställd' for employment, row 4)."""
    set_cells(ws.raw(BASELINE), EMPLOYMENT, {4: "Ja, timanställd"})
    return validate(ws)


def mixed_dates(ws: Workspace) -> list[str]:
    """Submission times in other formats in rows 2 and 5 (day/month/year, month name)."""
    set_cells(ws.raw(BASELINE), SUBMITTED, {2: "13/02/2023 16:06", 5: "Feb 15 2023"})
    return validate(ws)


def duplicate_response_id(ws: Workspace) -> list[str]:
    """Row 7 repeats row 3's response id."""
    header, rows = _baseline_frame(ws)
    set_cells(ws.raw(BASELINE), ID, {7: rows[2][header.index(ID)]})
    return validate(ws)


def missing_column(ws: Workspace) -> list[str]:
    """The linking-code column is missing from the baseline export."""

    def drop(header: list[str], rows: list[list[str]]):
        j = header.index(CODE)
        return header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows]

    edit_rows(ws.raw(BASELINE), drop)
    return validate(ws)


def unknown_column(ws: Workspace) -> list[str]:
    """An extra column the mapping does not know ('Favoritfärg')."""

    def add(header: list[str], rows: list[list[str]]):
        return header + ["Favoritfärg"], [r + ["blå"] for r in rows]

    edit_rows(ws.raw(BASELINE), add)
    return validate(ws)


def out_of_range(ws: Workspace) -> list[str]:
    """Birth year 1890 in row 6."""
    set_cells(ws.raw(BASELINE), BIRTH_YEAR, {6: "1890"})
    return validate(ws)


def negative_count(ws: Workspace) -> list[str]:
    """A negative number of job interviews in row 8."""
    set_cells(ws.raw(BASELINE), INTERVIEWS, {8: "-2"})
    return validate(ws)


def fractional_count(ws: Workspace) -> list[str]:
    """A fractional number of job interviews in row 9 ('2,5')."""
    set_cells(ws.raw(BASELINE), INTERVIEWS, {9: "2,5"})
    return validate(ws)


def text_in_number(ws: Workspace) -> list[str]:
    """Text in a number column (years in Sweden 'ungefär fem', row 12)."""
    set_cells(ws.raw(BASELINE), YEARS, {12: "ungefär fem"})
    return validate(ws)


def missing_required(ws: Workspace) -> list[str]:
    """The round is empty in row 11."""
    set_cells(ws.raw(BASELINE), ROUND, {11: ""})
    return validate(ws)


def ragged_row(ws: Workspace) -> list[str]:
    """Row 10 has more fields than there are headers."""

    def extend(header: list[str], rows: list[list[str]]) -> None:
        rows[9] += ["extra", "fält"]

    edit_rows(ws.raw(BASELINE), extend)
    return validate(ws)


def duplicate_header(ws: Workspace) -> list[str]:
    """Two columns are both headed 'Kön'."""

    def rename(header: list[str], rows: list[list[str]]) -> None:
        header[header.index(EDUCATION)] = GENDER

    edit_rows(ws.raw(BASELINE), rename)
    return validate(ws)


def blank_header(ws: Workspace) -> list[str]:
    """A column with data but no header."""

    def add(header: list[str], rows: list[list[str]]):
        return header + [""], [r + ["x"] for r in rows]

    edit_rows(ws.raw(BASELINE), add)
    return validate(ws)


def unsupported_format(ws: Workspace) -> list[str]:
    """The baseline is given as a .json file."""
    shutil.copy(ws.raw(BASELINE), ws.study() / "raw" / "baslinje.json")
    _point_baseline_to(ws, "raw/baslinje.json")
    return validate(ws)


def missing_file(ws: Workspace) -> list[str]:
    """The result file named in the study file does not exist."""
    edit_yaml(ws.config(), lambda doc: doc["inputs"].__setitem__("result", "raw/saknas.csv"))
    return validate(ws)


def empty_file(ws: Workspace) -> list[str]:
    """The result file is empty (0 bytes)."""
    ws.raw(RESULT).write_bytes(b"")
    return validate(ws)


def empty_wave(ws: Workspace) -> list[str]:
    """The result file has a header but no answers (an empty wave)."""
    header, _ = read_rows(ws.raw(RESULT))
    write_rows(ws.raw(RESULT), header, [])
    return validate(ws)


def blank_lines_only(ws: Workspace) -> list[str]:
    """The result file has a header followed only by empty lines."""
    header, _ = read_rows(ws.raw(RESULT))
    write_rows(ws.raw(RESULT), header, [[""] * len(header)] * 3)
    return validate(ws)


def delimiters_only(ws: Workspace) -> list[str]:
    """The result file holds only delimiters (an export of an empty sheet: ';;;')."""
    ws.raw(RESULT).write_bytes(b";;;;\r\n")
    return validate(ws)


CASES = [
    Case(
        "mixed-encodings",
        "ingest",
        "a UTF-8 row pasted into a Windows-1252 export",
        mixed_encodings,
        expect=("baslinje.csv", "row 123", "one text encoding"),
        fix="if two exports were pasted together, export once",
    ),
    Case(
        "unknown-encoding",
        "ingest",
        "a byte that is neither UTF-8 nor Windows-1252",
        unknown_encoding,
        expect=("baslinje.csv", "row 3", "UTF-8 or Windows-1252"),
        fix="save it again as UTF-8",
    ),
    Case(
        "utf16-export",
        "ingest",
        "the export saved as UTF-16 ('Unicode text')",
        utf16,
        exit_code=0,
        fallback="decoded as UTF-16 (the byte-order mark says so); the file is valid",
        check=_check_valid,
    ),
    Case(
        "comma-delimited",
        "ingest",
        "comma instead of semicolon as delimiter (decimal commas quoted)",
        comma_delimited,
        exit_code=0,
        fallback="the delimiter is detected; the file is valid",
        check=_check_valid,
    ),
    Case(
        "unquoted-decimal-comma",
        "ingest",
        "comma-delimited file with an unquoted decimal comma (one field too many)",
        unquoted_decimal_comma,
        expect=("baslinje.csv", "row 2", "fields, one per header"),
        fix="quote fields that hold the delimiter",
    ),
    Case(
        "decimal-comma",
        "ingest",
        "decimal comma and padding in a number ('2,5', ' 3,25 ')",
        decimal_comma,
        exit_code=0,
        fallback="read as 2.5 and 3.25",
        check=_check_years,
    ),
    Case(
        "utf8-bom",
        "ingest",
        "UTF-8 with a byte-order mark",
        bom,
        exit_code=0,
        fallback="the mark is removed; the file is valid",
        check=_check_valid,
    ),
    Case(
        "excel-title-rows",
        "ingest",
        "Excel export with two title rows above the header",
        excel_title_rows,
        exit_code=0,
        fallback="the header row is found (most known headers); the file is valid",
        check=_check_valid,
    ),
    Case(
        "excel-merged-cells",
        "ingest",
        "Excel merged cells: the round typed once for four rows",
        excel_merged_cells,
        expect=("baslinje.xlsx", "row 2", "round_id"),
        fix="unmerge merged cells and fill down",
    ),
    Case(
        "excel-missing-sheet",
        "ingest",
        "inputs.sheets names a sheet the workbook lacks",
        excel_missing_sheet,
        expect=("baslinje.xlsx", "Blad9", "Blad1"),
        fix="correct inputs.sheets in the study file",
    ),
    Case(
        "excel-not-a-workbook",
        "ingest",
        "a CSV file renamed to .xlsx",
        excel_not_a_workbook,
        expect=("baslinje.xlsx", "readable .xlsx workbook"),
        fix="give it the ending .csv in the study file",
    ),
    Case(
        "spss-label-not-in-mapping",
        "ingest",
        "SPSS value label 'Kvinnor' not in the mapping",
        spss_unmapped_label,
        expect=("baslinje.sav", "Kvinnor", "gender", "Kvinna"),
        fix="add the label with its code under values.gender in the mapping",
    ),
    Case(
        "unknown-answer-label",
        "ingest",
        "answer label 'Ja, timanställd' not in the mapping",
        unknown_label,
        expect=("baslinje.csv", "row 4", "employment", "Ja, timanställd", "Ja, heltid"),
        fix="add the label with its code under values.employment in the mapping",
    ),
    Case(
        "mixed-date-formats",
        "ingest",
        "submission times in other date formats in two rows",
        mixed_dates,
        expect=("baslinje.csv", "row 2", "row 5", "submitted_at", "13/02/2023 16:06"),
        fix="write dates and times as YYYY-MM-DD HH:MM (ISO 8601)",
    ),
    Case(
        "duplicate-response-id",
        "ingest",
        "two answers with the same response id",
        duplicate_response_id,
        expect=("baslinje.csv", "row 7", "row 3", "response_id"),
        fix="delete the repeated answer (a double submission)",
    ),
    Case(
        "missing-column",
        "ingest",
        "the linking-code column is missing",
        missing_column,
        expect=("baslinje.csv", "link_code"),
        fix="map a source header to it in the mapping's columns section",
    ),
    Case(
        "unknown-column",
        "ingest",
        "a column the mapping does not know",
        unknown_column,
        expect=("baslinje.csv", "Favoritfärg"),
        fix="map it or list it under ignore",
    ),
    Case(
        "birth-year-out-of-range",
        "ingest",
        "birth year 1890",
        out_of_range,
        expect=("baslinje.csv", "row 6", "birth_year", "1890", "1940"),
        fix="correct the value in the export (a typing error?)",
    ),
    Case(
        "negative-count",
        "ingest",
        "a negative number of job interviews",
        negative_count,
        expect=("baslinje.csv", "row 8", "interviews_3m", "-2"),
        fix="correct the value in the export (a typing error?)",
    ),
    Case(
        "fractional-count",
        "ingest",
        "a fractional number of job interviews ('2,5')",
        fractional_count,
        expect=("baslinje.csv", "row 9", "interviews_3m", "2,5"),
        fix="type a whole number (digits only)",
    ),
    Case(
        "text-in-number",
        "ingest",
        "text in a number column ('ungefär fem')",
        text_in_number,
        expect=("baslinje.csv", "row 12", "years_in_sweden", "ungefär fem"),
        fix="type a number (digits, with a decimal comma or point)",
    ),
    Case(
        "missing-required-value",
        "ingest",
        "the round is empty in one row",
        missing_required,
        expect=("baslinje.csv", "row 11", "round_id"),
        fix="fill in the value in every row",
    ),
    Case(
        "ragged-row",
        "ingest",
        "a row with more fields than headers",
        ragged_row,
        expect=("baslinje.csv", "row 10", "fields, one per header"),
        fix="quote fields that hold the delimiter",
    ),
    Case(
        "duplicate-header",
        "ingest",
        "two columns with the same header",
        duplicate_header,
        expect=("baslinje.csv", "Kön", "each header once"),
        fix="rename or delete one of the two columns",
    ),
    Case(
        "blank-header",
        "ingest",
        "a column with data but no header",
        blank_header,
        expect=("baslinje.csv", "a header for every column"),
        fix="type a header in the first line above this column",
    ),
    Case(
        "unsupported-format",
        "ingest",
        "the baseline given as .json",
        unsupported_format,
        expect=("baslinje.json", ".csv", ".xlsx"),
        fix="export the answers from the survey tool as CSV, XLSX or SPSS (.sav)",
    ),
    Case(
        "missing-file",
        "ingest",
        "the result file does not exist",
        missing_file,
        expect=("saknas.csv", "not found"),
        fix="check the path under inputs: in the study file",
    ),
    Case(
        "empty-file",
        "ingest",
        "the result file is empty (0 bytes)",
        empty_file,
        expect=("resultat.csv", "empty"),
        fix="export the answers again from the survey tool",
    ),
    Case(
        "empty-wave",
        "ingest",
        "the result wave has a header but no answers",
        empty_wave,
        expect=("resultat.csv", "no data"),
        fix="export the answers again, including the responses",
    ),
    Case(
        "blank-lines-only",
        "ingest",
        "the result wave has only blank lines below the header",
        blank_lines_only,
        expect=("resultat.csv", "no data"),
        fix="export the answers again, including the responses",
    ),
    Case(
        "delimiters-only",
        "ingest",
        "the result file holds only delimiters (';;;;')",
        delimiters_only,
        expect=("resultat.csv", "header"),
        fix="export the answers again with the question texts as the first line",
    ),
]
