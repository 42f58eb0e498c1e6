"""Outcomes of a matched comparison: monthly rates, end-of-study difference, DiD, event study.

All estimates use the matching weights (members 1, controls their MatchIt weight; unmatched
persons are left out):

* **monthly rate** by group: weighted mean with the linearisation standard error
  ``sqrt(Σw²(y−ȳ)²)/Σw`` and a normal interval clipped to [0, 1] for shares;
* **difference at study end**: weighted least squares of the outcome in ``end_month`` on the
  group, heteroskedasticity-robust HC1 errors (one row per person, so this is also
  cluster-robust by person);
* **regression adjustment**: the same with the matching variables added (text as dummies);
* **difference-in-differences**: the person-month panel, ``y ~ group + month dummies +
  group × post`` with ``post`` = months after ``reference_month``, weighted, errors clustered
  by person (CR1, as ``sandwich::vcovCL`` ``HC1``);
* **event study**: ``y ~ group + month dummies + group × month`` (all months but the
  reference), same weights and clustering — pre-period coefficients check parallel trends.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import AnalysisError

from .nearest import numeric_matrix
from .regression import wls

ESTIMATE_COLUMNS = ["estimate", "std_error", "ci_lower", "ci_upper", "p_value", "n"]


def monthly_rates(panel: pd.DataFrame, *, level: float = 0.95, share: bool = True) -> pd.DataFrame:
    """Weighted outcome mean by group and month.

    Parameters
    ----------
    panel : DataFrame
        ``group``, ``month``, ``y``, ``weight`` (rows with weight 0 ignored).
    level : float
        Confidence level.
    share : bool
        Clip intervals to [0, 1] (the outcome is a share).
    """
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    used = panel[panel["weight"] > 0]
    for (group, month), part in used.groupby(["group", "month"], sort=True):
        y, w = part["y"].to_numpy(float), part["weight"].to_numpy(float)
        mean = float(np.sum(w * y) / w.sum())
        se = float(np.sqrt(np.sum(w**2 * (y - mean) ** 2)) / w.sum())
        lower, upper = mean - z * se, mean + z * se
        if share:
            lower, upper = max(lower, 0.0), min(upper, 1.0)
        rows.append((group, int(month), mean, se, lower, upper, len(part)))
    return pd.DataFrame(
        rows, columns=["group", "month", "rate", "std_error", "ci_lower", "ci_upper", "n"]
    )


def end_difference(
    panel: pd.DataFrame,
    persons: pd.DataFrame,
    *,
    end_month: int,
    adjust: Sequence[str] = (),
    level: float = 0.95,
) -> dict:
    """Weighted difference (intervention − control) in ``end_month``, optionally adjusted.

    Returns
    -------
    dict
        ``estimate``, ``std_error``, ``ci_lower``, ``ci_upper``, ``p_value``, ``n``.
    """
    end = panel[(panel["month"] == end_month) & (panel["weight"] > 0)]
    if end["treated"].nunique() < 2:
        raise AnalysisError(f"month {end_month}: the register has no data for one of the groups")
    x = pd.DataFrame({"const": 1.0, "treated": end["treated"].to_numpy(float)}, index=end.index)
    if adjust:
        covs = numeric_matrix(persons.set_index("person_id").loc[end["person_id"]], adjust)
        covs.index = end.index
        covs = covs.loc[:, covs[end["weight"] > 0].nunique() > 1]
        x = pd.concat([x, covs], axis=1)
    fit = wls(end["y"].to_numpy(float), x, end["weight"].to_numpy(float))
    return fit.row("treated", level)


def _panel_design(panel: pd.DataFrame, reference_month: int) -> pd.DataFrame:
    months = sorted(panel["month"].unique())
    x = pd.DataFrame({"treated": panel["treated"].to_numpy(float)}, index=panel.index)
    for m in months:
        x[f"month[{m}]"] = (panel["month"] == m).to_numpy(float)
    return x


def did(panel: pd.DataFrame, *, reference_month: int = 0, level: float = 0.95) -> dict:
    """Difference-in-differences: the ``treated × post`` coefficient (weighted, CR1 by person)."""
    used = panel[panel["weight"] > 0]
    if not ((used["month"] <= reference_month).any() and (used["month"] > reference_month).any()):
        raise AnalysisError(
            f"difference-in-differences needs months up to and after month {reference_month}"
        )
    x = _panel_design(used, reference_month)
    x["treated_x_post"] = x["treated"] * (used["month"] > reference_month).to_numpy(float)
    fit = wls(
        used["y"].to_numpy(float), x, used["weight"].to_numpy(float), used["person_id"].to_numpy()
    )
    return {**fit.row("treated_x_post", level), "n": used["person_id"].nunique()}


def event_study(
    panel: pd.DataFrame, *, reference_month: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Group difference by month relative to ``reference_month`` (weighted, CR1 by person).

    Returns
    -------
    DataFrame
        ``month`` and :data:`ESTIMATE_COLUMNS`; the reference month has estimate 0.
    """
    used = panel[panel["weight"] > 0]
    months = sorted(used["month"].unique())
    if reference_month not in months:
        raise AnalysisError(
            f"event study: the reference month {reference_month} is not in the data"
        )
    x = _panel_design(used, reference_month)
    for m in months:
        if m != reference_month:
            x[f"treated_x_month[{m}]"] = x["treated"] * (used["month"] == m).to_numpy(float)
    fit = wls(
        used["y"].to_numpy(float), x, used["weight"].to_numpy(float), used["person_id"].to_numpy()
    )
    n = used["person_id"].nunique()
    rows = []
    for m in months:
        if m == reference_month:
            rows.append(
                {
                    "month": m,
                    "estimate": 0.0,
                    "std_error": 0.0,
                    "ci_lower": 0.0,
                    "ci_upper": 0.0,
                    "p_value": 1.0,
                    "n": n,
                }
            )
        else:
            rows.append({"month": m, **fit.row(f"treated_x_month[{m}]", level), "n": n})
    return pd.DataFrame(rows)
