"""Swedish and English labels for RCT tables and figures."""

from __future__ import annotations

from impact.i18n import Lang, check_lang

OUTCOMES: dict[str, dict[str, str]] = {
    "got_job": {"en": "Got a job", "sv": "Fick arbete"},
    "took_steps": {"en": "Took steps toward work", "sv": "Tog steg mot arbete"},
    "job_or_steps": {"en": "Job or steps", "sv": "Arbete eller steg"},
    "expanded_network": {"en": "Expanded network", "sv": "Utökat nätverk"},
    "got_internship": {"en": "Got an internship", "sv": "Fick praktikplats"},
    "started_relevant_education": {
        "en": "Started relevant education",
        "sv": "Började relevant utbildning",
    },
    "more_interviews": {"en": "More job interviews", "sv": "Fler anställningsintervjuer"},
    "improved_cv": {"en": "Improved CV/cover letter", "sv": "Förbättrat CV/personligt brev"},
    "got_reference": {"en": "Got a reference", "sv": "Fick referens"},
    "visited_workplace": {"en": "Visited a workplace", "sv": "Besökte en arbetsplats"},
    "learned_education_paths": {
        "en": "Learned about education paths",
        "sv": "Lärt sig om utbildningsvägar",
    },
    "learned_social_codes": {"en": "Learned social codes", "sv": "Lärt sig sociala koder"},
    "improved_swedish": {"en": "Improved Swedish", "sv": "Förbättrad svenska"},
    "improved_professional_swedish": {
        "en": "Improved professional Swedish",
        "sv": "Förbättrad yrkessvenska",
    },
    "knows_labour_market_more": {
        "en": "Knows labour market better",
        "sv": "Bättre kunskap om arbetsmarknaden",
    },
}

TEXT: dict[str, dict[str, str]] = {
    "randomised": {"en": "Randomised", "sv": "Randomiserade"},
    "baseline": {"en": "Answered baseline", "sv": "Besvarade baslinjeenkät"},
    "followup": {"en": "Answered follow-up {k}", "sv": "Besvarade uppföljning {k}"},
    "result": {"en": "Answered result survey", "sv": "Besvarade resultatenkät"},
    "analysed": {"en": "Analysed", "sv": "Analyserade"},
    "no_baseline": {"en": "did not answer baseline", "sv": "besvarade inte baslinjeenkäten"},
    "no_answer": {"en": "no answer", "sv": "inget svar"},
    "outcome_missing": {"en": "outcome missing", "sv": "utfall saknas"},
    "treatment": {"en": "Intervention", "sv": "Intervention"},
    "control": {"en": "Control", "sv": "Kontroll"},
    "total": {"en": "Total", "sv": "Totalt"},
    "effect_pp": {"en": "Effect (percentage points)", "sv": "Effekt (procentenheter)"},
    "ci": {"en": "CI", "sv": "KI"},
    "unadjusted": {"en": "Unadjusted", "sv": "Ojusterad"},
    "additive": {"en": "Covariate-adjusted", "sv": "Justerad för bakgrund"},
    "lin": {"en": "Lin (interacted)", "sv": "Lin (interagerad)"},
    "logit_ame": {"en": "Logit AME", "sv": "Logit AME"},
    "outcome": {"en": "Outcome", "sv": "Utfall"},
    "control_mean": {"en": "Control mean (%)", "sv": "Kontrollgruppens andel (%)"},
    "fisher_p": {"en": "Fisher p", "sv": "Fisher p"},
    "ri_p": {"en": "Randomisation p", "sv": "Randomiserings-p"},
    "holm_p": {"en": "Holm p", "sv": "Holm p"},
    "fdr_bh_p": {"en": "BH q", "sv": "BH q"},
    "westfall_young_p": {"en": "Westfall–Young p", "sv": "Westfall–Young p"},
    "flow_title": {"en": "Participant flow (CONSORT)", "sv": "Deltagarflöde (CONSORT)"},
    "effects_title": {"en": "Intention-to-treat effects", "sv": "Effekter (intention-to-treat)"},
    "subgroup_title": {"en": "Effects by {g}", "sv": "Effekter efter {g}"},
}


LEVELS: dict[str, dict[str, str]] = {
    "woman": {"en": "Women", "sv": "Kvinnor"},
    "man": {"en": "Men", "sv": "Män"},
    "other": {"en": "Other", "sv": "Annat"},
    "not_stated": {"en": "Not stated", "sv": "Ej angivet"},
}


def level_label(level: str, lang: Lang = "en") -> str:
    """Human label of a subgroup level (the code itself when no label is known)."""
    check_lang(lang)
    return LEVELS.get(level, {}).get(lang, level)


def outcome_label(name: str, lang: Lang = "en") -> str:
    """Human label of an outcome (the column name when no label is known)."""
    check_lang(lang)
    return OUTCOMES.get(name, {}).get(lang, name)


def text(key: str, lang: Lang = "en", **fmt: object) -> str:
    """A fixed label in ``lang``, formatted with ``fmt``."""
    check_lang(lang)
    return TEXT[key][lang].format(**fmt)
