"""``consort_checklist``: the CONSORT 2025 checklist filled from what the analysis knows.

Each of the 42 rows (30 items, :mod:`.checklist_items`) gets a ``status``:

``filled``
    the analysis answers it (design and allocation ratio, outcomes, restriction as declared,
    statistical methods, analysis population, missing data, flow numbers, losses, baseline
    table);
``partial``
    the analysis gives part of the answer and the author completes it (structured summary,
    data and code sharing, objectives, sample size, sequence generation, additional and
    ancillary analyses, delivery/take-up, relative effects, limitations);
``author``
    the analysis cannot know it (registration, protocol, funding, conflicts of interest,
    background, involvement, changes, setting, eligibility, intervention details, harms,
    interim analyses, concealment, implementation, blinding, dates, why the trial ended,
    concomitant care, interpretation).

``report_section`` names the section of the RCT report that carries the answer (empty for the
author's items). Answers are written in Swedish and English (``answer_sv``, ``answer_en``);
counts from 1 to ``suppression_threshold − 1`` are shown as ``<k``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from impact.i18n import LANGUAGES, Lang, message, table
from impact.i18n.numbers import count, decimal
from impact.results import Result

from .analysis import RctAnalysis
from .checklist_facts import Facts, facts_of
from .checklist_items import AUTHOR_ITEMS, ITEMS

CHECKLIST_COLUMNS = [
    "item",
    "number",
    "section",
    "topic",
    "status",
    "report_section",
    "description_en",
    "description_sv",
    "answer_en",
    "answer_sv",
]
_DESCRIPTIONS = table("labels.consort2025.items")


@dataclass(frozen=True)
class ConsortChecklist(Result):
    """The CONSORT 2025 checklist, one row per item (:data:`CHECKLIST_COLUMNS`)."""

    table: pd.DataFrame
    settings: dict = field(default_factory=dict)
    title: str = "CONSORT 2025 checklist"

    def tidy(self) -> pd.DataFrame:
        """One row per checklist item, in the published order."""
        return self.table.copy()

    def for_author(self) -> pd.DataFrame:
        """The items the author must fill in or complete (``author`` and ``partial``)."""
        return self.table[self.table["status"] != "filled"].reset_index(drop=True)

    def summary(self) -> str:
        """Counts by status and the author's items."""
        counts = self.table["status"].value_counts()
        author = ", ".join(self.table.loc[self.table["status"] == "author", "item"])
        return (
            f"{self.title}: {len(self.table)} rows ({self.table['number'].nunique()} items); "
            f"filled {counts.get('filled', 0)}, partly {counts.get('partial', 0)}, "
            f"for the author {counts.get('author', 0)} ({author})."
        )


def _t(key: str, lang: Lang, **values: Any) -> str:
    return message(f"labels.consort2025.answers.{key}", lang, **values)


def _design(f: Facts, lang: Lang) -> str:
    key = "design_cluster" if f.cluster else "design_individual"
    return _t(key, lang, ratio=f.ratio, n_t=f.count("allocated", "t"),
              n_c=f.count("allocated", "c"), cluster=f.cluster or "")  # fmt: skip


def _restriction(f: Facts, lang: Lang) -> tuple[str, str]:
    if f.procedure:
        return "filled", _t("restriction_declared", lang, procedure=f.procedure[lang])
    parts = _t("stratified", lang, strata=f.strata) if f.strata else _t("unrestricted", lang)
    if f.cluster:
        parts += _t("clustered", lang, cluster=f.cluster)
    return "partial", _t("restriction_inferred", lang, restriction=parts)


def _statistics(f: Facts, lang: Lang) -> str:
    specs = ", ".join(f.label(s, lang) for s in f.specifications)
    return _t("statistics", lang, se=f.se_type, specs=specs, main=f.label(f.main, lang),
              draws=count(f.draws, lang))  # fmt: skip


def _flow(f: Facts, lang: Lang) -> str:
    if f.started:
        rec = _t("received", lang, t=f.count("received", "t"), c=f.count("received", "c"))
    else:
        rec = _t("not_recorded", lang)
    return _t("flow", lang, r_t=f.count("allocated", "t"), r_c=f.count("allocated", "c"), rec=rec,
              a_t=f.count("analysed", "t"), a_c=f.count("analysed", "c"))  # fmt: skip


def _losses(f: Facts, lang: Lang) -> str:
    reasons = _t("reasons_recorded" if f.reasons else "reasons_missing", lang)
    return _t("losses", lang, l_t=f.count("lost_to_follow_up", "t"),
              l_c=f.count("lost_to_follow_up", "c"), e_t=f.count("excluded_from_analysis", "t"),
              e_c=f.count("excluded_from_analysis", "c"), reasons=reasons)  # fmt: skip


def _estimation(f: Facts, lang: Lang) -> str:
    ratios = "; ".join(f"{f.label(o, lang)} {decimal(rr, 2, lang)}" for o, rr in f.ratios)
    level = f"{decimal(100 * f.level, 0, lang)} %"
    return _t("estimation", lang, level=level, ratios=ratios or _t("not_recorded", lang))


