"""Catalogue cases for computing indicators (``impact indicators``) and power (``impact power``)."""

from __future__ import annotations

import shutil

from bad_inputs.catalogue import Case
from bad_inputs.workspace import Workspace, edit_rows, set_column


def indicators(ws: Workspace, *extra: str) -> list[str]:
    """``impact indicators PANEL --out OUT/indicators.csv`` on a copy of the clean panel."""
    return ["indicators", ws.panel(), "--out", ws.out / "indicators.csv", *extra]


def _utf8(path, change) -> None:
    edit_rows(path, change, encoding="utf-8", delimiter=",")


def unknown_param(ws: Workspace) -> list[str]:
    """A misspelt parameter (``min_smal_steps``)."""
    return indicators(ws, "-p", "min_smal_steps=4")


def param_not_a_number(ws: Workspace) -> list[str]:
    """A parameter value that is not a number."""
    return indicators(ws, "-p", "min_small_steps=many")


def param_out_of_range(ws: Workspace) -> list[str]:
    """At least 9 of the 8 small steps."""
    return indicators(ws, "-p", "min_small_steps=9")


def param_without_value(ws: Workspace) -> list[str]:
    """``-p min_small_steps`` without ``=value``."""
    return indicators(ws, "-p", "min_small_steps")


def panel_missing_column(ws: Workspace) -> list[str]:
    """The panel lacks ``r_employment`` (a result-wave answer the job indicators need)."""

    def drop(header: list[str], rows: list[list[str]]):
        j = header.index("r_employment")
        return header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows]

    _utf8(ws.panel(), drop)
    return indicators(ws)


def panel_wrong_type(ws: Workspace) -> list[str]:
    """Text in a count column of the panel (``r_interviews_3m`` = 'many')."""
    path = ws.panel()
    set_column(
        path,
        "r_interviews_3m",
        lambda i, old: "many" if i == 5 else old,
        encoding="utf-8",
        delimiter=",",
    )
    return indicators(ws)


def panel_unknown_code(ws: Workspace) -> list[str]:
    """A code that is not a canonical code in the panel (``r_employment`` = 'heltid', row 2)."""
    set_column(
        ws.panel(),
        "r_employment",
        lambda i, old: "heltid" if i == 2 else old,
        encoding="utf-8",
        delimiter=",",
    )
    return indicators(ws)


def definitions_bad_expression(ws: Workspace) -> list[str]:
    """A definitions file whose rule refers to an unknown panel column."""
    path = ws.file(
        "definitions.yaml",
        "format_version: 1\n"
        "definitions:\n"
        "  - id: got_mentor_job\n"
        "    version: 1\n"
        "    section: job\n"
        "    label: {sv: Fick jobb via mentor, en: Got a job through the mentor}\n"
        "    definition: {sv: Jobb via mentorn, en: A job through the mentor}\n"
        "    rule: r.mentor_job == true\n",
    )
    return indicators(ws, "--definitions", str(path))


def definitions_syntax(ws: Workspace) -> list[str]:
    """A definitions file with a YAML syntax error."""
    path = ws.file("definitions.yaml", "indicators: [\n  - id: x\n")
    return indicators(ws, "--definitions", str(path))


def panel_unsupported(ws: Workspace) -> list[str]:
    """The panel given as .xlsx."""
    target = ws.root / "panel.xlsx"
    shutil.copy(ws.panel(), target)
    return ["indicators", target, "--out", ws.out / "indicators.csv"]


def panel_not_found(ws: Workspace) -> list[str]:
    """The panel file does not exist."""
    return ["indicators", ws.root / "panelen.csv", "--out", ws.out / "indicators.csv"]


def power_rate(ws: Workspace) -> list[str]:
    """A control rate of 30 (percent, where a proportion 0.30 was expected)."""
    return ["power", "mde", "--n1", "73", "--n2", "78", "--control-rate", "30"]


def power_method(ws: Workspace) -> list[str]:
    """An unknown variance method."""
    return ["power", "mde", "--n1", "73", "--n2", "78", "--control-rate", "0.3", "--method", "x"]


