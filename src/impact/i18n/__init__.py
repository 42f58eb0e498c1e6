"""Every user-facing text in Swedish and English, and numbers in each language's style.

* :mod:`impact.i18n.languages` — the one ``Lang`` type, ``LANGUAGES`` and :func:`check_lang`;
* :mod:`impact.i18n.catalogue` — the message catalogue (``reports/i18n/<lang>.yml``):
  :func:`message`, :func:`table`;
* :mod:`impact.i18n.labels` — labels of indicators (from the schema), groups and waves;
* :mod:`impact.i18n.numbers` — numbers, percentages, intervals and p-values per language.
"""

from impact.i18n.catalogue import TranslationError, message, pair, section_tree, table
from impact.i18n.languages import LANGUAGES, NBSP, Lang, check_lang

__all__ = [
    "LANGUAGES",
    "NBSP",
    "Lang",
    "TranslationError",
    "check_lang",
    "message",
    "pair",
    "section_tree",
    "table",
]
