"""Report text in Swedish and English, read from one translation file per language.

The templates in ``reports/`` hold no prose of their own: every heading and sentence is a key
in ``reports/i18n/<lang>.yml`` (nested YAML; keys are dotted paths such as
``programme.gender.heading``). A key missing from a file is an error naming the key and the
file, never a silent fallback, so a Swedish report cannot quietly contain English.
"""

from __future__ import annotations

import functools
import os
import string
from pathlib import Path
from typing import Any

import yaml

from impact.errors import ImpactError
from impact.report.numbers import check_lang
from impact.resources import reports_dir


class TranslationError(ImpactError):
    """A translation key is missing (or malformed) in a translation file."""


def i18n_dir() -> Path:
    """The folder of the translation files (``reports/i18n``)."""
    return reports_dir() / "i18n"


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
        tree = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranslationError(f"translation file {source} does not exist") from None
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


class Translator:
    """Look up report text in one language.

    Parameters
    ----------
    lang : {"sv", "en"}
        The language.
    directory : path, optional
        Folder holding ``sv.yml`` and ``en.yml`` (default the package's ``reports/i18n``).

    Examples
    --------
    >>> Translator("sv").t("common.table_of_contents")
    'Innehåll'
    """

    def __init__(self, lang: str, directory: str | os.PathLike[str] | None = None):
        self.lang = check_lang(lang)
        self.path = Path(directory or i18n_dir()) / f"{lang}.yml"
        self.strings = load_translations(lang, directory)

    def has(self, key: str) -> bool:
        """True when ``key`` is in the file."""
        return key in self.strings

    def t(self, key: str, **values: Any) -> str:
        """The text of ``key`` with ``{name}`` placeholders filled from ``values``.

        Raises
        ------
        TranslationError
            When the key is not in the file, or a placeholder has no value.
        """
        try:
            text = self.strings[key]
        except KeyError:
            raise TranslationError(
                f"translation key '{key}' is missing from {self.path}; fix: add the key to "
                "every language file in reports/i18n/ (sv.yml and en.yml), or correct the key "
                "in the template"
            ) from None
        if not values:
            return text
        try:
            return string.Formatter().vformat(text, (), values)
        except (KeyError, IndexError) as error:
            raise TranslationError(
                f"translation key '{key}' in {self.path} uses placeholder {error} "
                f"but only {sorted(values)} were given"
            ) from None
