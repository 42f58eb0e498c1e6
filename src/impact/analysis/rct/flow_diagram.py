"""The CONSORT 2025 flow diagram: enrolment, allocation, follow-up and analysis, by arm.

The boxes follow the CONSORT 2025 template (Hopewell et al. 2025, figure 1): *assessed for
eligibility* and *excluded* (with reasons) above *randomised*; per arm *allocated*, *received
allocated intervention* / *did not receive*; *lost to follow-up* and *discontinued
intervention*; *analysed* and *excluded from analysis*. A number the data do not give is shown
as "not recorded", never guessed (see :class:`~impact.analysis.rct.consort.ConsortFlow`).
Labels come from ``labels.consort_flow`` in the message catalogue.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from impact.figures import FLOW_COLOURS, NOTE_COLOUR
from impact.i18n import NBSP, Lang, check_lang, message

from .consort import ConsortFlow
from .design import CONTROL, TREATMENT
from .labels import text

_BOX = {"boxstyle": "round,pad=0.02,rounding_size=0.08", "linewidth": 1.0}
_ARMS = ((2.75, TREATMENT), (7.75, CONTROL))


def _t(key: str, lang: Lang, **values: object) -> str:
    return message(f"labels.consort_flow.{key}", lang, **values)


def _n(value: object, lang: Lang, small: int = 0) -> str:
    """``(n = …)`` with non-breaking spaces; ``< small`` for a small cell, "not recorded"."""
    if value is None or pd.isna(value):
        shown = _t("not_recorded", lang)
    else:
        shown = f"<{small}" if 0 < int(value) < small else str(int(value))
    return f"(n{NBSP}={NBSP}{shown})"


def _box(ax, x, y, w, h, label, face=FLOW_COLOURS["box"]):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, facecolor=face, edgecolor=FLOW_COLOURS["edge"], **_BOX
        )
    )
    ax.text(x, y, label, ha="center", va="center", fontsize=7.8, wrap=True)


def _arrow(ax, x0, y0, x1, y1):
    ax.annotate(
        "",
        xy=(x1, y1),
        xytext=(x0, y0),
        arrowprops={"arrowstyle": "-|>", "color": FLOW_COLOURS["edge"], "lw": 1.0},
    )


def _phase(ax, y, label):
    ax.text(0.1, y, label, ha="left", va="center", fontsize=9, weight="bold", color=NOTE_COLOUR)
    ax.axhline(y - 0.22, xmin=0.01, xmax=0.99, color="#c8cfdc", lw=0.6)


def _reasons(flow: ConsortFlow, arm: str, stages: tuple[str, ...], lang: Lang, small: int) -> str:
    found = flow.reasons[flow.reasons["stage"].isin(stages) & (flow.reasons["arm"] == arm)]
    if found.empty:
        return ""
    listed = ", ".join(
        f"{r.reason} {f'<{small}' if 0 < r.n < small else r.n}"
        for r in found.head(3).itertuples(index=False)
    )
    return "\n" + _t("reasons", lang, list=listed)


def _arm_labels(flow: ConsortFlow, arm: str, lang: Lang, small: int) -> tuple[str, str, str]:
    b = flow.boxes.set_index("arm").loc[arm]

    def n(column: str) -> str:
        return _n(b[column], lang, small)

    suffix = "" if arm == TREATMENT else "_control"
    allocation = (
        f"{_t('allocated_treatment' if arm == TREATMENT else 'allocated_control', lang)} "
        f"{n('allocated')}\n{_t('received' + suffix, lang)} {n('received')}"
        f"\n{_t('not_received' + suffix, lang)} {n('not_received')}"
    )
    follow = f"{_t('lost', lang)} {n('lost_to_follow_up')}"
    if (flow.table["stage"] == "baseline").any():
        no_baseline = int(b["no_baseline"])
        shown = f"<{small}" if 0 < no_baseline < small else no_baseline
        follow += "\n" + _t("no_baseline", lang, n=shown)
    waves = flow.table[flow.table["stage"].str.startswith("followup_") & (flow.table["arm"] == arm)]
    for row in waves.itertuples(index=False):
        follow += "\n" + _t("followup", lang, k=row.stage.split("_", 1)[1], n=row.n)
    follow += _reasons(flow, arm, ("baseline", "result"), lang, small)
    follow += f"\n{_t('discontinued', lang)} {n('discontinued')}"
    analysis = (
        f"{_t('analysed', lang)} {n('analysed')}\n"
        f"{_t('excluded_analysis', lang)} {n('excluded_from_analysis')}"
    )
    return allocation, follow, analysis


def _wrap(label: str, width: int = 50) -> str:
    return "\n".join(textwrap.fill(line, width) for line in label.split("\n"))


def _height(label: str) -> float:
    return 0.25 + 0.2 * (label.count("\n") + 1)


def consort_figure(flow: ConsortFlow, lang: Lang = "en", *, small: int = 0) -> Figure:
    """Draw the participant flow as the CONSORT 2025 diagram, labels in ``lang``.

    Parameters
    ----------
    flow : ConsortFlow
        From :func:`~impact.analysis.rct.consort.consort_flow`.
    lang : {"en", "sv"}
    small : int
        Counts from 1 to ``small − 1`` in the allocation, follow-up and analysis boxes are
        shown as ``<small`` (small-cell suppression of the published diagram; 0 = none).

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    arms = [[_wrap(p) for p in _arm_labels(flow, arm, lang, small)] for _, arm in _ARMS]
    rows = [max(_height(a[i]) for a in arms) for i in range(3)]
    excluded = _wrap(
        f"{_t('excluded', lang)} {_n(flow.excluded_before, lang)}\n"
        f"({_t('excluded_reasons', lang)})",
        42,
    )
    height = 3.2 + sum(rows) + 3 * 0.95
    fig = Figure(figsize=(8.0, 0.8 * height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10.5)
    ax.set_ylim(0, height)
    ax.axis("off")
    top = height - 0.45
    _phase(ax, top, _t("enrolment", lang))
    randomised = int(flow.boxes["allocated"].sum())
    _box(ax, 4.0, top - 0.65, 3.8, 0.4, f"{_t('assessed', lang)} {_n(flow.assessed, lang)}")
    _box(ax, 8.3, top - 1.2, 3.9, _height(excluded), excluded)
    _arrow(ax, 4.0, top - 1.2, 6.33, top - 1.2)
    _box(ax, 4.0, top - 1.8, 3.8, 0.4, f"{_t('randomised', lang)} {_n(randomised, lang)}",
         face=FLOW_COLOURS["randomised"])  # fmt: skip
    _arrow(ax, 4.0, top - 0.85, 4.0, top - 1.6)
    y = top - 2.45
    faces = (FLOW_COLOURS["arm"], FLOW_COLOURS["box"], FLOW_COLOURS["analysed"])
    previous: float | None = None
    for i, phase in enumerate(("allocation", "follow_up", "analysis")):
        _phase(ax, y, _t(phase, lang))
        centre = y - 0.4 - rows[i] / 2
        for (x, _arm), labels in zip(_ARMS, arms, strict=True):
            _box(ax, x, centre, 4.7, rows[i], labels[i], face=faces[i])
            start = (4.0, top - 2.0) if previous is None else (x, previous)
            _arrow(ax, *start, x, centre + rows[i] / 2 + 0.02)
        previous = centre - rows[i] / 2
        y = previous - 0.55
    fig.suptitle(text("flow_title", lang), y=0.998, fontsize=11)
    return fig
