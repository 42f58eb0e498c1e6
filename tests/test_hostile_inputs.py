"""Hostile or broken files: clear errors, bounded in time and memory (issue #18, part 4).

The catalogue (tests/bad_inputs/catalogue_hostile.py) runs these through the command line;
these tests pin the library behaviour: YAML bounds, binary detection, column and field limits,
NFC normalisation and GMT/UTC offsets.
"""

from __future__ import annotations

import csv
import time
import unicodedata

import pandas as pd
import pytest

from impact.errors import InputError
from impact.ingest import bounds, yamlfile
from impact.ingest.convert import parse_value
from impact.ingest.readers import read_raw
from impact.ingest.text_guard import refuse_binary
from impact.ingest.unicode_text import nfc, nfc_strings
from impact.ingest.yamlfile import load_yaml


def _yaml(tmp_path, text: str):
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problem(error: pytest.ExceptionInfo):
    [problem] = error.value.problems
    return problem


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    path = _yaml(tmp_path, "\n".join(lines) + "\n")
    start = time.perf_counter()
    with pytest.raises(InputError, match="expands to too many values") as error:
        load_yaml(path, what="study config")
    assert time.perf_counter() - start < 2
    problem = _problem(error)
    assert problem.row == 6  # a5 is the first list past 200,000 values
    assert "alias bomb" in problem.expected and "aliases" in problem.fix


def test_ordinary_aliases_and_merge_keys_still_work(tmp_path):
    text = "base: &base {a: 1, b: 2}\ncopy: *base\nmerged:\n  <<: *base\n  b: 3\n"
    assert load_yaml(_yaml(tmp_path, text)) == {
        "base": {"a": 1, "b": 2},
        "copy": {"a": 1, "b": 2},
        "merged": {"a": 1, "b": 3},
    }


def test_duplicate_key_names_the_key_and_both_lines(tmp_path):
    path = _yaml(tmp_path, "values:\n  gender:\n    Kvinna: woman\n    Man: man\n    Kvinna: man\n")
    with pytest.raises(InputError, match="has the key 'Kvinna' twice") as error:
        load_yaml(path, what="mapping file")
    problem = _problem(error)
    assert (problem.row, problem.column) == (5, "Kvinna")
    assert problem.expected == "each key once in a mapping; 'Kvinna' is on line 3 and line 5"
    assert problem.fix.startswith("delete one of the two lines")


def test_same_key_in_different_mappings_and_types_is_allowed(tmp_path):
    path = _yaml(tmp_path, "a: {x: 1}\nb: {x: 2}\nc: {1: one, '1': text}\n")
    assert load_yaml(path) == {"a": {"x": 1}, "b": {"x": 2}, "c": {1: "one", "1": "text"}}


@pytest.mark.parametrize(
    ("text", "summary", "expected"),
    [
        ("a: &a [1, *a]\n", "recursive alias", "a recursive alias"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply", "a few hundred levels"),
        ("a: b\x00c\n", "not valid YAML", "#x0000"),
    ],
)
def test_other_hostile_yaml_is_one_clear_problem(tmp_path, text, summary, expected):
    with pytest.raises(InputError, match=summary) as error:
        load_yaml(_yaml(tmp_path, text))
    problem = _problem(error)
    assert expected in problem.expected and problem.fix


def test_over_large_yaml_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_YAML_BYTES", 1024 * 1024)
    path = _yaml(tmp_path, "a: " + "x" * (2 * 1024 * 1024) + "\n")
    with pytest.raises(InputError, match="is too large") as error:
        load_yaml(path, what="mapping file")
    problem = _problem(error)
    assert problem.value == "2.0 MB" and problem.expected == "a mapping file of at most 1 MB"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"PK\x03\x04rest-of-a-zip", "a ZIP archive"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\x1f\x8b\x08\x00", "a gzip-compressed file"),
        (b"$FL2@(#) SPSS", "an SPSS data file"),
    ],
)
def test_files_of_another_kind_are_named(data, named):
    with pytest.raises(InputError, match="is not a text export") as error:
        refuse_binary(data, "x.csv")
    problem = _problem(error)
    assert named in problem.value and problem.fix


def test_binary_garbage_names_the_row_of_the_first_control_byte():
    data = b"a;b\n1;2\n3;\x00\x01\x02" + bytes(range(256)) * 4
    with pytest.raises(InputError) as error:
        refuse_binary(data, "x.csv")
    problem = _problem(error)
    assert problem.row == 2 and "binary data" in problem.expected


