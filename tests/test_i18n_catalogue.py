"""One source for labels: the catalogue is complete in both languages, has no key twice, and no
module outside it defines Swedish/English texts, ``Lang``, ``check_choice`` or ``save_figure``."""

from __future__ import annotations

import ast
import functools
import re
import string
from pathlib import Path

import pytest

from impact.i18n import LANGUAGES, check_lang, message, pair, section_tree, table
from impact.i18n.catalogue import TranslationError, i18n_dir, load_translations

SRC = Path(__file__).resolve().parents[1] / "src" / "impact"
CATALOGUE_PACKAGE = SRC / "i18n"


@functools.cache
def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if CATALOGUE_PACKAGE in path.parents:
            continue
        found.append((path.relative_to(SRC).as_posix(), ast.parse(path.read_text("utf-8"))))
    return found


def _has_words(node: ast.AST) -> bool:
    """A string literal (or the literal part of an f-string) holding a letter."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[^\W\d_]", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    return False


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages():
    keys = {lang: set(load_translations(lang)) for lang in LANGUAGES}
    assert keys["sv"] == keys["en"]
    assert any(key.startswith("labels.") for key in keys["sv"])


def test_both_languages_use_the_same_placeholders():
    sv, en = load_translations("sv"), load_translations("en")
    differ = {key for key in sv if _placeholders(sv[key]) != _placeholders(en[key])}
    assert not differ


def test_a_key_defined_twice_is_refused(tmp_path):
    for lang in LANGUAGES:  # the package's own files load (a key written twice would fail)
        load_translations(lang)
    (tmp_path / "sv.yml").write_text("labels:\n  a: x\n  a: y\n", encoding="utf-8")
    with pytest.raises(TranslationError, match="'a' is defined twice"):
        load_translations("sv", tmp_path)


def test_lookups():
    assert table("labels.outcomes")["woman"] == {"sv": "Kvinnor", "en": "Women"}
    assert message("labels.outcomes.round", "sv", k=3) == "Omgång 3"
    assert pair("labels.outcomes.round", k="R1") == {"sv": "Omgång R1", "en": "Round R1"}
    assert section_tree("labels.expressions", "en")["waves"]["b"] == "baseline"
    assert i18n_dir().name == "i18n"
    with pytest.raises(TranslationError, match="missing"):
        message("labels.no_such_key", "sv")
    with pytest.raises(ValueError, match="'de'"):
        check_lang("de")


def test_no_module_outside_the_catalogue_defines_swedish_and_english_texts():
    offenders = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"sv", "en"} <= keys and any(_has_words(v) for v in node.values):
                offenders.append(f"{name}:{node.lineno}")
    assert not offenders, "sv/en texts outside the catalogue (reports/i18n/*.yml): " + ", ".join(
        offenders
    )


def test_no_module_chooses_texts_by_language():
    offenders = set()
    for name, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.IfExp)
                and isinstance(node.test, ast.Compare)
                and any(
                    isinstance(c, ast.Constant) and c.value in LANGUAGES
                    for c in node.test.comparators
                )
                and (_has_words(node.body) or _has_words(node.orelse))
            ):
                offenders.add(name)
    assert offenders <= {"report/template_api.py"}  # "sv-SE" / "en-GB": locale codes, not text


def _defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("Lang", "i18n/languages.py"),
        ("Language", None),
        ("check_language", None),
        ("check_choice", "validation.py"),
        ("check_level", "validation.py"),
        ("check_confidence", None),
        ("save_figure", "figures.py"),
        ("ExpressionError", "errors.py"),
    ],
)
def test_defined_once(name, owner):
    where = [module for module, tree in _modules() if name in _defined_names(tree)]
    where += [
        path.relative_to(SRC).as_posix()
        for path in CATALOGUE_PACKAGE.glob("*.py")
        if name in _defined_names(ast.parse(path.read_text("utf-8")))
    ]
    assert where == ([owner] if owner else [])


def test_every_exception_type_is_in_the_one_hierarchy():
    """Exception classes live in ``impact.errors`` (the evaluator's error needs its tree)."""
    elsewhere = []
    for name, tree in _modules():
        for node in tree.body:
            if (
                isinstance(node, ast.ClassDef)
                and node.name.endswith("Error")
                and not node.name.startswith("_")
                and name != "errors.py"
            ):
                elsewhere.append(f"{name}:{node.name}")
    assert elsewhere == ["indicators/expr_eval.py:EvaluationError"]