def power_zero_effect(ws: Workspace) -> list[str]:
    """Sample size for an effect of 0 percentage points."""
    return ["power", "n", "--control-rate", "0.3", "--effect", "0"]


def power_too_few(ws: Workspace) -> list[str]:
    """An MDE for one person per arm."""
    return ["power", "mde", "--n1", "1", "--n2", "1", "--control-rate", "0.3"]


CASES = [
    Case(
        "indicator-param-unknown",
        "indicators",
        "a misspelt parameter name",
        unknown_param,
        expect=("min_smal_steps", "min_small_steps"),
        fix="correct the parameter's name; did you mean 'min_small_steps'?",
    ),
    Case(
        "indicator-param-not-number",
        "indicators",
        "a parameter value that is not a number",
        param_not_a_number,
        expect=("min_small_steps", "many"),
        fix="give a value of type integer (the definitions in data_schema/indicators.yaml",
    ),
    Case(
        "indicator-param-out-of-range",
        "indicators",
        "at least 9 of the 8 small steps",
        param_out_of_range,
        expect=("min_small_steps", "9", "8"),
        fix="give a value from 0 to 8",
    ),
    Case(
        "indicator-param-no-value",
        "indicators",
        "a parameter without =value",
        param_without_value,
        expect=("min_small_steps", "name=value"),
        fix="write the value after an equals sign, e.g. min_small_steps=3",
    ),
    Case(
        "panel-missing-column",
        "indicators",
        "the panel lacks r_employment",
        panel_missing_column,
        expect=("r_employment",),
        fix="override the definition if your questionnaire lacks this question",
    ),
    Case(
        "panel-wrong-type",
        "indicators",
        "text in a count column of the panel",
        panel_wrong_type,
        expect=("r_interviews_3m", "many"),
        fix="write the panel again with `impact link`",
    ),
    Case(
        "panel-unknown-code",
        "indicators",
        "a non-canonical code in the panel (r_employment 'heltid')",
        panel_unknown_code,
        expect=("r_employment", "heltid", "full_time"),
        fix="write the panel again with `impact link`",
    ),
    Case(
        "definitions-unknown-column",
        "indicators",
        "a definition's rule uses a column the panel lacks",
        definitions_bad_expression,
        expect=("got_mentor_job", "mentor_job"),
        fix="override the definition if your questionnaire lacks this question",
    ),
    Case(
        "definitions-yaml-syntax",
        "indicators",
        "a definitions file with a YAML syntax error",
        definitions_syntax,
        expect=("definitions.yaml", "line"),
        fix="correct the line named",
    ),
    Case(
        "panel-unsupported-format",
        "indicators",
        "the panel given as .xlsx",
        panel_unsupported,
        expect=("panel.xlsx", ".parquet or .csv"),
        fix="save the panel as CSV",
    ),
    Case(
        "panel-not-found",
        "indicators",
        "the panel file does not exist",
        panel_not_found,
        expect=("panelen.csv",),
        fix="`impact link study.yaml --out DIR` writes DIR/panel.csv",
    ),
    Case(
        "power-rate-in-percent",
        "analyses",
        "impact power: control rate 30 (percent) instead of 0.30",
        power_rate,
        expect=("control", "30"),
        writes=False,
        fix="give a proportion, e.g. 0.3 for 30 %",
    ),
    Case(
        "power-unknown-method",
        "analyses",
        "impact power: variance method 'x'",
        power_method,
        expect=("method", "unpooled"),
        writes=False,
        fix="fix: give one of these",
    ),
    Case(
        "power-zero-effect",
        "analyses",
        "impact power n: an effect of 0 percentage points",
        power_zero_effect,
        expect=("effect",),
        writes=False,
        fix="give the smallest effect worth detecting",
    ),
    Case(
        "power-one-per-arm",
        "analyses",
        "impact power mde: one person per arm",
        power_too_few,
        expect=("n_treatment", "at least 2"),
        writes=False,
        fix="give the number of participants in each arm",
    ),
]
