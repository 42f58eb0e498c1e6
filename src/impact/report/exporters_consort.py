"""The CONSORT 2025 checklist of the RCT bundle (appendix of the RCT report, and a CSV).

The table ``consort_checklist`` (``tables/consort_checklist.csv``, written like every bundle
CSV: formula-like text is neutralised by :func:`impact.escaping.write_csv`) has one row per
item with its status, the report section that answers it, and the answer in Swedish and
English; ``data["consort_checklist"]`` counts the rows by status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from impact.analysis.rct.checklist import consort_checklist
from impact.i18n import LANGUAGES, message, pair


def write_consort_checklist(
    w,
    rct: Any,
    *,
    study: Mapping[str, Any],
    threshold: int,
    **parts: Any,
) -> None:
    """Fill the checklist from ``rct`` and the optional ``parts`` (attrition, power, timing,
    register, cace, procedure — see :func:`impact.rct.consort_checklist`) and write it into the
    bundle being written by ``w``."""
    checklist = consort_checklist(
        rct,
        study_name=str(study.get("name") or ""),
        suppression_threshold=threshold,
        **{k: v for k, v in parts.items() if v is not None},
    )
    table = checklist.tidy()
    w.section("consort_checklist")
    w.table("consort_checklist", table, title=pair("labels.consort2025.title"), suppressed=True)
    w.data["consort_checklist"] = {
        str(k): int(v) for k, v in table["status"].value_counts().sort_index().items()
    }


def declared_procedure_text(rct: Any) -> dict[str, str] | None:
    """The randomisation procedure declared in the study file, in words per language (items
    17a/b of the checklist), or None when the study declared none (the analysis then only
    assumed the default, which the checklist must not present as the study's method)."""
    declared = rct.settings.get("randomisation")
    if not declared or not rct.settings.get("randomisation_declared"):
        return None
    return {
        lang: message(
            f"rct_design.procedures.{declared['procedure']}",
            lang,
            blocks=declared.get("blocks"),
            clusters=declared.get("clusters"),
        )  # fmt: skip
        for lang in LANGUAGES
    }


__all__ = ["declared_procedure_text", "write_consort_checklist"]
