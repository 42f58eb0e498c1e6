"""CONSORT participant flow by arm: randomised → baseline → follow-ups → result → analysed.

Stages (rows of the flow table, per arm and in total):

``randomised``
    every row of the indicator table;
``baseline``
    answered the baseline survey (``responded_b``) — the people who *started the study*;
    the rest are excluded with the reason "did not answer baseline";
``followup_<k>``
    baseline starters who also answered follow-up k (``responded_f<k>``); follow-ups are not
    nested, so each is counted against the baseline starters ("no answer");
``result``
    baseline starters who answered the result survey (``responded_r``);
``analysed``
    rows with the primary outcome observed (or a given mask); those answering the result
    survey but without the outcome are excluded with "outcome missing".

The boxes of the CONSORT 2025 flow diagram (``ConsortFlow.boxes``, one row per arm) follow from
these stages: *allocated* = randomised to the arm; *received allocated intervention* = took up
the offer (the ``started`` column, when the data have it; else not recorded) — in the control
arm, did not start the programme (a control who started is a crossover); *discontinued
intervention* = started and left early (``left_month`` given, or ``completed`` false); *lost to
follow-up* = did not answer the result survey (baseline non-respondents included); *excluded
from analysis* = answered but the primary outcome is missing; *analysed*. Numbers the data do
not give (assessed for eligibility, excluded before randomisation, and the take-up boxes without
``started``) are missing (``<NA>``) and the diagram says "not recorded".

When a ``reason_column`` is given (e.g. a withdrawal reason recorded by the organisation), the
people excluded at each stage are also broken down by its values in ``reasons``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.results import Result

from .design import CONTROL, TREATMENT, outcome_values, require_columns, treatment_indicator

FLOW_COLUMNS = [
    "stage",
    "order",
    "wave",
    "arm",
    "n",
    "n_excluded",
    "excluded_reason",
    "percent_of_randomised",
]

BOX_COLUMNS = [
    "arm",
    "allocated",
    "received",
    "not_received",
    "discontinued",
    "lost_to_follow_up",
    "no_baseline",
    "excluded_from_analysis",
    "analysed",
]


@dataclass(frozen=True)
class ConsortFlow(Result):
    """Counts per stage and arm (``table``), excluded people by reason (``reasons``) and the
    boxes of the CONSORT 2025 diagram per arm (``boxes``, :data:`BOX_COLUMNS`; missing = not
    recorded); ``assessed`` and ``excluded_before`` are the enrolment numbers when known."""

    table: pd.DataFrame
    reasons: pd.DataFrame
    boxes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BOX_COLUMNS))
    assessed: int | None = None
    excluded_before: int | None = None
    title: str = "CONSORT participant flow"

    def tidy(self) -> pd.DataFrame:
        """One row per stage × arm (treatment, control, total)."""
        return self.table.copy()

    def counts(self) -> pd.DataFrame:
        """Stage × arm matrix of counts (rows in flow order)."""
        wide = self.table.pivot(index=["order", "stage"], columns="arm", values="n")
        return wide.reset_index(level="order", drop=True)[[TREATMENT, CONTROL, "total"]]

    def summary(self) -> str:
        """The counts per stage, one line each."""
        lines = [self.title]
        for stage, r in self.counts().iterrows():
            lines.append(
                f"  {stage:<14} treatment {r[TREATMENT]:>5}  control {r[CONTROL]:>5}  "
                f"total {r['total']:>5}"
            )
        return "\n".join(lines)


def _flag(data: pd.DataFrame, column: str) -> np.ndarray:
    col = data[column]
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
        return col.astype("boolean").fillna(False).to_numpy(dtype=bool)
    raise InputError(f"indicator table: column {column!r} must be boolean (answered the wave)")


def detect_followups(data: pd.DataFrame) -> list[int]:
    """Follow-up numbers k with a ``responded_f<k>`` column, in increasing order."""
    found = [re.fullmatch(r"responded_f(\d+)", c) for c in data.columns]
    return sorted(int(m.group(1)) for m in found if m)


def _stages(
    data: pd.DataFrame, analysed: str | np.ndarray | pd.Series | None
) -> list[tuple[str, str, np.ndarray, np.ndarray, str]]:
    """The flow's stages in order: (stage, wave, still in, in before, reason for the loss)."""
    everyone = np.ones(len(data), dtype=bool)
    has_b = "responded_b" in data.columns
    started = _flag(data, "responded_b") if has_b else everyone
    stages: list[tuple[str, str, np.ndarray, np.ndarray, str]] = [
        ("randomised", "", everyone, everyone, "")
    ]
    if has_b:
        stages.append(("baseline", "b", started, everyone, "did not answer baseline"))
    for k in detect_followups(data):
        answered = started & _flag(data, f"responded_f{k}")
        stages.append((f"followup_{k}", f"f{k}", answered, started, "no answer"))
    result = started & _flag(data, "responded_r") if "responded_r" in data.columns else started
    if "responded_r" in data.columns:
        stages.append(("result", "r", result, started, "no answer"))
    if analysed is None:
        final = result
    elif isinstance(analysed, str):
        final = ~np.isnan(outcome_values(data, analysed))
    else:
        final = np.asarray(analysed, dtype=bool)
    stages.append(("analysed", "", final, result, "outcome missing"))
    return stages


