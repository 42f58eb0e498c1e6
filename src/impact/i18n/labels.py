"""Swedish and English labels for indicators, groups and figure text, and number formatting.

Labels are keyed by id and language (``"sv"`` or ``"en"``). An indicator's label is looked up in
``extra`` (labels the caller passes), then in the package's indicator definitions
(``data_schema/indicators.yaml``, field ``label``), then in the built-in table below; an
unknown id falls back to the id itself, so new indicators still plot.

Swedish number formatting uses a decimal comma and a (non-breaking) space before the percent
sign: ``0.274`` → ``"27,4 %"``; English: ``"27.4%"``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

import yaml

from impact.i18n.languages import LANGUAGES, Lang, check_lang
from impact.resources import data_schema_dir

logger = logging.getLogger(__name__)


INDICATOR_LABELS: dict[str, dict[str, str]] = {
    "got_job": {"en": "Got a job", "sv": "Fick jobb"},
    "job_from_none": {"en": "No job → job", "sv": "Från inget jobb till jobb"},
    "job_upgraded": {
        "en": "Changed to full-time or more relevant job",
        "sv": "Bytte till heltid eller mer relevant jobb",
    },
    "job_changed_other": {"en": "Changed job (other)", "sv": "Bytte jobb (övrigt)"},
    "took_steps": {"en": "Took measurable steps", "sv": "Tog mätbara steg"},
    "job_or_steps": {"en": "Job or measurable steps", "sv": "Jobb eller mätbara steg"},
    "got_internship": {"en": "Got an internship", "sv": "Fick praktikplats"},
    "started_relevant_education": {
        "en": "Started relevant education",
        "sv": "Påbörjade relevant utbildning",
    },
    "more_interviews": {"en": "More job interviews", "sv": "Fler anställningsintervjuer"},
    "improved_cv": {"en": "Improved CV / cover letter", "sv": "Förbättrat CV / personligt brev"},
    "expanded_network": {"en": "Expanded network", "sv": "Utökat nätverk"},
    "got_reference": {"en": "Got a reference", "sv": "Fick en referens"},
    "visited_workplace": {"en": "Visited a workplace", "sv": "Besökte en arbetsplats"},
    "learned_education_paths": {
        "en": "Learned about education in Sweden",
        "sv": "Lärt sig om utbildning i Sverige",
    },
    "learned_social_codes": {
        "en": "Learned workplace social codes",
        "sv": "Lärt sig sociala koder på arbetsplatser",
    },
    "improved_swedish": {"en": "Improved Swedish", "sv": "Förbättrad svenska"},
    "improved_professional_swedish": {
        "en": "Improved professional Swedish",
        "sv": "Förbättrad yrkessvenska",
    },
    "knows_labour_market_more": {
        "en": "Knows the labour market better",
        "sv": "Ökad kunskap om arbetsmarknaden",
    },
    "employed": {"en": "Employed", "sv": "Har arbete"},
    "employment": {"en": "Employment", "sv": "Sysselsättning"},
    "has_reference": {"en": "Has a reference", "sv": "Har en referens"},
    "in_internship": {"en": "In an internship", "sv": "Har praktik"},
    "in_education": {"en": "In education", "sv": "Studerar"},
    "job_matches_field": {"en": "Job matches field", "sv": "Jobbet matchar yrket"},
}

TEXT: dict[str, dict[str, str]] = {
    "woman": {"en": "Women", "sv": "Kvinnor"},
    "man": {"en": "Men", "sv": "Män"},
    "other": {"en": "Other", "sv": "Annat"},
    "not_stated": {"en": "Not stated", "sv": "Ej angivet"},
    "all": {"en": "All", "sv": "Alla"},
    "overall": {"en": "All participants", "sv": "Alla deltagare"},
    "share": {"en": "Share", "sv": "Andel"},
    "target": {"en": "Target", "sv": "Mål"},
    "observed": {"en": "Observed", "sv": "Utfall"},
    "shares_title": {"en": "Outcomes", "sv": "Resultat"},
    "shares_by_gender_title": {"en": "Outcomes by gender", "sv": "Resultat efter kön"},
    "targets_title": {"en": "Target attainment", "sv": "Måluppfyllelse"},
    "components_title": {"en": "Job and steps: components", "sv": "Jobb och steg: delar"},
    "job_steps_title": {"en": "Job or steps", "sv": "Jobb eller steg"},
    "components_panel": {"en": "Components", "sv": "Delar"},
    "trajectories_title": {"en": "Across survey waves", "sv": "Över enkätomgångarna"},
    "attribution_title": {
        "en": "Did the programme contribute?",
        "sv": "Bidrog programmet?",
    },
    "yes": {"en": "Yes", "sv": "Ja"},
    "no": {"en": "No", "sv": "Nej"},
    "dont_know": {"en": "Don't know", "sv": "Vet ej"},
    "suppressed": {"en": "n<{k}", "sv": "n<{k}"},
    "ci_note": {
        "en": "Bars: share; lines: {pct} % confidence interval (Wilson).",
        "sv": "Staplar: andel; linjer: {pct} % konfidensintervall (Wilson).",
    },
    "ci_note_points": {
        "en": "Points: share; lines: {pct} % confidence interval (Wilson).",
        "sv": "Punkter: andel; linjer: {pct} % konfidensintervall (Wilson).",
    },
    "wave_b": {"en": "Baseline", "sv": "Start"},
    "wave_r": {"en": "Result", "sv": "Slut"},
    "wave_f": {"en": "Follow-up {k}", "sv": "Uppföljning {k}"},
    "round": {"en": "Round {k}", "sv": "Omgång {k}"},
}


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
    for table in (extra or {}, schema_labels(), INDICATOR_LABELS, TEXT):
        entry = table.get(key)
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
