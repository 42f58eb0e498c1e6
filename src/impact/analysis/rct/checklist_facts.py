"""What the analysis knows for the CONSORT 2025 checklist, gathered once (:class:`Facts`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from impact._version import __version__
from impact.errors import InputError
from impact.i18n import LANGUAGES, Lang, message, table

from .design import CONTROL, TREATMENT
from .labels import outcome_label, text

_SUBGROUPS: dict[str, dict[str, str]] = table("labels.bundles.rct.covariates")


@dataclass(frozen=True)
class Facts:
    """The numbers and settings the checklist's answers quote."""

    title: dict[str, str]
    boxes: pd.DataFrame
    outcomes: list[str]
    components: list[str]
    specifications: list[str]
    main: str
    se_type: str
    draws: int
    level: float
    strata: str | None
    cluster: str | None
    procedure: dict[str, str] | None
    started: bool
    reasons: bool
    balance: bool
    ratios: list[tuple[str, float]]
    rating: str | None
    power: bool
    parts: dict[str, Any]
    version: str
    small: int

    @property
    def ratio(self) -> str:
        """The allocation ratio of the randomised counts, e.g. ``1:1`` (or ``109:107``)."""
        t, c = (int(self.boxes.loc[a, "allocated"]) for a in (TREATMENT, CONTROL))
        if t == c:
            return "1:1"
        frac = Fraction(t, c) if c else Fraction(1, 1)
        return f"{frac.numerator}:{frac.denominator}" if frac.denominator <= 4 else f"{t}:{c}"

    def count(self, box: str, arm: str) -> str:
        """A box's count in arm ``t``/``c`` as text; ``<k`` for a small cell."""
        if box == "took_up":
            box = "received" if arm == "t" else "not_received"
        value = self.boxes.loc[TREATMENT if arm == "t" else CONTROL, box]
        if pd.isna(value):
            return "–"
        value = int(value)
        return f"<{self.small}" if 0 < value < self.small else str(value)

    def label(self, name: str, lang: Lang) -> str:
        """An outcome's or specification's label."""
        if name in ("unadjusted", "additive", "lin", "logit_ame"):
            return text(name, lang)
        return outcome_label(name, lang)

    def analysis(self, key: str, lang: Lang, **values: Any) -> str:
        """The name of a reported analysis (``labels.consort2025.analyses``)."""
        return message(f"labels.consort2025.analyses.{key}", lang, **values)

    def ancillary(self, lang: Lang) -> str:
        """The additional analyses reported, as a list in words."""
        names = [
            self.analysis("heterogeneity", lang, g=_SUBGROUPS.get(g, {}).get(lang, g).lower())
            for g in self.parts["subgroups"]
        ]
        names += [self.analysis(k, lang) for k in ("components", "attrition", "timing",
                  "register", "power", "cace") if self.parts.get(k)]  # fmt: skip
        if len(self.outcomes) > 1:
            names.append(self.analysis("multiple", lang))
        return ", ".join(names) or self.analysis("none", lang)

    def first_ancillary_section(self) -> str:
        """The report section of the first additional analysis (``itt`` when none)."""
        if self.parts["subgroups"]:
            return "heterogeneity"
        found = [k for k in ("components", "attrition", "timing", "register", "power")
                 if self.parts.get(k)]  # fmt: skip
        return found[0] if found else "itt"


def _procedure(procedure: str | Mapping[str, str] | None) -> dict[str, str] | None:
    if procedure is None:
        return None
    if isinstance(procedure, str):
        return dict.fromkeys(LANGUAGES, procedure)
    missing = [lang for lang in LANGUAGES if not procedure.get(lang)]
    if missing:
        raise InputError(
            f"consort_checklist: procedure needs a text for every language; missing {missing}"
        )
    return {lang: str(procedure[lang]) for lang in LANGUAGES}


def _ratios(rct: Any) -> list[tuple[str, float]]:
    est = rct.itt.tidy()
    main = est[est["specification"] == rct.settings.get("main_specification")]
    out = []
    for row in main.itertuples(index=False):
        if row.outcome in rct.settings.get("outcomes", []) and row.control_mean > 0:
            out.append((row.outcome, float(row.treatment_mean / row.control_mean)))
    return out


def _rating(attrition: Any) -> str | None:
    if attrition is None or not hasattr(attrition, "wwc"):
        return None
    wwc = attrition.wwc.tidy()
    chosen = wwc[wwc["chosen"]]
    return str(chosen["rating"].iloc[0]) if len(chosen) else None


def facts_of(rct: Any, *, attrition, power, timing, register, cace, procedure, study_name,
             small: int) -> Facts:  # fmt: skip
    """Gather the :class:`Facts` of an :class:`~impact.analysis.rct.RctAnalysis`."""
    if not hasattr(rct, "consort") or not hasattr(rct, "itt"):
        raise InputError(
            "consort_checklist: expected an RctAnalysis (impact.rct.analyse_rct), got "
            f"{type(rct).__name__}"
        )
    s = rct.settings
    boxes = rct.consort.boxes.set_index("arm")
    name = study_name or ""
    title = {lang: message("rct.title", lang, study=name).strip(": ") for lang in LANGUAGES}
    subgroups = [g for g, h in rct.heterogeneity.items() if len(h.tidy())]
    parts = {"subgroups": subgroups, "components": rct.components is not None,
             "attrition": attrition is not None, "timing": timing is not None,
             "register": register is not None, "power": power is not None,
             "cace": cace is not None}  # fmt: skip
    return Facts(
        title=title, boxes=boxes, outcomes=list(s.get("outcomes", [])),
        components=[c for c in s.get("components", []) if c not in s.get("outcomes", [])],
        specifications=list(s.get("adjustments", [])), main=str(s.get("main_specification")),
        se_type=str(s.get("se_type")), draws=int(s.get("ri_draws") or 0),
        level=float(s.get("confidence_level", 0.95)), strata=s.get("strata"),
        cluster=s.get("cluster"), procedure=_procedure(procedure),
        started=bool(boxes["received"].notna().all()), reasons=len(rct.consort.reasons) > 0,
        balance=not rct.balance.tidy().empty, ratios=_ratios(rct), rating=_rating(attrition),
        power=power is not None, parts=parts, version=__version__, small=max(int(small), 0),
    )  # fmt: skip


__all__ = ["Facts", "facts_of"]