def _optional_flag(data: pd.DataFrame, column: str) -> np.ndarray | None:
    return _flag(data, column) if column in data.columns else None


def _boxes(data: pd.DataFrame, arms: dict, stages: list) -> pd.DataFrame:
    """The CONSORT 2025 boxes per arm (missing where the data do not record them)."""
    started = _optional_flag(data, "started")
    left = data["left_month"].notna().to_numpy() if "left_month" in data.columns else None
    completed = _optional_flag(data, "completed")
    if left is None and completed is not None:
        left = ~completed
    baseline = next((s[2] for s in stages if s[0] == "baseline"), np.ones(len(data), bool))
    result = next((s[2] for s in stages if s[0] == "result"), baseline)
    final = stages[-1][2]
    rows = []
    for name, in_arm in arms.items():
        allocated = int(in_arm.sum())
        took_up = int((started & in_arm).sum()) if started is not None else pd.NA
        # the control condition is not starting: a control who started did not receive it
        received = took_up if name != CONTROL or started is None else allocated - took_up
        stopped = (
            int((left & in_arm & started).sum())
            if left is not None and started is not None
            else int((left & in_arm).sum())
            if left is not None
            else pd.NA
        )
        rows.append(
            {
                "arm": name,
                "allocated": allocated,
                "received": received,
                "not_received": allocated - received if started is not None else pd.NA,
                "discontinued": stopped,
                "lost_to_follow_up": int((in_arm & ~result).sum()),
                "no_baseline": int((in_arm & ~baseline).sum()),
                "excluded_from_analysis": int((in_arm & result & ~final).sum()),
                "analysed": int((in_arm & final).sum()),
            }
        )
    out = pd.DataFrame(rows, columns=BOX_COLUMNS)
    for column in BOX_COLUMNS[1:]:
        out[column] = out[column].astype("Int64")
    return out


def consort_flow(
    data: pd.DataFrame,
    *,
    arm: str = "arm",
    analysed: str | np.ndarray | pd.Series | None = None,
    reason_column: str | None = None,
    assessed: int | None = None,
    excluded_before: int | None = None,
) -> ConsortFlow:
    """Count the participant flow by arm for a CONSORT diagram.

    Parameters
    ----------
    data : DataFrame
        Indicator table or linked panel: one row per randomised person with ``arm`` and
        ``responded_b``/``responded_f<k>``/``responded_r`` flags (absent waves are skipped).
    arm : str
        Arm column.
    analysed : str, boolean mask or None
        The primary outcome column (analysed = observed) or a mask. Default: answered both
        baseline and result.
    reason_column : str, optional
        Column with a known reason for dropping out, tabulated per stage in ``reasons``.
    assessed, excluded_before : int, optional
        People assessed for eligibility and excluded before randomisation, when known (the
        data hold only the randomised; without them the diagram says "not recorded").

    Returns
    -------
    ConsortFlow
    """
    require_columns(data, [reason_column], "reason")
    z = treatment_indicator(data, arm)
    everyone = np.ones(len(data), dtype=bool)
    stages = _stages(data, analysed)
    rows, reasons = [], []
    arms = {TREATMENT: z == 1, CONTROL: z == 0, "total": everyone}
    for order, (stage, wave, inside, before, reason) in enumerate(stages):
        for arm_name, in_arm in arms.items():
            n = int((inside & in_arm).sum())
            lost = before & ~inside & in_arm
            share = 100.0 * n / max(int(in_arm.sum()), 1)
            rows.append([stage, order, wave, arm_name, n, int(lost.sum()), reason, share])
            if reason_column is not None and lost.any():
                counts = data.loc[lost, reason_column].astype("string").fillna("(unknown)")
                for value, count in counts.value_counts().sort_index().items():
                    reasons.append([stage, arm_name, value, int(count)])
    table = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    reasons_df = pd.DataFrame(reasons, columns=["stage", "arm", "reason", "n"])
    for name, value in (("assessed", assessed), ("excluded_before", excluded_before)):
        if value is not None and (not isinstance(value, int | np.integer) or value < 0):
            raise InputError(f"consort_flow: {name} must be a count (integer ≥ 0); got {value!r}")
    boxes = _boxes(data, {k: v for k, v in arms.items() if k != "total"}, stages)
    return ConsortFlow(table, reasons_df, boxes, assessed, excluded_before)
