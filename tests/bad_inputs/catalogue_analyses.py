"""Catalogue cases for the analyses (``impact rct``, ``impact run``) on degenerate data."""

from __future__ import annotations

import csv

from bad_inputs.catalogue import Case
from bad_inputs.catalogue_ingest import RESULT, ROUND
from bad_inputs.workspace import (
    CliOutcome,
    Workspace,
    edit_rows,
    edit_yaml,
    read_rows,
    set_column,
)

UTF8 = {"encoding": "utf-8", "delimiter": ","}


def rct(ws: Workspace) -> list[str]:
    """``impact rct study.yaml --out OUT`` on the workspace's randomised study."""
    return ["rct", ws.config("randomised"), "--out", ws.out]


def run(ws: Workspace) -> list[str]:
    """``impact run study.yaml --out OUT --no-render`` on the workspace's programme study."""
    return ["run", ws.config(), "--out", ws.out, "--no-render"]


def _arms(ws: Workspace) -> dict[str, str]:
    header, rows = read_rows(ws.canonical("randomisation"), **UTF8)
    i, a = header.index("study_id"), header.index("arm")
    return {r[i]: r[a] for r in rows}


def _set_by_arm(ws: Workspace, table: str, column: str, treatment: str, control: str) -> None:
    arms = _arms(ws)

    def change(header: list[str], rows: list[list[str]]) -> None:
        i, j = header.index("study_id"), header.index(column)
        for row in rows:
            row[j] = treatment if arms.get(row[i]) == "treatment" else control

    edit_rows(ws.canonical(table), change, **UTF8)


def one_arm(ws: Workspace) -> list[str]:
    """Everyone in the randomisation list is in the treatment arm."""
    set_column(ws.canonical("randomisation"), "arm", lambda i, old: "treatment", **UTF8)
    return rct(ws)


def _no_job_changes(ws: Workspace) -> None:
    set_column(ws.canonical("baseline"), "employment", lambda i, old: "none", **UTF8)
    set_column(ws.canonical("baseline"), "job_matches_field", lambda i, old: "", **UTF8)
    for column in ("changed_job", "job_matches_field"):
        set_column(ws.canonical("result"), column, lambda i, old: "", **UTF8)


def constant_outcome(ws: Workspace) -> list[str]:
    """Nobody got a job: the outcome got_job is false for everyone in both arms."""
    _no_job_changes(ws)
    set_column(ws.canonical("result"), "employment", lambda i, old: "none", **UTF8)
    return rct(ws)


def _itt_rows(ws: Workspace, outcome: str) -> list[dict]:
    with open(ws.out / "rct" / "itt.csv", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r.get("outcome") == outcome]


def _check_constant(ws: Workspace, outcome: CliOutcome) -> None:
    rows = _itt_rows(ws, "got_job")
    assert rows, "got_job missing from the ITT table"
    assert all(r["estimate"] in ("", "0.0", "0") for r in rows), rows
    assert any(r.get("note") for r in rows), rows


def perfect_separation(ws: Workspace) -> list[str]:
    """Every treated respondent got a job and no control did (arm predicts got_job)."""
    _no_job_changes(ws)
    _set_by_arm(ws, "result", "employment", "full_time", "none")
    return rct(ws)


def _check_separation(ws: Workspace, outcome: CliOutcome) -> None:
    rows = {r["specification"]: r for r in _itt_rows(ws, "got_job")}
    assert float(rows["unadjusted"]["control_mean"]) == 0.0
    assert float(rows["unadjusted"]["estimate"]) > 0.5
    assert rows["logit_ame"]["estimate"] == ""
    assert "perfect separation" in rows["logit_ame"]["note"]


def missing_covariate(ws: Workspace) -> list[str]:
    """A covariate (years in Sweden) is missing for everyone."""
    set_column(ws.canonical("baseline"), "years_in_sweden", lambda i, old: "", **UTF8)
    return rct(ws)


def _check_covariate(ws: Workspace, outcome: CliOutcome) -> None:
    assert "years_in_sweden" in outcome.output
    assert (ws.out / "rct" / "itt.csv").is_file()


def no_control_respondents(ws: Workspace) -> list[str]:
    """No control-arm member answered the result survey."""
    arms = _arms(ws)

    def keep_treated(header: list[str], rows: list[list[str]]):
        i = header.index("study_id")
        return header, [r for r in rows if arms.get(r[i]) == "treatment"]

    edit_rows(ws.canonical("result"), keep_treated, **UTF8)
    return rct(ws)


def _check_no_control(ws: Workspace, outcome: CliOutcome) -> None:
    rows = _itt_rows(ws, "got_job")
    assert rows and all(r["estimate"] == "" for r in rows), rows
    assert all(r["note"] == "an arm has no analysed rows" for r in rows), rows


