"""Balance diagnostics: standardised mean differences and variance ratios, before and after.

Definitions follow MatchIt's ``summary.matchit`` for the ATT, so the numbers can be checked
against it:

* text variables are split into one 0/1 term per level; booleans are 0/1 terms; a numeric
  variable with only 0/1 values counts as binary;
* the standardised mean difference (SMD) is the (weighted) mean difference divided by the
  standard deviation of the intervention group in the *unmatched* sample — ``sqrt(p(1−p))``
  for binary terms, the sample SD for the others — the same denominator before and after;
* the variance ratio (non-binary terms only) is the weighted variance of the intervention
  group over that of the controls, with weights normalised to sum to one and the variance
  ``Σw(x−x̄)² / (1 − Σw²)``.

The usual rule of thumb: |SMD| < 0.1 and variance ratios between 0.5 and 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from impact.results import Result

BALANCE_COLUMNS = [
    "variable",
    "term",
    "binary",
    "mean_treated_before",
    "mean_control_before",
    "smd_before",
    "var_ratio_before",
    "mean_treated_after",
    "mean_control_after",
    "smd_after",
    "var_ratio_after",
]
EPS = float(np.sqrt(np.finfo(float).eps))


def balance_terms(
    persons: pd.DataFrame, variables: Sequence[str]
) -> list[tuple[str, str, np.ndarray]]:
    """``(variable, term, values)`` for every balance term (text → one term per level)."""
    terms = []
    for name in variables:
        values = persons[name]
        if is_bool_dtype(values.dtype) or is_numeric_dtype(values.dtype):
            terms.append((name, name, values.astype("Float64").astype(float).to_numpy()))
        else:
            text = values.astype("string")
            for level in sorted(text.dropna().unique()):
                terms.append((name, f"{name}[{level}]", (text == level).astype(float).to_numpy()))
    return terms


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * x) / np.sum(w))


def _wvar(x: np.ndarray, w: np.ndarray, binary: bool) -> float:
    w = w / w.sum()
    m = np.sum(w * x)
    if binary:
        return float(m * (1 - m))
    denom = 1.0 - np.sum(w**2)
    return float(np.sum(w * (x - m) ** 2) / denom) if denom > 0 else float("nan")


def _side(x, treated, w, sd, binary):
    t, c = (treated == 1) & (w > 0), (treated == 0) & (w > 0)
    mt, mc = _wmean(x[t], w[t]), _wmean(x[c], w[c])
    diff = mt - mc
    smd = diff / sd if abs(diff) > EPS else diff
    ratio = np.nan
    if not binary:
        vc = _wvar(x[c], w[c], False)
        ratio = _wvar(x[t], w[t], False) / vc if vc > 0 else np.nan
    return mt, mc, smd, ratio


def balance_table(
    persons: pd.DataFrame, variables: Sequence[str], weights: np.ndarray
) -> pd.DataFrame:
    """SMD and variance ratio of every term before (all persons) and after (weights).

    Returns
    -------
    DataFrame
        :data:`BALANCE_COLUMNS`; ``var_ratio_*`` is missing for binary terms.
    """
    treated = persons["treated"].to_numpy(int)
    ones = np.ones(len(persons))
    w = np.asarray(weights, float)
    rows = []
    for variable, term, x in balance_terms(persons, variables):
        binary = bool(np.all((x == 0) | (x == 1)))
        xt = x[treated == 1]
        sd = np.sqrt(_wvar(xt, np.ones(len(xt)), binary))
        if not np.isfinite(sd) or sd < EPS:
            # MatchIt falls back to the pooled SD when the treated SD is zero
            xc = x[treated == 0]
            sd = np.sqrt(
                (_wvar(xt, np.ones(len(xt)), binary) + _wvar(xc, np.ones(len(xc)), binary)) / 2
            )
        before = _side(x, treated, ones, sd, binary)
        after = _side(x, treated, w, sd, binary)
        rows.append((variable, term, binary, *before, *after))
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)


@dataclass(frozen=True)
class Balance(Result):
    """Balance of the matching variables before and after matching.

    Attributes
    ----------
    table : DataFrame
        :data:`BALANCE_COLUMNS`.
    threshold : float
        |SMD| threshold used in :meth:`summary` and the love plot (default 0.1).
    """

    table: pd.DataFrame
    threshold: float = 0.1
    title: str = "Balance before and after matching"

    def tidy(self) -> pd.DataFrame:
        """The balance table."""
        return self.table[BALANCE_COLUMNS].copy()

    @property
    def max_abs_smd(self) -> float:
        """Largest |SMD| after matching."""
        return float(self.table["smd_after"].abs().max())

    def summary(self) -> str:
        """Largest |SMD| before and after, and the terms above the threshold after."""
        t = self.table
        above = t.loc[t["smd_after"].abs() >= self.threshold, "term"].tolist()
        text = (
            f"{self.title}: max |SMD| {t['smd_before'].abs().max():.3f} before, "
            f"{self.max_abs_smd:.3f} after"
        )
        if above:
            text += f"; |SMD| ≥ {self.threshold:g} after matching: {', '.join(above)}"
        return text
