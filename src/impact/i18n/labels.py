"""Swedish and English labels of indicators, survey items, groups and waves.

Labels are keyed by id and language (``"sv"`` or ``"en"``). An indicator's label is looked up in
``extra`` (labels the caller passes), then in the package's indicator definitions
(``data_schema/indicators.yaml``, field ``label``), then in the catalogue
(``labels.items`` and ``labels.outcomes`` in ``reports/i18n/<lang>.yml``); an unknown id falls
back to the id itself, so new indicators still plot.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

import yaml

from impact.i18n.catalogue import table
from impact.i18n.languages import LANGUAGES, Lang, check_lang
from impact.resources import data_schema_dir

logger = logging.getLogger(__name__)


#: Labels of survey items and indicators that are not in the schema (the schema's own labels,
#: ``data_schema/indicators.yaml``, come first).
ITEM_LABELS: dict[str, dict[str, str]] = table("labels.items")

#: Group names, figure titles and notes of the outcome figures.
TEXT: dict[str, dict[str, str]] = table("labels.outcomes")


@functools.lru_cache(maxsize=1)
def schema_labels() -> dict[str, dict[str, str]]:
    """Indicator labels from ``data_schema/indicators.yaml`` (empty when the file is absent)."""
    try:
        path = data_schema_dir() / "indicators.yaml"
    except FileNotFoundError:
        return {}
    if not path.is_file():
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        logger.warning("indicator labels not read from %s: %s", path, error)
        return {}
    found: dict[str, dict[str, str]] = {}
    entries = document.get("definitions") if isinstance(document, dict) else None
    for entry in entries or []:
        text = entry.get("label") if isinstance(entry, dict) else None
        if isinstance(text, dict) and entry.get("id") is not None:
            found[str(entry["id"])] = {k: str(v) for k, v in text.items() if k in LANGUAGES}
    return found


def label(key: str, lang: Lang = "en", extra: Mapping[str, Mapping[str, str]] | None = None):
    """Label of an indicator, group code or figure text in ``lang`` (the key when unknown)."""
    lang = check_lang(lang)
    for labels in (extra or {}, schema_labels(), ITEM_LABELS, TEXT):
        entry = labels.get(key)
        if entry and lang in entry:
            return entry[lang]
    return key


def wave_label(code: str, lang: Lang = "en") -> str:
    """``"b"`` → Baseline/Start, ``"f2"`` → Follow-up 2/Uppföljning 2, ``"r"`` → Result/Slut."""
    lang = check_lang(lang)
    if code in ("b", "r"):
        return TEXT[f"wave_{code}"][lang]
    if code.startswith("f") and code[1:].isdigit():
        return TEXT["wave_f"][lang].format(k=int(code[1:]))
    return code
