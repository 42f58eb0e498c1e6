"""Adapters in small pieces: checkbox rules, multi-select cells, header styles, dates,
detection, mapping checks and the messages a user sees."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.errors import InputError
from impact.ingest import load_mapping, validate_file
from impact.ingest.adapters import ADAPTERS, CheckboxQuestion, detect_source
from impact.ingest.adapters.checkbox import resolve_checkboxes
from impact.ingest.adapters.dates import to_iso
from impact.ingest.adapters.export import read_export
from impact.ingest.adapters.headers import parse_headers
from impact.ingest.mapping import Mapping
from impact.ingest.raw_table import HEADER_JOIN

Q = "What did you do? (tick all)"
OPTIONS = {"Internship": "got_internship", "Workplace visit": "visited_workplace"}


def _question(rule="question", **extra) -> CheckboxQuestion:
    return CheckboxQuestion(
        question=Q,
        options=OPTIONS,
        none=["None of these"],
        other=["Other"],
        blank_is_false_when=rule,
        **extra,
    )


def _resolve(headers, rows, question, adapter="limesurvey"):
    tool = ADAPTERS[adapter]
    columns = tool.parse_headers(headers, [question.question])
    frame = pd.DataFrame(rows, index=range(1, len(rows) + 1))
    frame.columns = range(len(headers))
    return resolve_checkboxes(frame, columns, [question], tool, "f.csv")


SPLIT = [f"{Q} [Internship]", f"{Q} [Workplace visit]", f"{Q} [None of these]", f"{Q} [Other]"]
SPLIT_ROWS = [
    ["Yes", "", "", ""],  # 1 ticked one option
    ["", "", "Yes", ""],  # 2 ticked "none of these"
    ["", "", "", "Mentor meetings"],  # 3 only an 'other' text
    ["", "", "", ""],  # 4 skipped the question
]


def test_blank_option_is_false_when_the_question_was_answered_and_missing_when_skipped():
    fields, consumed, counts, problems = _resolve(SPLIT, SPLIT_ROWS, _question())
    assert problems == [] and consumed == {0, 1, 2, 3}
    assert fields["got_internship"].tolist() == ["true", "false", "false", ""]
    assert fields["visited_workplace"].tolist() == ["false", "false", "false", ""]
    by_field = {c.field: c.counts for c in counts}
    assert by_field["got_internship"]["ticked"] == 1
    assert by_field["got_internship"]["question_answered"] == 2
    assert by_field["got_internship"]["skipped"] == 1
    assert by_field["visited_workplace"]["question_answered"] == 3


def test_page_rule_uses_the_other_questions_on_the_page_and_submitted_rule_never_misses():
    headers = [*SPLIT, "How satisfied are you?"]
    rows = [[*r, s] for r, s in zip(SPLIT_ROWS, ["5", "4", "", "3"], strict=True)]
    rule = _question("page", page=["How satisfied are you?"])
    fields, _, counts, _ = _resolve(headers, rows, rule)
    assert fields["got_internship"].tolist() == ["true", "false", "false", "false"]
    assert {c.field: c.counts["page_answered"] for c in counts}["got_internship"] == 1
    fields, _, counts, _ = _resolve(SPLIT, SPLIT_ROWS, _question("submitted"))
    assert fields["got_internship"].tolist() == ["true", "false", "false", "false"]
    assert counts[0].counts["submitted"] == 1 and counts[0].counts["skipped"] == 0


def test_a_zero_written_by_the_tool_is_false_whatever_the_rule():
    headers = [f"{Q}/Internship", f"{Q}/Workplace visit", Q]
    rows = [["1", "0", "Internship"], ["0", "0", "None of these"], ["", "", ""]]
    fields, consumed, counts, _ = _resolve(headers, rows, _question(), adapter="kobo")
    assert consumed == {0, 1, 2}  # the joined column is used up too
    assert fields["got_internship"].tolist() == ["true", "false", ""]
    assert fields["visited_workplace"].tolist() == ["false", "false", ""]
    assert {c.field: c.counts["tool_unticked"] for c in counts} == {
        "got_internship": 1,
        "visited_workplace": 2,
    }


@pytest.mark.parametrize(
    ("adapter", "cells"),
    [
        ("google_forms", ["Internship, Workplace visit", "None of these", "Mentors, a lot", ""]),
        ("microsoft_forms", ["Internship;Workplace visit;", "None of these;", "Mentors;", ""]),
    ],
)
def test_multi_select_in_one_cell(adapter, cells):
    question = _question()
    fields, _, counts, _ = _resolve([Q], [[c] for c in cells], question, adapter=adapter)
    assert fields["got_internship"].tolist() == ["true", "false", "false", ""]
    assert fields["visited_workplace"].tolist() == ["true", "false", "false", ""]
    assert counts[0].counts["skipped"] == 1


def test_labels_holding_the_separator_are_matched_whole():
    question = CheckboxQuestion(
        question=Q, options={"Yes, an internship": "got_internship", "Yes": "visited_workplace"}
    )
    fields, _, _, _ = _resolve([Q], [["Yes, an internship"], ["Yes"]], question, "google_forms")
    assert fields["got_internship"].tolist() == ["true", "false"]
    assert fields["visited_workplace"].tolist() == ["false", "true"]


def test_a_checkbox_question_missing_from_the_file_is_named():
    _, _, _, problems = _resolve(["Other question"], [["x"]], _question())
    assert len(problems) == 1
    assert problems[0].column == Q
    assert "no column has this question text" in problems[0].expected


@pytest.mark.parametrize(
    ("adapter", "headers", "expected"),
    [
        (
            "surveymonkey",
            [f"Respondent ID{HEADER_JOIN}", f"{Q}{HEADER_JOIN}Internship", f"{HEADER_JOIN}Other"],
            [("Respondent ID", None), (Q, "Internship"), (Q, "Other")],
        ),
        (
            "qualtrics",
            [
                f"ResponseId{HEADER_JOIN}Response ID{HEADER_JOIN}{{}}",
                f"Q5_1{HEADER_JOIN}{Q} - Internship{HEADER_JOIN}{{}}",
                f"Q5_2{HEADER_JOIN}{Q} - Other - Text{HEADER_JOIN}{{}}",
                f"Q6{HEADER_JOIN}Age - in years{HEADER_JOIN}{{}}",
            ],
            [
                ("Response ID", None),
                (Q, "Internship"),
                (Q, "Other - Text"),
                ("Age - in years", None),
            ],
        ),
        ("limesurvey", [f"{Q} [Internship]", "Age"], [(Q, "Internship"), ("Age", None)]),
        (
            "kobo",
            [Q, f"{Q}/Internship", "grp/age"],
            [(Q, None), (Q, "Internship"), ("grp/age", None)],
        ),
        (
            "netigate",
            [f"{Q} - Internship", "Age - years"],
            [(Q, "Internship"), ("Age - years", None)],
        ),
    ],
)
def test_each_header_style_tells_question_from_option(adapter, headers, expected):
    columns = parse_headers(ADAPTERS[adapter], headers, [Q])
    assert [(c.question, c.option) for c in columns] == expected


@pytest.mark.parametrize(
    ("text", "fmt", "iso"),
    [
        ("03/01/2024 02:30:05 PM", "us", "2024-03-01 14:30:05"),
        ("3/1/2024 14:30:05", "us", "2024-03-01 14:30:05"),
        ("2024/03/01 2:30:05 PM GMT+1", "us", "2024/03/01 2:30:05 PM GMT+1"),
        ("01.03.2024 14:30", "eu", "2024-03-01 14:30:00"),
        ("01/03/2024", "eu", "2024-03-01"),
        ("45352.604166667", "excel", "2024-03-01 14:30:00"),
        ("45352", "auto", "2024-03-01"),
        ("2024-03-01 14:30", "iso", "2024-03-01 14:30"),
        ("13/01/2024", "us", None),
        ("01/03/2024", "iso", None),
    ],
)
def test_dates_become_iso(text, fmt, iso):
    assert to_iso(text, fmt) == iso


def test_detection_names_the_columns_it_found_and_falls_back_to_generic():
    found = detect_source(["Respondent ID", "Collector ID", "Start Date", "End Date", "Kön"])
    assert found.adapter == "surveymonkey" and found.confidence == 1.0
    assert "'Respondent ID'" in found.describe() and "100% confidence" in found.describe()
    plain = detect_source(["Svars-ID", "Kön", "Status"])
    assert plain.adapter == "generic"
    assert "no survey tool" in plain.describe() or "too uncertain" in plain.describe()


def test_mapping_checks_source_and_checkbox_targets():
    bad = Mapping(
        name="m",
        source="qualtrix",
        checkboxes={
            "result": [
                CheckboxQuestion(question=Q, options={"Internship": "satisfaction"}),
                CheckboxQuestion(
                    question=Q, options={"Visit": "visited_workplace"}, blank_is_false_when="page"
                ),
            ]
        },
    )
    with pytest.raises(InputError) as info:
        load_mapping(bad)
    text = str(info.value)
    assert "column 'source': got 'qualtrix'" in text and "did you mean 'qualtrics'?" in text
    assert "checkboxes.result[0].options.Internship" in text
    assert "a true/false field of the result table" in text
    assert "checkboxes.result[1].page" in text and "other questions on the page" in text


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_a_date_in_the_wrong_format_names_row_column_format_and_fix(tmp_path):
    mapping = tmp_path / "m.yaml"
    _write(mapping, "name: m\nsource: surveymonkey\n")
    csv = "Respondent ID,End Date\n,\n1,03/01/2024 02:30:05 PM\n2,2024.03.01\n"
    path = _write(tmp_path / "f.csv", csv)
    raw, report = read_export(path, "followup", load_mapping(mapping))
    assert report.adapter == "surveymonkey" and report.chosen_by == "mapping"
    (problem,) = raw.problems
    assert raw.frame["response_id"].tolist() == ["1", "2"]
    assert (problem.row, problem.column, problem.value) == (2, "submitted_at", "2024.03.01")
    assert "MM/DD/YYYY" in problem.expected and "set date_format in the mapping" in problem.fix
    assert raw.frame.loc[1, "submitted_at"] == "2024-03-01 14:30:05"


def test_generic_files_read_as_before_and_validate_file_reports_the_reading(tmp_path):
    path = _write(tmp_path / "b.csv", "response_id;round_id;gender\nA1;R01;woman\n")
    report = validate_file(path, "baseline")
    (export,) = report.exports
    assert export.adapter == "generic" and export.chosen_by == "detected"
    assert export.rows_read == 1 and export.dropped == {}
    assert "missing column" in report.tidy()["expected"].str.cat()


def test_the_codebook_states_each_checkbox_rule(tmp_path):
    from typer.testing import CliRunner

    from impact.cli.main import app

    mapping = tmp_path / "m.yaml"
    _write(
        mapping,
        "name: m\nsource: limesurvey\ncheckboxes:\n  result:\n"
        f"    - question: '{Q}'\n"
        "      options: {Internship: got_internship, Workplace visit: visited_workplace}\n"
        "      none: [None of these]\n",
    )
    out = tmp_path / "cb"
    args = ["indicators", "--codebook", str(out), "--mapping", str(mapping)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    english = (out / "codebook.en.md").read_text(encoding="utf-8")
    assert "## Checkbox questions: how blank options were read" in english
    assert f"| `got_internship` | {Q} | a blank option is not ticked (false) when" in english
    assert "missing when the whole question was skipped" in english
    swedish = (out / "codebook.sv.md").read_text(encoding="utf-8")
    assert "| `visited_workplace` |" in swedish and "hela frågan hoppats över" in swedish


def test_validate_prints_the_tool_its_confidence_dropped_rows_and_checkbox_decisions(tmp_path):
    from typer.testing import CliRunner

    from impact.cli.main import app

    mapping = _write(
        tmp_path / "m.yaml",
        "name: m\ncheckboxes:\n  result:\n"
        f"    - question: '{Q}'\n"
        "      options: {Internship: got_internship}\n"
        "      none: [None of these]\n",
    )
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "round_id", Q, ""],
        ["", "", "", "", "Response", "Internship", "None of these"],
        ["11", "9", "03/01/2024 01:00:00 PM", "03/01/2024 01:05:00 PM", "R01", "Internship", ""],
        ["12", "9", "03/02/2024 01:00:00 PM", "03/02/2024 01:05:00 PM", "R01", "", "None of these"],
        ["13", "9", "03/03/2024 01:00:00 PM", "03/03/2024 01:05:00 PM", "R01", "", ""],
    ]
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n"
    path = _write(tmp_path / "f.csv", "\ufeff" + text)
    args = ["validate", "--table", "result", "--mapping", str(mapping), str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0  # a result file needs far more questions; shown regardless
    output = " ".join(result.output.split())
    assert "How each export was read" in output
    found = "recognised as SurveyMonkey (100% confidence: SurveyMonkey columns 'Respondent ID'"
    assert found in output
    assert "Checkbox answers: rows decided by each rule" in output
    assert "got_internship │ question │ 1 │ 0 │ 1 │ 0 │ 0 │ 1" in output


@pytest.mark.parametrize("layout", ["qualtrics_csv", "surveymonkey"])
def test_multi_row_headers_in_excel_below_a_title_row(tmp_path, layout):
    import csv
    import io

    import openpyxl

    import survey_exports as se

    study = se.write_layout(layout, tmp_path / layout)
    text = (study.parent / "result.csv").read_text(encoding="utf-8-sig")
    book = openpyxl.Workbook()
    book.active.append(["Survey export", "2024-06-30"])  # a title row above the header
    for row in csv.reader(io.StringIO(text)):
        book.active.append(row)
    book.save(tmp_path / "result.xlsx")
    mapping = load_mapping(study.parent / "mapping.yaml")
    raw, report = read_export(tmp_path / "result.xlsx", "result", mapping)
    assert raw.problems == []
    assert len(raw.frame) == len(se.cohort().result)
    assert {"response_id", "submitted_at", *se.CHECKBOX_FIELDS} <= set(raw.frame.columns)
    assert {k: len(v) for k, v in report.dropped.items()} == se.EXPECTED_DROPS.get(layout, {})


def test_odk_central_split_and_joined_select_multiple(tmp_path):
    mapping = _write(
        tmp_path / "m.yaml",
        "name: m\ncolumns:\n  followup: {prog-round: round_id}\ncheckboxes:\n  followup: []\n"
        "  result:\n    - question: prog-did\n"
        "      options: {internship: got_internship, visit: visited_workplace}\n"
        "      none: [none]\n",
    )
    header = "SubmissionDate,meta-instanceID,KEY,ReviewState,prog-round,prog-did,"
    header += "prog-did-internship,prog-did-visit,prog-did-none\n"
    rows = [
        "2024-03-01T10:00:00.000Z,uuid:1,uuid:1,approved,R01,internship visit,1,1,0",
        "2024-03-01T11:00:00.000Z,uuid:2,uuid:2,,R01,none,0,0,1",
        "2024-03-01T12:00:00.000Z,uuid:3,uuid:3,rejected,R01,visit,0,1,0",
        "2024-03-01T13:00:00.000Z,uuid:4,uuid:4,,R01,,,,",
    ]
    path = _write(tmp_path / "odk.csv", header + "\n".join(rows) + "\n")
    raw, report = read_export(path, "result", load_mapping(mapping))
    assert report.adapter == "odk" and report.detection.confidence == 1.0
    assert report.dropped == {"submission rejected in ODK Central (ReviewState)": [3]}
    assert raw.frame["response_id"].tolist() == ["uuid:1", "uuid:2", "uuid:4"]
    assert raw.frame["got_internship"].tolist() == ["true", "false", ""]
    assert raw.frame["visited_workplace"].tolist() == ["true", "false", ""]
    counts = {c.field: c.counts for c in report.checkboxes}
    assert (
        counts["got_internship"]["tool_unticked"] == 1 and counts["got_internship"]["skipped"] == 1
    )
    assert "SubmissionDate" not in raw.frame.columns and "ReviewState" in report.tool_columns


def test_draft_finds_a_one_cell_checkbox_and_leaves_out_free_other_texts(tmp_path):
    from impact.ingest.adapters.draft import draft_mapping

    answers = ["Internship", "Workplace visit", "Internship, Workplace visit", "None of these"]
    answers = answers * 3 + ["Internship, Workplace visit", "Workplace visit, My mentor Anna"]
    lines = ["Timestamp,Kön,Studerar du just nu?," + f'"{Q}"']
    for k, answer in enumerate(answers):
        lines.append(f'3/{k + 1}/2024 10:00:00,Kvinna,Nej,"{answer}"')
    path = _write(tmp_path / "result.csv", "\n".join(lines) + "\n")
    draft = draft_mapping([path], ["result"])
    text = draft.to_yaml()
    assert "source: google_forms" in text
    assert "Kön: gender" in text and "Studerar du just nu?: in_education" in text
    (box,) = draft.files[0].checkboxes
    assert box.question == Q and box.none == ["None of these"]
    assert set(box.options) | set(box.unmatched) == {"Internship", "Workplace visit"}
    assert "Anna" not in text


def test_the_codebook_bundle_carries_the_checkbox_rules(tmp_path):
    import json

    from impact.report.api import write_codebook_bundle

    question = _question("submitted")
    bundle = write_codebook_bundle(
        tmp_path / "codebook",
        study={"name": "Test"},
        provenance={"seed": 1},
        checkboxes=[question],
    )
    body = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    text = json.dumps(body, ensure_ascii=False)
    assert "Checkbox questions: how blank options were read" in text
    assert "Kryssfrågor: hur tomma alternativ lästes" in text
    assert "in every submitted response (the question was shown to everyone); never missing" in text


def test_an_export_of_previews_only_says_every_row_was_dropped(tmp_path):
    mapping = _write(tmp_path / "m.yaml", "name: m\nsource: limesurvey\n")
    text = "Response ID,Date submitted,Last page,round_id\n1,,1,R01\n2,,2,R01\n"
    raw, report = read_export(_write(tmp_path / "l.csv", text), "followup", load_mapping(mapping))
    assert report.dropped == {"incomplete response (no Date submitted)": [1, 2]}
    (problem,) = raw.problems
    assert "every row was dropped (2 incomplete response (no Date submitted))" in problem.expected
