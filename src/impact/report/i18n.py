"""Report text in Swedish and English, read from one translation file per language.

The templates in ``reports/`` hold no prose of their own: every heading and sentence is a key
in ``reports/i18n/<lang>.yml`` (nested YAML; keys are dotted paths such as
``programme.gender.heading``). A key missing from a file is an error naming the key and the
file, never a silent fallback, so a Swedish report cannot quietly contain English.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from impact.i18n import check_lang
from impact.i18n.catalogue import TranslationError, fill, i18n_dir, load_translations

__all__ = ["TranslationError", "Translator", "i18n_dir", "load_translations"]


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
        return fill(text, key, self.path, values)
