"""Bundle parts of what the study file declares: costs and the planned power design.

:func:`write_cost` (randomised: cost per additional outcome, Fieller and bootstrap, J-PAL's
impact per amount), :func:`write_programme_costs` (a programme study: descriptive costs per
participant, not effects) and :func:`write_declared_power` (the RCT report's line on the
planned design, or that none was declared). Every sentence comes from the result objects;
a cost without a finite limit is a sentence, never a number.
"""

from __future__ import annotations

import math
from typing import Any

from impact.i18n import pair

_NUMBER_LABEL = "labels.cost.report.heading"


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def write_cost(w, cost: Any) -> None:
    """The cost per additional outcome of a randomised study (section ``cost``)."""
    table = cost.tidy()
    if table.empty:
        return
    w.section("cost")
    w.table("cost_effectiveness", table, title=pair("labels.cost.report.heading"),
            suppressed=False)  # fmt: skip
    sentences = {lang: cost.sentences(lang) for lang in ("sv", "en")}
    keys = []
    for i, row in enumerate(table.itertuples(index=False)):
        key = f"cost.sentence.{i}"
        w.text(key, {lang: sentences[lang][i] for lang in sentences})
        keys.append(key)
        base = f"cost.{row.outcome}.{row.effect}"
        for name in ("cost_per_outcome", "fieller_low", "fieller_high", "bootstrap_low",
                     "bootstrap_high", "impact", "impact_low", "impact_high"):  # fmt: skip
            w.number(f"{base}.{name}", _plain(float(getattr(row, name))), unit="number",
                     label=pair(_NUMBER_LABEL))  # fmt: skip
    first = table.iloc[0]
    w.data["cost"] = {
        "sentences": keys,
        "basis": dict(cost.basis),
        "per_amount": float(first["per_amount"]),
        "bootstrap_draws": int(first["bootstrap_draws"]),
        "level": float(first["level"]),
    }


def write_programme_costs(w, costs: Any) -> None:
    """Descriptive costs of a programme without a control group (section ``programme_costs``)."""
    w.section("programme_costs")
    w.table("programme_costs", costs.tidy(), title=pair("labels.cost.report.programme_heading"),
            suppressed=True)  # fmt: skip
    sentences = {lang: costs.sentences(lang) for lang in ("sv", "en")}
    keys = []
    for i in range(len(sentences["en"])):
        key = f"programme_costs.sentence.{i}"
        w.text(key, {lang: sentences[lang][i] for lang in sentences})
        keys.append(key)
    w.number("programme_costs.per_participant", costs.basis["per_participant"], unit="number",
             label=pair("labels.cost.report.programme_heading"))  # fmt: skip
    w.data["programme_costs"] = {"sentences": keys, "basis": dict(costs.basis)}


def write_declared_power(w, plan: Any) -> None:
    """The planned design's sentence (``plan.sentence``), or that the study declared none."""
    w.data["power_declared"] = plan is not None
    if plan is not None:
        w.text("plan.sentence", {lang: plan.sentence(lang) for lang in ("sv", "en")})
