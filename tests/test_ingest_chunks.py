"""A CSV export read in chunks gives exactly the table, problems and report of reading it whole.

Big CSV exports are read chunk by chunk (:mod:`impact.ingest.chunked`); the chunk size is a
parameter, so these tests read small files in chunks of 1, 3 and 50 rows and compare with
the whole-file path: the canonical table (values and dtypes), every problem (row, column,
value, expected, fix, in order), the validation summary and the answer and checkbox counts.
The bad-input catalogue's ingest cases are replayed with every CSV read in chunks of 2 rows.
"""

from __future__ import annotations

import pandas as pd
import pytest

import impact.ingest.csv_chunks as csv_chunks_module
import impact.ingest.single_file as single_file
import survey_exports as se
from bad_inputs.catalogue import all_cases
from bad_inputs.workspace import Workspace, clean_studies, read_rows, write_rows
from impact.errors import InputError
from impact.ingest import load_mapping, validate_file, validate_study
from impact.ingest.chunked import typed_in_chunks
from impact.ingest.csv_chunks import NotStreamable, csv_chunks

BASELINE = "baslinje.csv"
RESULT = "resultat.csv"
OCCUPATION = "Inom vilket yrkesområde vill du arbeta?"
BIRTH_YEAR = "Födelseår"
SUBMITTED = "Inskickat"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return clean_studies(tmp_path_factory.mktemp("clean-studies"))


@pytest.fixture(scope="module")
def dirty(clean, tmp_path_factory):
    """A baseline export with problems spread over the file (so over many chunks)."""
    ws = Workspace(tmp_path_factory.mktemp("dirty"), clean)
    path = ws.raw(BASELINE)
    header, rows = read_rows(path)
    occupation, birth, submitted = (header.index(h) for h in (OCCUPATION, BIRTH_YEAR, SUBMITTED))
    rows[2][occupation] = "Rymdpirat"  # an unknown answer label
    rows[9][birth] = "nittonhundra"  # not a number
    rows[10][birth] = "1850"  # out of range
    rows[17][submitted] = "14/03/2024"  # not a date
    rows[40][submitted] = "2024-13-45"
    rows[55][0] = rows[3][0]  # a response id twice, far apart
    rows[30] = rows[30] + ["extra", "fields"]  # too many fields
    rows.insert(20, [""] * len(header))  # a blank row
    header = header + [""]  # an unnamed column holding data only in a late row
    rows = [r + [""] if len(r) == len(header) - 1 else r for r in rows]
    rows[70][-1] = "stray note"
    write_rows(path, header, rows)
    return path, ws.study() / "mapping_belong_sv.yaml"


def _same_report(whole, chunked) -> None:
    assert chunked.problems == whole.problems
    assert chunked.summary() == whole.summary()
    pd.testing.assert_frame_equal(chunked.tidy(), whole.tidy())
    pd.testing.assert_frame_equal(chunked.answer_table(), whole.answer_table())
    pd.testing.assert_frame_equal(chunked.checkbox_table(), whole.checkbox_table())
    assert (chunked.data is None) == (whole.data is None)
    if whole.data is not None:
        for table, frame in whole.data.tables().items():
            pd.testing.assert_frame_equal(chunked.data.tables()[table], frame)


@pytest.mark.parametrize("chunk_rows", [1, 3, 50])
def test_problems_in_chunks_equal_the_whole_file(dirty, chunk_rows):
    path, mapping = dirty
    whole = validate_file(path, "baseline", mapping)
    kinds = {p.expected.split(";")[0][:40] for p in whole.problems}
    assert len(whole.problems) >= 8 and len(kinds) >= 5, whole.problems
    assert any(p.column == f"column {len(read_rows(path)[0])}" for p in whole.problems)
    _same_report(whole, validate_file(path, "baseline", mapping, chunk_rows=chunk_rows))


@pytest.mark.parametrize("chunk_rows", [1, 7])
@pytest.mark.parametrize("file, table", [(BASELINE, "baseline"), (RESULT, "result")])
def test_clean_table_in_chunks_equals_the_whole_file(clean, tmp_path, file, table, chunk_rows):
    ws = Workspace(tmp_path, clean)
    mapping = ws.study() / "mapping_belong_sv.yaml"
    whole = validate_file(ws.raw(file), table, mapping)
    assert whole.ok and len(whole.data.tables()[table]) > 50
    _same_report(whole, validate_file(ws.raw(file), table, mapping, chunk_rows=chunk_rows))


def test_the_chunked_path_reads_the_file_itself(dirty):
    """No silent fallback: an ordinary export is read in chunks, not whole."""
    path, mapping = dirty
    typed = typed_in_chunks(path, "baseline", load_mapping(mapping), None, chunk_rows=4)
    answers = [r for r in read_rows(path)[1] if any(c.strip() for c in r)]
    assert len(typed.frame) == len(answers) - 1  # the row with too many fields is left out
    assert typed.export is not None and typed.export.rows_read == len(typed.frame)


def test_big_csv_exports_are_read_in_chunks(clean, tmp_path, monkeypatch):
    ws = Workspace(tmp_path, clean)
    calls = []

    def spy(*args, **kwargs):
        calls.append(args[0])
        return typed_in_chunks(*args, **kwargs)

    monkeypatch.setattr(single_file, "typed_in_chunks", spy)
    mapping = ws.study() / "mapping_belong_sv.yaml"
    validate_file(ws.raw(BASELINE), "baseline", mapping)
    assert calls == []  # a small export is read whole
    monkeypatch.setattr(single_file, "CHUNKED_BYTES", 1000)
    report = validate_file(ws.raw(BASELINE), "baseline", mapping)
    assert calls == [ws.raw(BASELINE)] and report.ok


