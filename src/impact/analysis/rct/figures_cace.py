"""Figure: the effect of the offer (ITT) beside the effect of taking part (CACE), per outcome."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from impact.i18n import Lang, check_lang

from .cace import CaceResult
from .figures import _forest_per
from .labels import cace_text, text


def cace_figure(result: CaceResult, lang: Lang = "en") -> Figure:
    """Forest plot: ITT (reduced form) and CACE with their CIs, in percentage points.

    Parameters
    ----------
    result : CaceResult
        From :func:`impact.analysis.rct.cace`.
    lang : {"en", "sv"}
        Language of the labels.
    """
    check_lang(lang)
    t = result.tidy()
    outcomes = list(dict.fromkeys(t["outcome"]))
    long = pd.concat(
        [
            pd.DataFrame({"outcome": t["outcome"], "kind": "itt",
                          "estimate_pp": 100 * t["itt_estimate"],
                          "conf_low_pp": 100 * t["itt_conf_low"],
                          "conf_high_pp": 100 * t["itt_conf_high"]}),
            pd.DataFrame({"outcome": t["outcome"], "kind": "cace",
                          "estimate_pp": 100 * t["estimate"],
                          "conf_low_pp": 100 * t["conf_low"],
                          "conf_high_pp": 100 * t["conf_high"]}),
        ],
        ignore_index=True,
    )  # fmt: skip
    fig = Figure(figsize=(8.0, 1.2 + 0.45 * max(len(outcomes), 1)))
    ax = fig.add_subplot()
    names = [cace_text("itt", lang), cace_text("cace", lang)]
    _forest_per(ax, long, "kind", ["itt", "cace"], outcomes, 0.15, names, lang)
    ax.set_xlabel(text("effect_pp", lang))
    ax.set_title(cace_text("figure_title", lang), fontsize=11)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig
