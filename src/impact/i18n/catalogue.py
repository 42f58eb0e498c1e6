"""The message catalogue: every user-facing text of the package, one YAML file per language.

The files are ``reports/i18n/<lang>.yml`` (nested YAML; keys are dotted paths such as
``programme.gender.heading`` or ``figures.power.effect``). The report templates read them
through :class:`impact.report.i18n.Translator`; the library's figures, tables and sentences
through :func:`message` and :func:`table`. The labels of indicators come from the schema
(``data_schema/indicators.yaml``, see :mod:`impact.i18n.labels`). A key missing from a file is
an error naming the key and the file, never a silent fallback, so a Swedish report cannot
quietly contain English; a key written twice in one file is an error too.
"""

from __future__ import annotations

import functools
import os
import string
from pathlib import Path
from typing import Any

import yaml

from impact.errors import TranslationError
from impact.i18n.languages import LANGUAGES, Lang, check_lang
from impact.resources import reports_dir


def i18n_dir() -> Path:
    """The folder of the translation files (``reports/i18n``)."""
    return reports_dir() / "i18n"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice in one mapping."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[object] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise TranslationError(
                f"translation key '{key}' is defined twice (line {key_node.start_mark.line + 1})"
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _flatten(tree: Any, prefix: str, out: dict[str, str], source: Path) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            _flatten(value, f"{prefix}{key}.", out, source)
        return
    if not isinstance(tree, str | int | float):
        raise TranslationError(
            f"translation file {source}: key '{prefix[:-1]}' holds a {type(tree).__name__}; "
            "expected text"
        )
    out[prefix[:-1]] = str(tree)


@functools.lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> dict[str, str]:
    source = Path(path)
    try:
        tree = yaml.load(source.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise TranslationError(f"translation file {source} does not exist") from None
    except TranslationError as error:
        raise TranslationError(f"translation file {source}: {error}") from None
    except yaml.YAMLError as error:
        raise TranslationError(f"translation file {source} is not valid YAML: {error}") from None
    if not isinstance(tree, dict):
        raise TranslationError(f"translation file {source}: expected a mapping of keys to text")
    flat: dict[str, str] = {}
    _flatten(tree, "", flat, source)
    return flat


def load_translations(lang: str, directory: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Every key of ``<directory>/<lang>.yml`` (default ``reports/i18n``), flattened."""
    check_lang(lang)
    path = Path(directory or i18n_dir()) / f"{lang}.yml"
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _load(str(path), mtime)


def fill(text: str, key: str, source: object, values: dict[str, Any]) -> str:
    """``text`` with its ``{name}`` placeholders filled from ``values``."""
    if not values:
        return text
    try:
        return string.Formatter().vformat(text, (), values)
    except (KeyError, IndexError) as error:
        raise TranslationError(
            f"translation key '{key}' in {source} uses placeholder {error} "
            f"but only {sorted(values)} were given"
        ) from None


def message(key: str, lang: Lang, **values: Any) -> str:
    """The catalogue's text of ``key`` in ``lang``, placeholders filled from ``values``."""
    strings = load_translations(lang)
    try:
        text = strings[key]
    except KeyError:
        raise TranslationError(
            f"translation key '{key}' is missing from {i18n_dir() / f'{lang}.yml'}"
        ) from None
    return fill(text, key, i18n_dir() / f"{lang}.yml", values)


def table(section: str) -> dict[str, dict[str, str]]:
    """Every key under ``section`` as ``{key: {"sv": text, "en": text}}`` (a label table).

    A module whose labels are looked up as ``TABLE[key][lang]`` reads them with
    ``TABLE = table("labels.power.figures")``. The table is a fresh copy.
    """
    return {key: dict(texts) for key, texts in _table(section).items()}


@functools.lru_cache(maxsize=64)
def _table(section: str) -> dict[str, dict[str, str]]:
    prefix = f"{section}."
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        for key, text in load_translations(lang).items():
            if key.startswith(prefix) and "." not in key[len(prefix) :]:
                out.setdefault(key[len(prefix) :], {})[lang] = text
    if not out:
        raise TranslationError(f"no translation keys under '{section}' in {i18n_dir()}")
    return out


def section_tree(section: str, lang: Lang) -> dict[str, Any]:
    """The keys under ``section`` in ``lang`` as nested dicts (as written in the file)."""
    prefix = f"{section}."
    tree: dict[str, Any] = {}
    for key, text in load_translations(lang).items():
        if key.startswith(prefix):
            *parents, leaf = key[len(prefix) :].split(".")
            node = tree
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = text
    if not tree:
        raise TranslationError(f"no translation keys under '{section}' in {i18n_dir()}")
    return tree


def pair(key: str, **values: Any) -> dict[str, str]:
    """One key in every language, placeholders filled: ``{"sv": text, "en": text}``."""
    return {lang: message(key, lang, **values) for lang in LANGUAGES}