def test_what_the_stream_cannot_decide_is_read_whole(clean, tmp_path, monkeypatch):
    """A NUL past the head, and a last row inside an unclosed quote: the whole-file message."""
    ws = Workspace(tmp_path, clean)
    path = ws.raw(RESULT)
    header, rows = read_rows(path)
    rows = rows + [[f"copy{k}-{r[0]}", *r[1:]] for k in range(6) for r in rows]
    write_rows(path, header, rows)
    lines = path.read_bytes().split(b"\r\n")
    assert len(b"\r\n".join(lines[:400])) > 80_000  # past what refuse_binary inspects
    lines[400] = lines[400].replace(b";", b";\x00", 1)
    path.write_bytes(b"\r\n".join(lines))
    monkeypatch.setattr(csv_chunks_module, "HEAD_CHARS", 70_000)  # the NUL is past the head
    _, chunks = csv_chunks(path, chunk_rows=10)
    with pytest.raises(NotStreamable, match="NUL"):
        list(chunks)
    mapping = ws.study() / "mapping_belong_sv.yaml"
    whole = validate_file(path, "result", mapping)
    chunked = validate_file(path, "result", mapping, chunk_rows=10)
    assert chunked.problems == whole.problems
    assert whole.problems[0].row == 400 and "NUL character on line 401" in whole.problems[0].value
    lines[400] = lines[400].replace(b"\x00", b"")
    path.write_bytes(b"\r\n".join(lines).rstrip(b"\r\n") + b'\r\nR_x;"never closed\r\nmore\r\n')
    with pytest.raises(InputError) as error:
        single_file.read_table(path, "result", mapping, chunk_rows=10)
    problem = error.value.problems[0]
    assert problem.row == len(rows) + 1 and "quote" in problem.expected


def test_a_last_answer_over_several_lines_is_read_in_chunks(clean, tmp_path):
    """A quoted multi-line last answer is legitimate: read in chunks, no fallback."""
    ws = Workspace(tmp_path, clean)
    path = ws.raw(RESULT)
    header, rows = read_rows(path)
    rows[-1][0] = "first line\nsecond line"
    write_rows(path, header, rows)
    mapping = load_mapping(ws.study() / "mapping_belong_sv.yaml")
    typed = typed_in_chunks(path, "result", mapping, None, chunk_rows=10)
    assert typed.frame["response_id"].iloc[-1] == "first line\nsecond line"
    _same_report(
        validate_file(path, "result", mapping),
        validate_file(path, "result", mapping, chunk_rows=10),
    )


#: Ingest cases that read no CSV export in chunks (Excel, SPSS, missing files, mapping errors)
#: or repeat another case's file (``run`` of the every-row case, another count error).
NOT_CHUNKED = {
    "excel-merged-cells",
    "excel-missing-sheet",
    "excel-not-a-workbook",
    "spss-label-not-in-mapping",
    "unsupported-format",
    "missing-file",
    "empty-file",
    "xlsx-6000-columns",
    "csv-is-a-workbook",
    "csv-is-a-pdf",
    "run-every-row-one-cause",
    "fractional-count",
    "unknown-survey-tool",
    "checkbox-to-text-field",
}
CSV_CASES = [
    c for c in all_cases() if c.area == "ingest" and c.exit_code == 2 and c.id not in NOT_CHUNKED
]


@pytest.mark.parametrize("case", CSV_CASES, ids=[c.id for c in CSV_CASES])
def test_catalogue_cases_in_chunks(case, clean, tmp_path, monkeypatch):
    """Each CSV case of the bad-input catalogue: the same report with CSVs read in chunks."""
    ws = Workspace(tmp_path, clean)
    command, config = (str(a) for a in case.build(ws)[:2])
    assert command == "validate" and config.endswith("study.yaml")

    def report():
        try:
            return validate_study(config)
        except InputError as error:
            return str(error), error.problems

    whole = report()
    monkeypatch.setattr(single_file, "CHUNKED_BYTES", 1)
    monkeypatch.setattr(single_file, "CHUNK_ROWS", 2)
    chunked = report()
    if isinstance(whole, tuple):
        assert chunked == whole
    else:
        assert not whole.ok
        _same_report(whole, chunked)


#: The survey-tool layouts of tests/survey_exports.py written as CSV (the others are Excel,
#: SPSS or Stata files, always read whole).
CSV_LAYOUTS = [
    "canonical",
    "google_forms",
    "surveymonkey",
    "qualtrics_csv",
    "limesurvey",
    "kobo_csv",
    "typeform",
]


@pytest.mark.parametrize("layout", CSV_LAYOUTS)
def test_survey_tool_exports_in_chunks(layout, tmp_path, monkeypatch):
    """Tool recognised from the head, header rows, junk rows dropped, checkboxes and tool dates:
    the same in chunks of 3 rows (``source: auto``, so detection reads the stream too)."""
    config = se.write_layout(layout, tmp_path / layout, detect=True)
    whole = validate_study(config)
    assert whole.ok, whole.problems
    monkeypatch.setattr(single_file, "CHUNKED_BYTES", 1)
    monkeypatch.setattr(single_file, "CHUNK_ROWS", 3)
    read = []

    def spy(path, *args):
        read.append(typed_in_chunks(path, *args).export.rows_read)  # raises if read whole
        return typed_in_chunks(path, *args)

    monkeypatch.setattr(single_file, "typed_in_chunks", spy)
    _same_report(whole, validate_study(config))
    csv_files = [e.rows_read for e in whole.exports if e.source.endswith((".csv", ".txt"))]
    assert read and read == csv_files  # every CSV export read in chunks, none whole