def _limitations(f: Facts, lang: Lang) -> str:
    points = []
    if f.rating:
        rating = message(f"rct.attrition.rating.{f.rating}", lang)
        points.append(_t("limit_attrition", lang, rating=rating))
    if len(f.outcomes) > 1:
        points.append(_t("limit_multiple", lang, k=len(f.outcomes)))
    if f.parts["register"]:
        points.append(_t("limit_register", lang))
    return _t("limitations", lang, points="; ".join(points) or f.analysis("none", lang))


def _answer(item: str, f: Facts, lang: Lang) -> tuple[str, str, str]:
    """(status, report section, answer) of one item in ``lang``."""
    outcomes = ", ".join(f.label(o, lang) for o in f.outcomes)
    components = ", ".join(f.label(o, lang) for o in f.components) or f.analysis("none", lang)
    filled: dict[str, Any] = {
        "1a": ("filled", "title", lambda: _t("title", lang, title=f.title[lang])),
        "1b": ("partial", "summary", lambda: _t("summary", lang)),
        "4": ("partial", "method", lambda: _t("data_sharing", lang, version=f.version)),
        "7": ("partial", "itt", lambda: _t("objectives", lang, outcomes=outcomes)),
        "9": ("filled", "consort", lambda: _design(f, lang)),
        "14": ("filled", "itt",
               lambda: _t("outcomes", lang, outcomes=outcomes, components=components)),
        "21a": ("filled", "method", lambda: _statistics(f, lang)),
        "21b": ("filled", "consort", lambda: _t("itt_population", lang,
                r_t=f.count("allocated", "t"), r_c=f.count("allocated", "c"),
                a_t=f.count("analysed", "t"), a_c=f.count("analysed", "c"))),
        "21c": ("filled", "attrition" if f.rating else "itt",
                lambda: _t("missing_attrition" if f.rating else "missing_complete", lang)),
        "21d": ("partial", "method", lambda: _t("additional", lang, list=f.ancillary(lang))),
        "22a": ("filled", "consort", lambda: _flow(f, lang)),
        "22b": ("filled", "consort", lambda: _losses(f, lang)),
        "26": ("partial", "itt", lambda: _estimation(f, lang)),
        "28": ("partial", f.first_ancillary_section(),
               lambda: _t("ancillary", lang, list=f.ancillary(lang))),
        "30": ("partial", "attrition" if f.rating else "itt", lambda: _limitations(f, lang)),
    }  # fmt: skip
    if item in filled:
        status, section, make = filled[item]
        return status, section, make()
    if item == "16a" and f.power:
        return "partial", "power", _t("sample_size_power", lang)
    if item == "17a" and f.procedure:
        return "partial", "method", _t("sequence_declared", lang, procedure=f.procedure[lang])
    if item == "17b":
        status, text = _restriction(f, lang)
        return status, "method", text
    if item == "24a" and f.started:
        return "partial", "consort", _t("delivery", lang, s_t=f.count("took_up", "t"),
                                        r_t=f.count("allocated", "t"),
                                        s_c=f.count("took_up", "c"),
                                        r_c=f.count("allocated", "c"))  # fmt: skip
    if item == "25" and f.balance:
        return "filled", "balance", _t("baseline", lang)
    return "author", "", _t("author", lang)


def consort_checklist(
    rct: RctAnalysis,
    *,
    attrition: Any = None,
    power: Any = None,
    timing: Any = None,
    register: Any = None,
    cace: Any = None,
    procedure: str | Mapping[str, str] | None = None,
    study_name: str | None = None,
    suppression_threshold: int = 0,
) -> ConsortChecklist:
    """Fill the CONSORT 2025 checklist from an RCT analysis.

    Parameters
    ----------
    rct : RctAnalysis
        From :func:`impact.rct.analyse_rct` (flow, balance, effects, settings).
    attrition, power, timing, register, cace : Result, optional
        The other analyses reported beside it (their presence fills items 16a, 21c, 21d, 28,
        30; the attrition rating is quoted).
    procedure : str or {"sv": str, "en": str}, optional
        The declared randomisation procedure in words (items 17a, 17b); without it 17b gives
        the restriction as analysed (strata, clusters) for the author to confirm.
    study_name : str, optional
        Quoted in item 1a (the report's title).
    suppression_threshold : int
        Counts from 1 to ``threshold − 1`` are shown as ``<threshold``.

    Returns
    -------
    ConsortChecklist
    """
    facts = facts_of(rct, attrition=attrition, power=power, timing=timing, register=register,
                     cace=cace, procedure=procedure, study_name=study_name,
                     small=int(suppression_threshold))  # fmt: skip
    rows = []
    for entry in ITEMS:
        answers = {lang: _answer(entry.item, facts, lang) for lang in LANGUAGES}
        status, section, _ = answers["en"]
        rows.append(
            {
                "item": entry.item,
                "number": entry.number,
                "section": entry.section,
                "topic": entry.topic,
                "status": status,
                "report_section": section,
                **{f"description_{lang}": _DESCRIPTIONS[f"i{entry.item}"][lang] for lang in
                   ("en", "sv")},
                **{f"answer_{lang}": answers[lang][2] for lang in ("en", "sv")},
            }
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=CHECKLIST_COLUMNS)
    for column in CHECKLIST_COLUMNS:
        if column != "number":
            out[column] = out[column].astype("string")
    settings = {"author_items": sorted(AUTHOR_ITEMS), "threshold": int(suppression_threshold)}
    return ConsortChecklist(out, settings)
