"""Catalogue cases for linking the waves (``impact link``)."""

from __future__ import annotations

import csv

from bad_inputs.catalogue import Case
from bad_inputs.catalogue_ingest import BASELINE, CODE, ID, RESULT, ROUND
from bad_inputs.workspace import CliOutcome, Workspace, edit_rows, edit_yaml, set_column

#: A code of the wrong shape, used to check that codes are never echoed.
BAD_CODE = "QQ99ZZ"
#: The environment variable named by the "no secret" case (never set).
UNSET_SECRET_ENV = "IMPACT_RELIABILITY_TEST_SECRET_NOT_SET"


def link(ws: Workspace) -> list[str]:
    """``impact link study.yaml --out OUT`` on the workspace's programme study."""
    return ["link", ws.config(), "--out", ws.out]


def duplicate_respondent(ws: Workspace) -> list[str]:
    """The same person answered the baseline twice (new response id, same answers)."""

    def add(header: list[str], rows: list[list[str]]) -> None:
        copy = list(rows[4])
        copy[header.index(ID)] = "R_secondAnswerSamePerson"
        rows.append(copy)

    edit_rows(ws.raw(BASELINE), add)
    return link(ws)


def _duplicates_rows(ws: Workspace) -> int:
    with open(ws.out / "link_duplicates.csv", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _clean_duplicates(ws: Workspace) -> int:
    """Duplicates the clean synthetic study already has (respondents who answered twice)."""
    text = (ws.clean.panel().parent / "link_duplicates.csv").read_text(encoding="utf-8")
    return len(text.strip().splitlines()) - 1


def _check_duplicate(ws: Workspace, outcome: CliOutcome) -> None:
    assert _duplicates_rows(ws) == _clean_duplicates(ws) + 1
    assert "duplicates" in outcome.stdout
    assert "R_secondAnswerSamePerson" not in (ws.out / "link_duplicates.csv").read_text()


def identical_codes(ws: Workspace) -> list[str]:
    """Every respondent typed the same code (e.g. the example from the instructions)."""
    for file in (BASELINE, RESULT):
        set_column(ws.raw(file), CODE, lambda i, old: "FA07KA2")
    return link(ws)


def codes_in_wrong_column(ws: Workspace) -> list[str]:
    """The code column holds something else (the e-mail-like login names) for most rows."""
    set_column(ws.raw(BASELINE), CODE, lambda i, old: f"user{i}@example" if i % 4 else old)
    return link(ws)


def few_invalid_codes(ws: Workspace) -> list[str]:
    """Three respondents typed a code of the wrong shape."""
    set_column(ws.raw(BASELINE), CODE, lambda i, old: BAD_CODE if i in (3, 17, 40) else old)
    return link(ws)


def _check_invalid(ws: Workspace, outcome: CliOutcome) -> None:
    with open(ws.out / "link_report.csv", encoding="utf-8") as handle:
        rows = {r["wave"]: r for r in csv.DictReader(handle)}
    assert int(rows["b"]["invalid_codes"]) >= 3
    for path in ws.out.rglob("*.csv"):
        assert BAD_CODE not in path.read_text(encoding="utf-8"), path


def other_study(ws: Workspace) -> list[str]:
    """The result file of a different study (no respondent in common)."""
    from impact.synth.demo import write_synthetic

    write_synthetic("programme", ws.root / "other", n=120, seed=99)
    (ws.root / "other" / "raw" / RESULT).replace(ws.raw(RESULT))
    return link(ws)


def no_secret(ws: Workspace) -> list[str]:
    """No linking secret: neither ``linking.secret`` nor its environment variable."""

    def change(doc: dict) -> None:
        doc["linking"]["secret"] = None
        doc["linking"]["secret_env"] = UNSET_SECRET_ENV

    edit_yaml(ws.config(), change)
    return link(ws)


def wrong_code_layout(ws: Workspace) -> list[str]:
    """``code_elements`` describes another layout (3 digits first) than the codes typed."""
    edit_yaml(
        ws.config(),
        lambda doc: doc["linking"].__setitem__("code_elements", [["digits", 3], ["letters", 4]]),
    )
    return link(ws)


def _relabel_round(ws: Workspace, old: str, new: str) -> None:
    """The result export calls round ``old`` ``new`` (the baseline keeps ``old``)."""
    set_column(ws.raw(RESULT), ROUND, lambda i, value: new if value == old else value)


def round_label_changed(ws: Workspace) -> list[str]:
    """The result export labels round R03 'R3' (the baseline says 'R03')."""
    _relabel_round(ws, "R03", "R3")
    return ["validate", ws.config(), "--out", ws.out]


def round_label_changed_run(ws: Workspace) -> list[str]:
    """The result export labels round R05 'Omgång 5'; ``impact run`` stops at validation."""
    _relabel_round(ws, "R05", "Omgång 5")
    return ["run", ws.config(), "--out", ws.out, "--no-render"]


CASES = [
    Case(
        "duplicate-respondent",
        "linking",
        "the same person answered the baseline twice",
        duplicate_respondent,
        exit_code=0,
        fallback="the most complete (then earliest) answer is kept; the other is listed in "
        "link_duplicates.csv (pseudonymised) and counted in the link report",
        check=_check_duplicate,
    ),
    Case(
        "identical-codes",
        "linking",
        "every respondent typed the same code",
        identical_codes,
        expect=("baseline", "link_code", "identical"),
        forbidden=("FA07KA2",),
        fix="map the question holding each respondent's own code to link_code",
    ),
    Case(
        "codes-in-wrong-column",
        "linking",
        "the code column holds something else for most rows",
        codes_in_wrong_column,
        expect=("link_code", "code_elements"),
        forbidden=("user2@example",),
        fix="map the code question to link_code in the mapping",
    ),
    Case(
        "few-invalid-codes",
        "linking",
        "three codes of the wrong shape",
        few_invalid_codes,
        exit_code=0,
        fallback="kept as unlinkable records and counted as invalid_codes; codes never echoed",
        check=_check_invalid,
        forbidden=(BAD_CODE,),
    ),
    Case(
        "result-from-other-study",
        "linking",
        "the result file of a different study",
        other_study,
        expect=("result", "baseline", "could be linked", "same study"),
        fix="check that inputs: names this study's exports",
    ),
    Case(
        "no-linking-secret",
        "linking",
        "no HMAC secret configured",
        no_secret,
        expect=(UNSET_SECRET_ENV,),
        fix="=<a long random key> before running",
    ),
    Case(
        "wrong-code-layout",
        "linking",
        "code_elements describes another code layout",
        wrong_code_layout,
        expect=("link_code", "code_elements"),
        fix="set linking.code_elements to the layout the questionnaire asks for",
    ),
    Case(
        "round-label-changed",
        "linking",
        "the result export labels round R03 'R3' (the baseline says 'R03')",
        round_label_changed,
        expect=(
            RESULT,
            "column 'round_id'",
            "got 'R3'",
            "a round label of the baseline (baslinje.csv)",
            "answer(s) in this file) is not one",
            "gave a linking code that answered the baseline in round 'R03'",
            "values: {round_id: {'R3': 'R03'}}",
        ),
        fix="use one label per round in every wave: correct the export, or map the label",
    ),
    Case(
        "round-label-changed-run",
        "linking",
        "the result export labels round R05 'Omgång 5'; impact run",
        round_label_changed_run,
        expect=(
            RESULT,
            "'Omgång 5'",
            "round 'R05'",
            "splits the round in two",
            "values: {round_id: {'Omgång 5': 'R05'}}",
        ),
        fix="use one label per round in every wave: correct the export, or map the label",
    ),
]
