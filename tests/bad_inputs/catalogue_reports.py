"""Catalogue cases for results bundles and report templates (``impact report``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bad_inputs.catalogue import Case
from bad_inputs.workspace import Workspace


def report(ws: Workspace, *extra: str) -> list[str]:
    """``impact report BUNDLE --out OUT --lang en --format html`` on a copy of a clean bundle."""
    return ["report", ws.bundle(), "--out", ws.out, "--lang", "en", "--format", "html", *extra]


def _results(ws: Workspace) -> Path:
    return ws.bundle() / "results.json"


def _edit_results(ws: Workspace, change) -> None:
    path = _results(ws)
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")


def _first_table(ws: Workspace) -> str:
    content = json.loads(_results(ws).read_text(encoding="utf-8"))
    return next(iter(content["tables"].values()))["file"]


def missing_file(ws: Workspace) -> list[str]:
    """A table listed in results.json was deleted from the bundle."""
    (ws.bundle() / _first_table(ws)).unlink()
    return report(ws)


def edited_file(ws: Workspace) -> list[str]:
    """A table was edited by hand after the bundle was written."""
    path = ws.bundle() / _first_table(ws)
    path.write_text(path.read_text(encoding="utf-8") + "extra,row\n", encoding="utf-8")
    return report(ws)


def corrupt_json(ws: Workspace) -> list[str]:
    """results.json is cut off in the middle."""
    text = _results(ws).read_text(encoding="utf-8")
    _results(ws).write_text(text[: len(text) // 2], encoding="utf-8")
    return report(ws)


def future_version(ws: Workspace) -> list[str]:
    """A bundle written by a future version (format_version 99)."""
    _edit_results(ws, lambda c: c.__setitem__("format_version", 99))
    return report(ws)


def missing_key(ws: Workspace) -> list[str]:
    """results.json lacks its ``numbers`` section."""
    _edit_results(ws, lambda c: c.pop("numbers"))
    return report(ws)


def unknown_kind(ws: Workspace) -> list[str]:
    """A bundle of an unknown kind ('survey')."""
    _edit_results(ws, lambda c: c.__setitem__("kind", "survey"))
    return report(ws)


def not_a_bundle(ws: Workspace) -> list[str]:
    """A folder that is not a results bundle (no results.json)."""
    folder = ws.root / "not-a-bundle"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    return ["report", folder, "--out", ws.out, "--lang", "en", "--format", "html"]


def bad_language(ws: Workspace) -> list[str]:
    """A report language without texts (``--lang de``)."""
    return ["report", ws.bundle(), "--out", ws.out, "--lang", "de", "--format", "html"]


def bad_format(ws: Workspace) -> list[str]:
    """An output format the package does not write (``--format odt``)."""
    return ["report", ws.bundle(), "--out", ws.out, "--lang", "en", "--format", "odt"]


MISSING_KEY = "codebook.no_such_heading"


def missing_translation(ws: Workspace) -> list[str]:
    """A report template uses a translation key that is missing from reports/i18n/en.yml."""
    from impact.resources import reports_dir

    templates = ws.root / "templates"
    shutil.copytree(reports_dir(), templates)
    qmd = templates / "codebook.qmd"
    text = qmd.read_text(encoding="utf-8")
    qmd.write_text(
        text.replace('r.t("codebook.subtitle")', f'r.t("{MISSING_KEY}")', 1), encoding="utf-8"
    )
    assert MISSING_KEY in qmd.read_text(encoding="utf-8")
    return report(ws, "--renderer", "fallback")


def _templates_in_workspace(ws: Workspace, monkeypatch) -> None:
    """``impact report`` has no option for a template folder: point the renderer at ours."""
    import impact.report.render as render

    monkeypatch.setattr(render, "reports_dir", lambda: ws.root / "templates")


CASES = [
    Case(
        "bundle-missing-file",
        "reports",
        "a results bundle with a table file deleted",
        missing_file,
        expect=("results bundle", "tables/", "is missing"),
        fix="write the bundle again with the command that made it",
    ),
    Case(
        "bundle-edited-file",
        "reports",
        "a bundle table edited after the bundle was written",
        edited_file,
        expect=("tables/", "SHA-256", "write the bundle again"),
        fix="write the bundle again",
    ),
    Case(
        "bundle-corrupt-json",
        "reports",
        "results.json cut off in the middle",
        corrupt_json,
        expect=("results.json", "not valid JSON", "line"),
        fix="write the bundle again with the command that made it",
    ),
    Case(
        "bundle-future-version",
        "reports",
        "a bundle with format_version 99",
        future_version,
        expect=("format version 99", "expected 1"),
        fix="rewrite the bundle with this version",
    ),
    Case(
        "bundle-missing-key",
        "reports",
        "results.json without its numbers section",
        missing_key,
        expect=("results.json", "numbers"),
        fix="write the bundle again with the command that made it",
    ),
    Case(
        "bundle-unknown-kind",
        "reports",
        "a bundle of kind 'survey'",
        unknown_kind,
        expect=("survey", "programme", "rct"),
        fix="write the bundle again with the command that made it",
    ),
    Case(
        "not-a-bundle",
        "reports",
        "a folder without results.json",
        not_a_bundle,
        expect=("not-a-bundle", "results.json", "missing"),
        fix="name a folder under bundles/ of an `impact run` output",
    ),
    Case(
        "report-bad-language",
        "reports",
        "report language 'de'",
        bad_language,
        expect=("--lang", "de", "sv"),
        fix="one of them, e.g. --lang sv",
    ),
    Case(
        "report-bad-format",
        "reports",
        "report format 'odt'",
        bad_format,
        expect=("--format", "odt", "html"),
        fix="one of them, e.g. --format html",
    ),
    Case(
        "template-missing-translation-key",
        "reports",
        "a template uses a translation key missing from en.yml",
        missing_translation,
        expect=(MISSING_KEY, "en.yml"),
        patch=_templates_in_workspace,
        fix="if you changed a report template or a translation file (reports/), correct it",
    ),
]
