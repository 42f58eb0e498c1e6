"""Exact and coarsened exact matching (CEM), with MatchIt's subclass weights for the ATT.

Cells are the distinct combinations of the matching variables (after coarsening for CEM);
cells without both an intervention member and a control are dropped. Weights follow MatchIt's
``weights.subclass`` for the ATT: members get 1, a control in cell ``s`` gets
``n_treated(s) / n_control(s)``, and control weights are rescaled to sum to the number of
matched controls.

Coarsening follows MatchIt's ``cem``: a number of bins ``k`` cuts the pooled range into ``k``
equal-width bins (open at both ends); ``"sturges"`` takes ``k`` from Sturges' rule
(``ceil(log2(n)) + 1``); a list gives the cut points; bins are closed on the left
(``findInterval``). ``None`` leaves the variable uncoarsened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from impact.errors import AnalysisError, InputError

from .spec import Cutpoints


def coarsen_values(values: pd.Series, cuts: Cutpoints, name: str) -> pd.Series:
    """Bin numbers of ``values`` under ``cuts`` (MatchIt's ``cem`` rules); None = unchanged."""
    if cuts is None:
        return values
    if is_bool_dtype(values.dtype) or not is_numeric_dtype(values.dtype):
        raise InputError(
            f"cannot coarsen {name!r}: it is not numeric (give None to match it exactly)"
        )
    x = values.astype("Float64").astype(float).to_numpy()
    if isinstance(cuts, str):
        cuts = int(np.ceil(np.log2(len(x))) + 1)
    if isinstance(cuts, int):
        breaks = np.linspace(x.min(), x.max(), cuts + 1)
        breaks[[0, -1]] = [-np.inf, np.inf]
    else:
        breaks = np.concatenate([[-np.inf], np.unique(np.asarray(cuts, float)), [np.inf]])
    # findInterval: index of the last break ≤ x
    return pd.Series(np.searchsorted(breaks, x, side="right"), index=values.index)


def cell_keys(
    persons: pd.DataFrame, variables: Sequence[str], cuts: Mapping[str, Cutpoints]
) -> pd.Series:
    """One text key per person: the (coarsened) values of ``variables`` joined."""
    parts = []
    for name in variables:
        column = coarsen_values(persons[name], cuts.get(name), name)
        parts.append(column.astype("string").fillna("<NA>"))
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    return key


def subclass_weights(subclass: pd.Series, treated: np.ndarray) -> np.ndarray:
    """ATT weights from subclasses (MatchIt ``weights.subclass``); unmatched rows get 0."""
    matched = subclass.notna().to_numpy(bool)
    weights = np.zeros(len(subclass))
    codes = subclass.to_numpy()
    t = (treated == 1) & matched
    c = (treated == 0) & matched
    n_t = pd.Series(codes[t]).value_counts()
    n_c = pd.Series(codes[c]).value_counts()
    weights[t] = 1.0
    weights[c] = n_t.reindex(codes[c]).to_numpy(float) / n_c.reindex(codes[c]).to_numpy(float)
    if c.any():
        weights[c] *= c.sum() / weights[c].sum()
    return weights


def match_cells(
    persons: pd.DataFrame, variables: Sequence[str], cuts: Mapping[str, Cutpoints]
) -> tuple[pd.Series, np.ndarray]:
    """Exact/CEM matching: subclass number (1, 2, … in order of first appearance) and weights.

    Raises
    ------
    AnalysisError
        No cell holds both an intervention member and a control.
    """
    treated = persons["treated"].to_numpy(int)
    key = cell_keys(persons, variables, cuts).to_numpy(dtype=object)
    both = set(key[treated == 1]) & set(key[treated == 0])
    if not both:
        raise AnalysisError(
            "no intervention member has a control with the same values of "
            f"{', '.join(variables)}; coarsen more or match on fewer variables"
        )
    order = {k: i + 1 for i, k in enumerate(dict.fromkeys(k for k in key if k in both))}
    subclass = pd.Series([order.get(k) for k in key], dtype="Int64")
    return subclass, subclass_weights(subclass, treated)
