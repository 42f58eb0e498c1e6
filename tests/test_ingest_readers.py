"""Readers: CSV (delimiters, encodings, decimal comma), XLSX (title rows, sheets), SPSS .sav."""

from __future__ import annotations

import codecs

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from fixtures.ingest.support import csv_text, valid_rows, write_csv
from impact.errors import InputError
from impact.ingest import Mapping, read_raw, read_table

SV_MAPPING = Mapping(
    name="test_sv",
    language="sv",
    columns={
        "all": {"Svars-ID": "response_id", "Omgång": "round_id", "Kön": "gender"},
        "register_months": {"Löneinkomst": "wage_income"},
    },
    values={"gender": {"Kvinna": "woman", "Man": "man", "Vill inte uppge": "not_stated"}},
    booleans={"Ja": True, "Nej": False},
)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_delimiters_and_encodings(tmp_path, delimiter, encoding):
    rows = valid_rows("register_persons")
    rows[0]["county"] = "Västra Götaland, Öst"  # non-ASCII, and a comma inside a field
    path = write_csv(tmp_path / "p.csv", rows, delimiter=delimiter, encoding=encoding)
    raw = read_raw(path)
    assert raw.details["delimiter"] == delimiter
    assert raw.details["encoding"] == encoding
    assert list(raw.frame.columns) == list(rows[0])
    frame = read_table(path, "register_persons")
    assert frame.loc[0, "county"] == "Västra Götaland, Öst"
    assert len(frame) == 3


def test_header_with_commas_inside_quotes_still_detects_semicolon(tmp_path):
    text = '"Har du, just nu, arbete?";Svars-ID\nJa;1\nNej;2\n'
    (tmp_path / "q.csv").write_text(text, encoding="utf-8")
    raw = read_raw(tmp_path / "q.csv")
    assert raw.details["delimiter"] == ";"
    assert list(raw.frame.columns) == ["Har du, just nu, arbete?", "Svars-ID"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_decimal_comma(tmp_path, delimiter):
    rows = valid_rows("register_months")
    rows[0]["wage_income"] = "25 300,50"
    rows[1]["wage_income"] = "1234,5"
    rows[2]["wage_income"] = "0"
    path = write_csv(tmp_path / "m.csv", rows, delimiter=delimiter)
    frame = read_table(path, "register_months")
    assert frame["wage_income"].tolist() == [25300.5, 1234.5, 0.0]
    assert str(frame["wage_income"].dtype) == "Float64"


def test_decimal_comma_in_comma_delimited_file_needs_quotes(tmp_path):
    rows = valid_rows("baseline")
    rows[0]["years_in_sweden"] = "2,5"
    path = write_csv(tmp_path / "b.csv", rows, delimiter=",")  # csv module quotes "2,5"
    assert read_table(path, "baseline")["years_in_sweden"].iloc[0] == 2.5


def test_mixed_encodings_name_every_odd_row(tmp_path):
    head = "person_id;group;sex;birth_year;citizenship;county;education_level;"
    head += "immigration_period;employed_at_start\n"
    utf8 = [f"P{i};external;woman;1980;ASIA;Skåne;3;2015-2017;true\n" for i in range(4)]
    latin = "P9;external;woman;1980;ASIA;Västerbotten;3;2015-2017;true\n"
    data = head.encode() + "".join(utf8[:2]).encode("utf-8")
    data += latin.encode("cp1252") + "".join(utf8[2:]).encode("utf-8") + latin.encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_table(path, "register_persons")
    problems = info.value.problems
    assert [p.row for p in problems] == [3, 6]
    assert all(str(path) == p.source for p in problems)
    assert "Windows-1252" in problems[0].expected and "UTF-8" in problems[0].expected
    assert "one text encoding for the whole file" in problems[0].expected
    with pytest.raises(InputError, match="mixes text encodings"):
        read_raw(path)


def test_bytes_in_no_known_encoding(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"person_id;group\nP1;\x81\x8d\n")
    with pytest.raises(InputError, match="UTF-8 or Windows-1252") as info:
        read_raw(path)
    assert info.value.problems[0].row == 1


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_utf16_and_utf32_with_byte_order_mark_are_decoded(tmp_path, bom, codec, delimiter):
    # Excel's "Unicode text" export: UTF-16 LE with a byte-order mark, tab-separated, CRLF
    rows = valid_rows("register_persons")
    rows[0]["county"] = "Västra Götaland, Öst"
    text = csv_text(rows, delimiter).replace("\n", "\r\n")
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + text.encode(codec))
    raw = read_raw(path)
    assert raw.details == {"encoding": codec, "delimiter": delimiter}
    assert list(raw.frame.columns) == list(rows[0])
    frame = read_table(path, "register_persons")
    assert frame.loc[0, "county"] == "Västra Götaland, Öst"
    assert len(frame) == 3


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_without_byte_order_mark_is_one_clear_problem(tmp_path, codec):
    path = tmp_path / "b.csv"
    path.write_bytes(csv_text(valid_rows("baseline"), ";").encode(codec))
    with pytest.raises(InputError, match="UTF-16 or UTF-32") as info:
        read_table(path, "baseline")
    [problem] = info.value.problems
    assert problem.source == str(path)
    assert "save it again as UTF-8" in problem.fix


