"""Catalogue cases for survey-tool exports read through an adapter (``source:`` in the mapping)."""

from __future__ import annotations

from bad_inputs.catalogue import Case
from bad_inputs.workspace import Workspace, edit_yaml, read_rows, write_rows

MAPPING = "mapping_belong_sv.yaml"
RESULT = "resultat.csv"
SUBMITTED = "Inskickat"
CHECKBOX = "Vad har du gjort under programmet?"


def _validate(ws: Workspace) -> list[str]:
    return ["validate", ws.config(), "--out", ws.out]


def _edit_mapping(ws: Workspace, change) -> None:
    edit_yaml(ws.study() / MAPPING, change)


def unknown_source(ws: Workspace) -> list[str]:
    """The mapping names a survey tool impact does not know (a typo)."""
    _edit_mapping(ws, lambda doc: doc.update(source="survey_monkey"))
    return _validate(ws)


def checkbox_to_text_field(ws: Workspace) -> list[str]:
    """A checkbox option mapped to a field that is not true/false."""
    question = {"question": CHECKBOX, "options": {"Praktik": "contributed_job"}}
    _edit_mapping(ws, lambda doc: doc.update(checkboxes={"result": [question]}))
    return _validate(ws)


def checkbox_question_not_in_file(ws: Workspace) -> list[str]:
    """The mapping declares a checkbox question whose text is not in the export."""
    question = {"question": CHECKBOX, "options": {"Praktik": "got_internship"}}
    _edit_mapping(ws, lambda doc: doc.update(checkboxes={"result": [question]}))
    return _validate(ws)


def us_dates_in_iso_tool(ws: Workspace) -> list[str]:
    """US dates (MM/DD/YYYY) in an export whose mapping declares ISO dates."""
    _edit_mapping(ws, lambda doc: doc.update(date_format="iso"))
    header, rows = read_rows(ws.raw(RESULT))
    column = header.index(SUBMITTED)
    rows[4][column] = "03/14/2024 2:05 PM"
    write_rows(ws.raw(RESULT), header, rows)
    return _validate(ws)


CASES = [
    Case(
        "unknown-survey-tool",
        "ingest",
        "the mapping's source: names a survey tool impact does not know",
        unknown_source,
        expect=("mapping_belong_sv.yaml", "column 'source'", "survey_monkey", "surveymonkey"),
        fix="or auto to let impact recognise the tool from each file's header",
    ),
    Case(
        "checkbox-to-text-field",
        "ingest",
        "a checkbox option mapped to a field that is not true/false",
        checkbox_to_text_field,
        expect=("checkboxes.result[0].options.Praktik", "contributed_job", "true/false field"),
        fix="map each option to a true/false field",
    ),
    Case(
        "checkbox-question-missing",
        "ingest",
        "a checkbox question declared in the mapping is not in the export",
        checkbox_question_not_in_file,
        expect=("resultat.csv", CHECKBOX, "no column has this question text"),
        fix="copy the question and option texts from the file's header",
    ),
    Case(
        "us-date-in-iso-export",
        "ingest",
        "a US date (MM/DD/YYYY) where the mapping declares ISO dates",
        us_dates_in_iso_tool,
        expect=("resultat.csv", "row 5", "Inskickat", "03/14/2024 2:05 PM", "date_format"),
        fix="set date_format in the mapping (iso, us, eu, excel, or a strptime pattern",
    ),
]