def tiny_round(ws: Workspace) -> list[str]:
    """A round of three respondents (R99) in a programme study."""
    header, rows = read_rows(ws.raw("baslinje.csv"))
    ids = {r[header.index("Din personliga kod")] for r in rows[:3]}
    for file in ("baslinje.csv", RESULT):
        h, _ = read_rows(ws.raw(file))
        code = h.index("Din personliga kod")

        def change(header: list[str], rows: list[list[str]], code: int = code) -> None:
            j = header.index(ROUND)
            for row in rows:
                if row[code] in ids:
                    row[j] = "R99"

        edit_rows(ws.raw(file), change)
    edit_yaml(ws.config(), lambda doc: doc["report"].__setitem__("per_round", False))
    return run(ws)


def _check_tiny(ws: Workspace, outcome: CliOutcome) -> None:
    path = ws.out / "bundles" / "project" / "tables" / "shares_by_round.csv"
    with open(path, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["group"] == "R99"]
    assert rows, "the tiny round is missing from the table"
    for row in rows:
        for column in ("participants", "n", "numerator", "missing"):
            assert row[column] in ("<5", "..", "0"), row
        assert row["share"] == "", row


def round_in_progress(ws: Workspace) -> list[str]:
    """Round R10 has baseline answers but no result answers yet (removed from the export)."""

    def change(header: list[str], rows: list[list[str]]):
        j = header.index(ROUND)
        return header, [row for row in rows if row[j] != "R10"]

    edit_rows(ws.raw(RESULT), change)
    return run(ws)


def _check_in_progress(ws: Workspace, outcome: CliOutcome) -> None:
    import json

    bundles = ws.out / "bundles"
    rounds = sorted(p.name for p in bundles.glob("round-*"))
    assert rounds == [f"round-R{i:02d}" for i in range(1, 11)], rounds
    project = json.loads((bundles / "project" / "results.json").read_text(encoding="utf-8"))
    assert project["data"]["rounds_in_progress"] == ["R10"]
    with open(bundles / "project" / "tables" / "shares_by_round.csv", encoding="utf-8") as f:
        assert "R10" not in {row["group"] for row in csv.DictReader(f)}
    own = json.loads((bundles / "round-R10" / "results.json").read_text(encoding="utf-8"))
    assert own["data"]["in_progress"] is True
    assert "round R10 is still in progress" in outcome.message


def no_result_answers(ws: Workspace) -> list[str]:
    """A study whose result survey has no answers yet (inputs.result names no file)."""
    edit_yaml(ws.config(), lambda doc: doc["inputs"].__setitem__("result", []))
    return run(ws)


def programme_for_rct(ws: Workspace) -> list[str]:
    """``impact rct`` on a programme study (no randomisation)."""
    return ["rct", ws.config(), "--out", ws.out]


CASES = [
    Case(
        "one-arm-study",
        "analyses",
        "everyone randomised to treatment (no control arm)",
        one_arm,
        expect=("arm", "control"),
        slow=True,
        fix="check the arm column of the randomisation list",
    ),
    Case(
        "no-control-respondents",
        "analyses",
        "no control-arm member answered the result survey",
        no_control_respondents,
        exit_code=0,
        fallback="every ITT estimate is NA with the note 'an arm has no analysed rows'",
        check=_check_no_control,
        slow=True,
    ),
    Case(
        "constant-outcome",
        "analyses",
        "nobody got a job in either arm (a constant outcome)",
        constant_outcome,
        exit_code=0,
        fallback="the ITT difference is 0 or NA with a note; no model is fitted to a constant",
        check=_check_constant,
        slow=True,
    ),
    Case(
        "perfect-separation",
        "analyses",
        "every treated respondent got a job, no control did",
        perfect_separation,
        exit_code=0,
        fallback="the difference in shares is reported; the logit AME is empty with a note",
        check=_check_separation,
        slow=True,
    ),
    Case(
        "all-missing-covariate",
        "analyses",
        "a covariate (years in Sweden) missing for everyone",
        missing_covariate,
        exit_code=0,
        fallback="the covariate is left out of adjusted models and a note names it",
        check=_check_covariate,
        slow=True,
    ),
    Case(
        "tiny-round",
        "analyses",
        "a programme round of three respondents",
        tiny_round,
        exit_code=0,
        fallback="the round is published with its counts suppressed (<5) and its share "
        "blank; the privacy guard passes",
        check=_check_tiny,
        slow=True,
        isolated=True,
    ),
    Case(
        "rct-on-programme-study",
        "analyses",
        "impact rct on a study without randomisation",
        programme_for_rct,
        expect=("study.yaml", "design: randomised", "inputs.randomisation"),
        fix="use `impact run` for a programme study",
    ),
    Case(
        "round-in-progress",
        "analyses",
        "a round with baseline answers but no result answers yet (mid-project)",
        round_in_progress,
        exit_code=0,
        fallback="the other rounds' reports and the project report are written; the project's "
        "figures cover the rounds with result answers and name the round in progress and its "
        "participants; that round's report says it has no result answers yet",
        check=_check_in_progress,
        slow=True,
    ),
    Case(
        "no-result-answers",
        "analyses",
        "a study with no result answers at all (inputs.result names no file)",
        no_result_answers,
        expect=(
            "study.yaml",
            "the study has no result answers yet",
            "inputs.result",
            "baseline answer(s) in round(s) R01",
        ),
        fix="add the result export under inputs.result once the result survey has answers",
    ),
]
