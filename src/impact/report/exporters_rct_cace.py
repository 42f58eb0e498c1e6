"""The CACE part of the RCT bundle: ITT beside the effect of taking part, and the compliers.

Written when the analysis has a CACE (``analyse_rct(..., take_up=...)``). Shares that reveal a
small count are blanked: the take-up shares when fewer than ``threshold`` people (but some)
took part or did not in an arm, the never-taker / always-taker means when they rest on fewer
than ``threshold`` people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.analysis.outcomes.suppression import suppress_small_cells
from impact.analysis.rct.figures_cace import cace_figure
from impact.analysis.rct.labels import OUTCOMES
from impact.i18n import pair

_COLUMNS = (
    "outcome", "itt_pp", "itt_conf_low_pp", "itt_conf_high_pp", "itt_p_value", "estimate_pp",
    "conf_low_pp", "conf_high_pp", "p_value", "first_stage_f", "complier_share",
    "take_up_treatment", "take_up_control", "weak_instrument", "n", "n_treatment", "n_control",
)  # fmt: skip


def _cace_table(cace, threshold: int) -> pd.DataFrame:
    t = cace.tidy()
    for src, dst in (("itt_estimate", "itt_pp"), ("itt_conf_low", "itt_conf_low_pp"),
                     ("itt_conf_high", "itt_conf_high_pp"), ("estimate", "estimate_pp"),
                     ("conf_low", "conf_low_pp"), ("conf_high", "conf_high_pp")):  # fmt: skip
        t[dst] = 100 * t[src]
    table = t[list(_COLUMNS)].copy()
    deps = {}
    for arm in ("treatment", "control"):
        took = (table[f"take_up_{arm}"] * table[f"n_{arm}"]).round()
        table[f"x_took_{arm}"] = took.astype("Float64")
        table[f"x_not_{arm}"] = (table[f"n_{arm}"] - took).astype("Float64")
        deps[f"take_up_{arm}"] = (f"x_took_{arm}", f"x_not_{arm}")
    helpers = [c for c in table.columns if c.startswith("x_")]
    published = suppress_small_cells(table, helpers, deps, threshold)
    return published.drop(columns=helpers)


def _compliers_table(cace, threshold: int) -> pd.DataFrame:
    table = cace.compliers.copy()
    deps = {
        "never_taker_mean": ("n_offered_not_taking",),
        "always_taker_mean": ("n_control_taking",),
    }
    counts = ["n_offered_not_taking", "n_control_taking"]
    return suppress_small_cells(table, counts, deps, threshold)


def write_cace(w, rct, threshold: int) -> None:
    """Section ``cace``: tables ``cace`` and ``compliers``, figure ``cace``, key numbers."""
    cace = rct.cace
    if cace is None:
        return
    w.section("cace")
    published = _cace_table(cace, threshold)
    w.table("cace", published, title=pair("labels.cace.report.caption"), suppressed=True)
    w.table("compliers", _compliers_table(cace, threshold),
            title=pair("labels.cace.report.compliers_caption"), suppressed=True)  # fmt: skip
    t = cace.tidy()
    for row in t.itertuples(index=False):
        lab = OUTCOMES.get(row.outcome, {"sv": row.outcome, "en": row.outcome})
        base = f"cace.{row.outcome}"
        for key, value, unit in (
            ("estimate_pp", 100 * row.estimate, "pp"),
            ("conf_low_pp", 100 * row.conf_low, "pp"),
            ("conf_high_pp", 100 * row.conf_high, "pp"),
            ("p_value", row.p_value, "p"),
            ("itt_pp", 100 * row.itt_estimate, "pp"),
            ("first_stage_f", row.first_stage_f, "number"),
            ("complier_share", row.complier_share, "share"),
        ):
            w.number(f"{base}.{key}", value, unit=unit, n=int(row.n), label=lab)
    f_values = t["first_stage_f"].to_numpy(dtype=float)
    first = published_first_stage(published)
    w.data.update(
        {
            "cace_outcomes": t["outcome"].tolist(),
            "cace_weak": t.loc[t["weak_instrument"].astype(bool), "outcome"].tolist(),
            "cace_min_f": float(np.nanmin(f_values)) if np.isfinite(f_values).any() else None,
            "cace_take_up": cace.take_up,
            "cace_se_type": cace.se_type,
            "cace_first": first,
        }
    )
    w.figure("cace", {lang: cace_figure(cace, lang) for lang in ("sv", "en")},
             caption=pair("labels.cace.text.figure_title"))  # fmt: skip


def published_first_stage(table: pd.DataFrame) -> dict:
    """Take-up shares by arm and the complier share of the first outcome (None if blanked)."""
    if table.empty:
        return {}
    row = table.iloc[0]

    def value(col: str):
        v = row[col]
        return None if pd.isna(v) else float(v)

    return {k: value(k) for k in ("take_up_treatment", "take_up_control", "complier_share")}
