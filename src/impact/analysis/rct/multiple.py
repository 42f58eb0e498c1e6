"""Multiple testing across a family of outcomes.

* :func:`adjust_pvalues` — Holm (family-wise error), Benjamini–Hochberg (false discovery
  rate) and the other ``statsmodels.stats.multitest.multipletests`` methods.
* :func:`westfall_young` — Westfall & Young (1993) free step-down "maxT" adjustment using the
  randomisation draws of :func:`~impact.analysis.rct.randomisation.randomisation_test`. The
  joint permutation distribution keeps the correlation between outcomes, so it is less
  conservative than Holm when outcomes are correlated. With a permutation null this is the
  same procedure as the Romano–Wolf (2005) step-down.

Missing p-values (an outcome that could not be tested) are left out of the family and
reported as missing with a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from impact.errors import InputError
from impact.results import Result
from impact.validation import check_choice

from .randomisation import RandomisationResult

PAdjustMethod = Literal["holm", "bonferroni", "fdr_bh", "fdr_by", "hommel", "sidak"]


@dataclass(frozen=True)
class MultipleTestingResult(Result):
    """Raw and adjusted p-values for one family of tests (one row per test)."""

    table: pd.DataFrame
    family: str = "outcomes"
    title: str = "Multiple-testing adjusted p-values"

    def tidy(self) -> pd.DataFrame:
        """Columns: family, test, p_value, then ``<method>_p`` per adjustment, note."""
        return self.table.copy()


def adjust_pvalues(
    pvalues: Mapping[str, float] | pd.Series,
    *,
    methods: Sequence[PAdjustMethod] = ("holm", "fdr_bh"),
    family: str = "outcomes",
) -> MultipleTestingResult:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    pvalues : mapping or Series
        Test name → raw p-value (NaN allowed: left out of the family).
    methods : sequence of str
        ``statsmodels`` method names: ``"holm"``, ``"fdr_bh"`` (Benjamini–Hochberg), …
    family : str
        Name of the family, repeated in the table.

    Returns
    -------
    MultipleTestingResult
        Columns ``family, test, p_value, <method>_p…, note``.
    """
    for m in methods:
        check_choice("methods", m, PAdjustMethod)
    series = pd.Series(pvalues, dtype=float)
    bad = series[(series < 0) | (series > 1)]
    if not bad.empty:
        raise InputError(f"p-values must lie in [0, 1]; got {bad.to_dict()}")
    ok = series.notna()
    table = pd.DataFrame({"family": family, "test": series.index.astype(str), "p_value": series})
    for m in methods:
        adjusted = np.full(len(series), np.nan)
        if ok.any():
            adjusted[ok.to_numpy()] = multipletests(series[ok].to_numpy(), method=m)[1]
        table[f"{m}_p"] = adjusted
    table["note"] = np.where(ok, "", "not tested: left out of the family")
    return MultipleTestingResult(table.reset_index(drop=True), family)


def westfall_young(
    randomisation: RandomisationResult,
    outcomes: Sequence[str] | None = None,
    *,
    family: str = "outcomes",
) -> MultipleTestingResult:
    """Westfall–Young step-down maxT p-values from shared randomisation draws.

    Parameters
    ----------
    randomisation : RandomisationResult
        Result of :func:`randomisation_test` run on all outcomes of the family *together*
        (so every outcome saw the same assignment draws).
    outcomes : sequence of str, optional
        The family (default: every tested outcome).
    family : str
        Family name for the table.

    Returns
    -------
    MultipleTestingResult
        Columns ``family, test, p_value`` (the RI p-value), ``westfall_young_p``, ``note``.

    Notes
    -----
    Outcomes are ordered by decreasing |T|; for the j-th, the adjusted p-value is the share of
    draws in which the maximum |T*| over the outcomes not yet rejected (j and less extreme)
    reaches |T_j|, with the same +1 correction as the raw RI p-value for random draws, and
    monotonicity enforced. Draws where an outcome's statistic is undefined count as 0 for it.
    """
    table = randomisation.tidy().set_index("outcome")
    names = list(table.index) if outcomes is None else list(outcomes)
    unknown = [o for o in names if o not in table.index]
    if unknown:
        raise InputError(f"westfall_young: outcome(s) {unknown} were not in the randomisation test")
    observed = table.loc[names, "observed"].to_numpy(dtype=float)
    tested = [o for o, t in zip(names, observed, strict=True) if np.isfinite(t)]
    adjusted = dict.fromkeys(names, np.nan)
    if tested:
        obs = np.abs(table.loc[tested, "observed"].to_numpy(dtype=float))
        null = np.abs(np.column_stack([randomisation.null_statistics[o] for o in tested]))
        null = np.nan_to_num(null, nan=0.0)
        order = np.argsort(-obs)
        exact = randomisation.method == "exact"
        weights = randomisation.weights
        if weights is None:
            weights = np.ones(null.shape[0])
        # running max over the outcomes from the least extreme upward
        running = np.zeros(null.shape[0])
        raw = np.empty(len(tested))
        for pos in order[::-1]:
            running = np.maximum(running, null[:, pos])
            hits = running >= obs[pos] * (1 - 1e-10)
            if exact:
                raw[pos] = float(np.sum(weights[hits]) / np.sum(weights))
            else:
                raw[pos] = (1 + int(hits.sum())) / (1 + null.shape[0])
        stepped = np.maximum.accumulate(raw[order])
        for rank, pos in enumerate(order):
            adjusted[tested[pos]] = min(1.0, float(stepped[rank]))
    out = pd.DataFrame(
        {
            "family": family,
            "test": names,
            "p_value": table.loc[names, "p_value"].to_numpy(dtype=float),
            "westfall_young_p": [adjusted[o] for o in names],
        }
    )
    out["note"] = np.where(out["westfall_young_p"].isna(), "not tested: left out of the family", "")
    return MultipleTestingResult(out, family, title="Westfall–Young step-down p-values")
