"""The method notes' list of settings: every cap and default the run applied, from the study
file (recorded by the pipeline in the bundle's ``provenance.parameters``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from impact.escaping import markdown_code, markdown_text
from impact.i18n import numbers as nf

#: The settings listed, in this order (a setting the bundle does not record is left out).
SETTINGS = (
    "outcomes", "covariates", "rct_covariates", "groups", "targets", "confidence_level",
    "suppression_threshold", "ri_draws", "attrition_boundary", "attrition_bootstrap",
    "attrition_permutations", "link_threshold",
    "power_declared", "cost_outcomes", "cost_bootstrap_draws",
)  # fmt: skip


def _value(value: Any, lang: str, t) -> str:
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no")
    if isinstance(value, int | float):
        return markdown_text(nf.general(value, lang) if isinstance(value, float)
                             else nf.count(value, lang))  # fmt: skip
    if isinstance(value, Mapping):
        pieces = [f"{markdown_code(k)} {markdown_text(_scalar(v, lang))}" for k, v in value.items()]
        return ", ".join(pieces) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(markdown_code(v) for v in value) or "–"
    return markdown_text(value)


def _scalar(value: Any, lang: str) -> str:
    return nf.general(value, lang) if isinstance(value, float) else str(value)


def settings_markdown(parameters: Mapping[str, Any], lang: str, t) -> str:
    """A Markdown list: one line per setting in :data:`SETTINGS` that ``parameters`` records.

    Parameters
    ----------
    parameters : mapping
        ``provenance.parameters`` of a bundle.
    lang : str
        Language of numbers.
    t : callable
        The report's translator (``Report.t``).
    """
    lines = [
        f"- {t(f'labels.declared.settings.{name}')}: {_value(parameters[name], lang, t)}"
        for name in SETTINGS
        if name in parameters and parameters[name] is not None
    ]
    return "\n".join(lines) + "\n" if lines else ""
