"""Report tables: outcome × specification, with the second tests and adjusted p-values."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from impact.i18n import Lang, check_lang
from impact.i18n.numbers import decimal, fixed_signed, percent, pvalue

from .cace import CaceResult
from .itt import IttResult
from .labels import cace_text, outcome_label, text
from .multiple import MultipleTestingResult
from .randomisation import FisherResult, RandomisationResult

EXTRA_P = ("holm_p", "fdr_bh_p", "westfall_young_p")


_fmt = fixed_signed
_fmt_p = pvalue


def _numeric_row(outcome: str, estimates: pd.DataFrame, specs: list, lang: Lang) -> dict:
    """One outcome's numbers: n, control mean and each specification's estimate, CI and p."""
    sub = estimates.set_index("specification")
    first = sub.iloc[0]
    row = {
        "outcome": outcome,
        "label": outcome_label(outcome, lang),
        "n": int(first["n"]),
        "control_mean_pct": 100 * first["control_mean"],
    }
    for spec in specs:
        r = sub.loc[spec] if spec in sub.index else None
        for key, col in (
            ("pp", "estimate_pp"),
            ("conf_low_pp", "conf_low_pp"),
            ("conf_high_pp", "conf_high_pp"),
            ("p", "p_value"),
        ):
            row[f"{spec}_{key}"] = float(r[col]) if r is not None else np.nan
    return row


def _add_adjusted(table: pd.DataFrame, adjusted: Sequence[MultipleTestingResult]) -> None:
    """Add the adjusted p-value columns (first family naming an outcome wins), in place."""
    for col in EXTRA_P:
        values: dict[str, float] = {}
        for fam in adjusted:
            t = fam.tidy()
            if col in t.columns:
                for name, p in zip(t["test"], t[col], strict=True):
                    values.setdefault(name, p)
        if values:
            table[col] = table["outcome"].map(values)


def results_table(
    itt: IttResult,
    *,
    fisher: FisherResult | None = None,
    randomisation: RandomisationResult | None = None,
    adjusted: Sequence[MultipleTestingResult] = (),
    cace: CaceResult | None = None,
    specifications: Sequence[str] | None = None,
    formatted: bool = False,
    lang: Lang = "en",
    digits: int = 1,
) -> pd.DataFrame:
    """One row per outcome, columns per specification, plus second tests and adjustments.

    Parameters
    ----------
    itt : IttResult
        The ITT estimates.
    fisher, randomisation : optional
        Second tests to add as ``fisher_p`` / ``ri_p``.
    adjusted : sequence of MultipleTestingResult
        Families of adjusted p-values (matched on outcome name) → ``holm_p``, ``fdr_bh_p``,
        ``westfall_young_p``.
    cace : CaceResult, optional
        The effect of taking part → ``cace_pp``, ``cace_conf_low_pp``, ``cace_conf_high_pp``,
        ``cace_p``, ``first_stage_f`` and ``complier_share`` (outcomes without a CACE
        are empty).
    specifications : sequence of str, optional
        Which specifications (default: all in ``itt``, in order).
    formatted : bool
        False: numbers with stable column names (``<spec>_pp``, ``<spec>_conf_low_pp``,
        ``<spec>_conf_high_pp``, ``<spec>_p``). True: text cells for a report, with headers in
        ``lang``.
    lang : {"en", "sv"}
        Language of labels and headers (decimal comma in Swedish).
    digits : int
        Decimals of percentage-point numbers in the formatted table.

    Returns
    -------
    DataFrame
    """
    check_lang(lang)
    est = itt.tidy()
    specs = list(specifications or dict.fromkeys(est["specification"]))
    outcomes = list(dict.fromkeys(est["outcome"]))
    rows = [
        _numeric_row(outcome, est[est["outcome"] == outcome], specs, lang) for outcome in outcomes
    ]
    table = pd.DataFrame(rows)
    if fisher is not None:
        table["fisher_p"] = table["outcome"].map(fisher.tidy().set_index("outcome")["p_value"])
    if randomisation is not None:
        ri = randomisation.tidy().set_index("outcome")["p_value"]
        table["ri_p"] = table["outcome"].map(ri)
    _add_adjusted(table, adjusted)
    if cace is not None:
        _add_cace(table, cace)
    if not formatted:
        return table
    return _format(table, specs, itt.confidence_level, lang, digits)


#: The CACE columns of the numeric results table and where they come from.
CACE_COLUMNS = {
    "cace_pp": ("estimate", 100),
    "cace_conf_low_pp": ("conf_low", 100),
    "cace_conf_high_pp": ("conf_high", 100),
    "cace_p": ("p_value", 1),
    "first_stage_f": ("first_stage_f", 1),
    "complier_share": ("complier_share", 1),
}


def _add_cace(table: pd.DataFrame, cace: CaceResult) -> None:
    """Add the CACE columns of :data:`CACE_COLUMNS` (matched on outcome), in place."""
    by_outcome = cace.tidy().set_index("outcome")
    for col, (source, scale) in CACE_COLUMNS.items():
        table[col] = table["outcome"].map(scale * by_outcome[source])


def _format_cace(table: pd.DataFrame, out: pd.DataFrame, level: float, lang: Lang, digits):
    """The formatted CACE columns, in place."""
    sep = "; " if lang == "sv" else ", "
    out[cace_text("cace_pp", lang)] = [_fmt(v, digits, lang) for v in table["cace_pp"]]
    out[cace_text("cace_ci", lang, level=round(100 * level))] = [
        f"[{_fmt(lo, digits, lang)}{sep}{_fmt(hi, digits, lang)}]"
        for lo, hi in zip(table["cace_conf_low_pp"], table["cace_conf_high_pp"], strict=True)
    ]
    out[cace_text("cace_p", lang)] = [_fmt_p(p, lang) for p in table["cace_p"]]
    out[cace_text("first_stage_f", lang)] = [decimal(v, 1, lang) for v in table["first_stage_f"]]
    out[cace_text("complier_share", lang)] = [percent(v, lang, 0) for v in table["complier_share"]]


def _format(table, specs, level, lang, digits) -> pd.DataFrame:
    ci = f"{round(100 * level)} % {text('ci', lang)}"
    out = pd.DataFrame(
        {
            text("outcome", lang): table["label"],
            "n": table["n"],
            text("control_mean", lang): [_fmt(v, digits, lang) for v in table["control_mean_pct"]],
        }
    )
    sep = "; " if lang == "sv" else ", "
    for spec in specs:
        name = text(spec, lang)
        out[f"{name} ({text('pp', lang)})"] = [_fmt(v, digits, lang) for v in table[f"{spec}_pp"]]
        out[f"{name} {ci}"] = [
            f"[{_fmt(lo, digits, lang)}{sep}{_fmt(hi, digits, lang)}]"
            for lo, hi in zip(
                table[f"{spec}_conf_low_pp"], table[f"{spec}_conf_high_pp"], strict=True
            )
        ]
        out[f"{name} p"] = [_fmt_p(p, lang) for p in table[f"{spec}_p"]]
    for col in ("fisher_p", "ri_p", *EXTRA_P):
        if col in table.columns:
            out[text(col, lang)] = [_fmt_p(p, lang) for p in table[col]]
    if "cace_pp" in table.columns:
        _format_cace(table, out, level, lang, digits)
    return out