def test_text_and_wide_text_pass_the_guard():
    refuse_binary("a;b\n1;ö\n".encode(), "x.csv")
    refuse_binary(b"a;b\n1;2\x1a", "x.csv")  # the DOS end-of-file mark
    refuse_binary("a;b\n1;2\n".encode("utf-16-le"), "x.csv")  # explained by the encoding module


def test_too_many_columns_is_refused_with_the_count(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_COLUMNS", 100)
    path = tmp_path / "wide.csv"
    path.write_text(";".join(f"q{i}" for i in range(150)) + "\n" + ";".join("1" * 150) + "\n")
    with pytest.raises(InputError, match="too many columns") as error:
        read_raw(path)
    problem = _problem(error)
    assert problem.value == "150 columns"
    assert problem.expected == "at most 100 columns (read with the delimiter ';')"


def test_long_fields_are_read_and_overlong_fields_name_their_row(tmp_path, monkeypatch):
    path = tmp_path / "long.csv"
    path.write_text(f"a;b\n1;{'x' * 200_000}\n2;y\n", encoding="utf-8")
    assert len(read_raw(path).frame.loc[1, "b"]) == 200_000
    monkeypatch.setattr(bounds, "MAX_FIELD_CHARS", 150_000)
    with pytest.raises(InputError, match="field that is too long") as error:
        read_raw(path)
    problem = _problem(error)
    assert problem.row == 1 and "never closed" in problem.fix
    assert csv.field_size_limit() == 131_072  # the module's limit is restored


def test_nfd_headers_and_cells_become_nfc(tmp_path):
    path = tmp_path / "nfd.csv"
    text = unicodedata.normalize("NFD", "Kön;Omgång\nKvinna;Vår\n")
    path.write_text(text, encoding="utf-8")
    frame = read_raw(path).frame
    assert list(frame.columns) == ["Kön", "Omgång"]
    assert frame.loc[1, "Omgång"] == "Vår"
    assert nfc_strings({unicodedata.normalize("NFD", "Kön"): ["å"]}) == {"Kön": ["å"]}
    assert nfc("plain") == "plain"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2023-02-13 16:06 GMT+1", "2023-02-13 15:06"),
        ("2023-02-13 16:06 UTC+01:00", "2023-02-13 15:06"),
        ("2023-02-13T16:06:00 UTC+0530", "2023-02-13 10:36"),
        ("2023-02-13 16:06 utc-3", "2023-02-13 19:06"),
        ("2023-02-13 16:06 GMT-03:30", "2023-02-13 19:36"),
        ("2023-02-13 16:06 UTC", "2023-02-13 16:06"),
        ("2023-02-13 16:06+01:00", "2023-02-13 15:06"),
    ],
)
def test_gmt_and_utc_offsets_mean_ahead_of_utc(text, utc):
    assert parse_value(text, "datetime") == pd.Timestamp(utc)


def test_too_many_columns_in_a_workbook_are_refused_before_rows_load(tmp_path, monkeypatch):
    import openpyxl

    monkeypatch.setattr(bounds, "MAX_COLUMNS", 100)
    book = openpyxl.Workbook()
    book.active.append([f"q{i}" for i in range(120)])
    book.active.append(["1"] * 120)
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(InputError, match="too many columns") as error:
        read_raw(tmp_path / "wide.xlsx")
    problem = _problem(error)
    assert problem.value == "120 columns"
    assert problem.expected == "at most 100 columns (in sheet 'Sheet')"


def test_unclosed_quote_is_named_but_multiline_answers_are_read(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a;b\n1;"two\nlines"\n2;ok\n', encoding="utf-8")
    assert read_raw(path).frame.loc[1, "b"] == "two\nlines"
    path.write_text('a;b\n1;ok\n2;"never closed\n3;x\n4;y\n', encoding="utf-8")
    with pytest.raises(InputError, match="quote that is never closed") as error:
        read_raw(path)
    problem = _problem(error)
    assert problem.row == 2 and 'write a quote inside a field as ""' in problem.fix


def test_nul_further_into_the_file_names_its_row(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(b"a;b\n" + b"1;2\n" * 30_000 + b"3;\x00\n")
    with pytest.raises(InputError, match="holds binary data") as error:
        read_raw(path)
    assert _problem(error).row == 30_001