def test_broken_text_after_a_utf16_byte_order_mark(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "a;b\n1;2\n".encode("utf-16-le") + b"\x00")
    with pytest.raises(InputError, match="is not valid UTF-16") as info:
        read_raw(path)
    [problem] = info.value.problems
    assert "UTF-16 byte-order mark" in problem.expected and "UTF-8" in problem.fix


@pytest.mark.parametrize("content", [b";;;;\r\n", b";;;\n  ;  ;\n\n", b",,\n"])
def test_a_file_of_delimiters_only_has_no_header_line(tmp_path, content):
    path = tmp_path / "resultat.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="has no header line") as info:
        read_raw(path)
    [problem] = info.value.problems
    assert problem.source == str(path)
    assert "header line" in problem.expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"response_id;round_id\n", "no data"),
        (b"response_id;round_id\n\n;\n", "no data"),
    ],
)
def test_empty_and_header_only_files(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_table(path, "baseline")
    assert len(info.value.problems) == 1
    assert info.value.problems[0].source == str(path)


def test_missing_file_and_unsupported_format(tmp_path):
    with pytest.raises(InputError, match="not found") as info:
        read_table(tmp_path / "nope.csv", "baseline")
    assert "file not found" in info.value.problems[0].expected
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(InputError, match="unsupported format"):
        read_raw(tmp_path / "x.json")
    with pytest.raises(InputError, match="not a file"):
        read_raw(tmp_path)


def test_ragged_rows_and_duplicate_or_blank_headers(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a;b;a;\n1;2;3;\n1;2;3;4;5\n", encoding="utf-8")
    raw = read_raw(path)
    texts = [p.describe() for p in raw.problems]
    assert any("row 2" in t and "at most 4 fields" in t for t in texts)
    assert any("'a' is column 1 and column 3" in t for t in texts)
    assert list(raw.frame.columns) == ["a", "b"] and list(raw.frame.index) == [1]
    # a trailing empty column (delimiter at line end) is harmless
    path.write_text("a;b;\n1;2;\n", encoding="utf-8")
    assert list(read_raw(path).frame.columns) == ["a", "b"]
    assert read_raw(path).problems == []


def test_layout_problems_do_not_hide_other_problems(tmp_path):
    rows = valid_rows("register_months")
    rows[0]["wage_income"] = "-1"
    lines = csv_text(rows, ";").splitlines()
    lines[2] += ";surplus"
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "m.csv", "register_months")
    assert [(p.row, p.column) for p in info.value.problems] == [(1, "wage_income"), (2, None)]


def test_blank_lines_keep_row_numbers(tmp_path):
    rows = valid_rows("register_months")
    rows[2]["wage_income"] = "-5"
    text = csv_text(rows).splitlines()
    text.insert(2, "")  # a blank line between data rows 1 and 3
    (tmp_path / "m.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "m.csv", "register_months")
    assert [p.row for p in info.value.problems] == [4]


def _workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_title_rows_above_header_and_sheet_by_name(tmp_path):
    header = ["Svars-ID", "Omgång", "Kön", "month", "person_id", "employed", "Löneinkomst"]
    rows = [
        ["Registeruttag 2024", None, None],
        ["Skapad av SCB", None],
        [],
        header,
        ["1", "R01", "Kvinna", 0, "P1", "Ja", 12500.5],
        ["2", "R01", "Man", 1, "P1", "Nej", 0],
    ]
    path = _workbook(tmp_path / "reg.xlsx", {"Info": [["nothing here"]], "Månader": rows})
    raw = read_raw(path, sheet="Månader", known_headers=SV_MAPPING.known_headers("register_months"))
    assert raw.details == {"sheet": "Månader", "header_row": 4}
    assert list(raw.frame.index) == [1, 2]
    mapping = Mapping(
        name="m",
        columns={"register_months": {"Löneinkomst": "wage_income"}},
        booleans={"Ja": True, "Nej": False},
        ignore=["Svars-ID", "Omgång", "Kön"],
    )
    frame = read_table(path, "register_months", mapping=mapping, sheet="Månader")
    assert frame["wage_income"].tolist() == [12500.5, 0.0]
    assert frame["employed"].tolist() == [True, False]
    assert frame["month"].tolist() == [0, 1]


def test_xlsx_first_sheet_dates_and_errors(tmp_path):
    import datetime as dt

    rows = valid_rows("randomisation", n=2)
    header = list(rows[0])
    data = [[r[h] for h in header] for r in rows]
    data[0][header.index("randomised_on")] = dt.datetime(2023, 9, 1)
    data[0][header.index("birth_year")] = 1988  # a number cell
    path = _workbook(tmp_path / "rand.xlsx", {"Lista": [header, *data]})
    frame = read_table(path, "randomisation")
    assert frame["randomised_on"].iloc[0] == pd.Timestamp("2023-09-01")
    assert frame["birth_year"].tolist() == [1988, 1988]
    with pytest.raises(InputError, match="a sheet name among Lista") as info:
        read_table(path, "randomisation", sheet="List")
    assert "did you mean 'Lista'" in info.value.problems[0].expected
    empty = _workbook(tmp_path / "empty.xlsx", {"A": []})
    with pytest.raises(InputError, match="empty"):
        read_table(empty, "randomisation")
    header_only = _workbook(tmp_path / "h.xlsx", {"A": [["Titel"], header]})
    with pytest.raises(InputError, match="no data"):
        read_table(header_only, "randomisation")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(InputError, match="a readable .xlsx workbook"):
        read_table(broken, "randomisation")


def test_sav_value_labels_reach_the_mapping(tmp_path):
    df = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "omg": ["R01", "R01", "R02"],
            "kon": [1.0, 2.0, 9.0],
            "person_id": ["P1", "P2", "P3"],
            "month": [0.0, 0.0, 0.0],
            "employed": [1.0, 0.0, float("nan")],
            "wage_income": [100.0, 0.0, 25000.25],
        }
    )
    path = tmp_path / "m.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=["Svars-ID", "Omgång", "Kön", None, None, None, None],
        variable_value_labels={
            "kon": {1.0: "Kvinna", 2.0: "Man", 9.0: "Vill inte uppge"},
            "employed": {1.0: "Ja", 0.0: "Nej"},
        },
    )
    raw = read_raw(path, known_headers=SV_MAPPING.known_headers("register_months"))
    # variables named by their label when only the label is a known header
    assert list(raw.frame.columns)[:3] == ["Svars-ID", "Omgång", "Kön"]
    assert raw.frame["Kön"].tolist() == ["Kvinna", "Man", "Vill inte uppge"]
    assert raw.frame["employed"].tolist() == ["Ja", "Nej", ""]
    mapping = SV_MAPPING.model_copy(update={"ignore": ["Svars-ID", "Omgång", "Kön"]})
    frame = read_table(path, "register_months", mapping=mapping)
    assert frame["employed"].tolist()[:2] == [True, False]
    assert frame["employed"].isna().tolist() == [False, False, True]
    assert frame["wage_income"].tolist() == [100.0, 0.0, 25000.25]
    assert frame["month"].tolist() == [0, 0, 0]


def test_sav_without_rows_and_broken_sav(tmp_path):
    path = tmp_path / "e.sav"
    pyreadstat.write_sav(pd.DataFrame({"person_id": pd.Series([], dtype=object)}), str(path))
    with pytest.raises(InputError, match="no data"):
        read_raw(path)
    (tmp_path / "b.sav").write_bytes(b"garbage")
    with pytest.raises(InputError, match="could not be opened"):
        read_raw(tmp_path / "b.sav")
