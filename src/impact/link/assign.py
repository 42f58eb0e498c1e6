"""One-to-one assignment: no record is linked twice on either side.

Candidate pairs above the threshold form a bipartite graph. Each connected component is solved
separately with the optimal assignment (``scipy.optimize.linear_sum_assignment``) maximising
the summed match weight (the log-likelihood ratio), so a record with several plausible
partners goes to the one that makes the whole component most likely (leaving a record
unlinked scores 0). Components with a single pair need no optimisation. Pairs above the
threshold whose records both remain free are added last (best first). Weights are compared
to 9 decimals, so candidates with the same agreement pattern tie exactly whichever engine
scored them, and ties go the same way for the same order of candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


@dataclass
class Assignment:
    """The chosen pairs and how contested the choice was.

    Attributes
    ----------
    chosen : pandas.DataFrame
        The candidate rows kept (same columns as the input).
    ambiguous : int
        Records (either side) that had more than one candidate above the threshold.
    """

    chosen: pd.DataFrame
    ambiguous: int


#: Decimals of the match weight (log2 odds) that decide the assignment. Weights equal to this
#: precision are ties, broken by the order of the candidates: engines that compute the same
#: weight with a different order of floating-point operations then make the same choices.
WEIGHT_DECIMALS = 9


def _comparable(weights: pd.Series) -> np.ndarray:
    """Match weights rounded to :data:`WEIGHT_DECIMALS` for comparing candidates."""
    return np.round(weights.to_numpy(dtype=float), WEIGHT_DECIMALS)


def _fill_free(above: pd.DataFrame, keep: list[int]) -> list[int]:
    """Add remaining pairs whose two records are both still free, best first.

    The optimal assignment never picks a pair with negative weight (probability below 0.5)
    when leaving it out is better; with a threshold below 0.5 such pairs still qualify when
    nothing competes for their records.
    """
    used_left = set(above.loc[keep, "left_uid"])
    used_right = set(above.loc[keep, "right_uid"])
    rest = above.drop(index=keep)
    rest = rest.iloc[np.argsort(-_comparable(rest["match_weight"]), kind="stable")]
    for row, left, right in zip(rest.index, rest["left_uid"], rest["right_uid"], strict=True):
        if left not in used_left and right not in used_right:
            keep.append(int(row))
            used_left.add(left)
            used_right.add(right)
    return keep


def one_to_one(candidates: pd.DataFrame, threshold: float) -> Assignment:
    """Keep a one-to-one set of candidate pairs above ``threshold``.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Scored pairs with ``left_uid``, ``right_uid``, ``match_weight``,
        ``match_probability``.
    threshold : float
        Minimum match probability for a link.

    Returns
    -------
    Assignment
    """
    above = candidates[candidates["match_probability"] >= threshold].reset_index(drop=True)
    if above.empty:
        return Assignment(above, 0)
    left_codes, left_ids = pd.factorize(above["left_uid"])
    right_codes, right_ids = pd.factorize(above["right_uid"])
    n_left, n_right = len(left_ids), len(right_ids)
    ambiguous = int((np.bincount(left_codes) > 1).sum() + (np.bincount(right_codes) > 1).sum())
    graph = coo_matrix(
        (np.ones(len(above)), (left_codes, n_left + right_codes)),
        shape=(n_left + n_right, n_left + n_right),
    )
    _, labels = connected_components(graph, directed=False)
    component = labels[left_codes]
    sizes = np.bincount(component)
    simple = sizes[component] == 1
    keep = np.flatnonzero(simple).tolist()
    weights = _comparable(above["match_weight"])
    contested = np.flatnonzero(~simple)
    if contested.size:
        order = np.argsort(component[contested], kind="stable")
        rows = contested[order]
        boundaries = np.flatnonzero(np.diff(component[rows])) + 1
        for group in np.split(rows, boundaries):
            lc, li = np.unique(left_codes[group], return_inverse=True)
            rc, ri = np.unique(right_codes[group], return_inverse=True)
            # cost: minus weight; a non-edge costs 0, i.e. the same as leaving both unlinked
            cost = np.zeros((len(lc), len(rc)))
            cost[li, ri] = -weights[group]
            index = np.full((len(lc), len(rc)), -1)
            index[li, ri] = group
            rows_i, cols_i = linear_sum_assignment(cost)
            keep.extend(int(c) for c in index[rows_i, cols_i] if c >= 0)
    keep = _fill_free(above, keep)
    chosen = above.loc[sorted(keep)].reset_index(drop=True)
    return Assignment(chosen, ambiguous)
