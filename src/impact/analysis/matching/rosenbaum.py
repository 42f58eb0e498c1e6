"""Rosenbaum bounds: how much hidden bias in who joined would overturn a matched result.

Rosenbaum's sensitivity model lets two people in the same matched set differ in their odds of
joining the programme by at most a factor ``Γ`` because of something not matched on. For each
``Γ`` the p-value of the test of no effect is bounded from above and below; the result "loses
significance" at the ``Γ`` where the upper bound passes ``alpha`` (Rosenbaum 2002,
*Observational Studies*, 2nd ed., ch. 4).

Binary outcome (matched sets of one member and ``J − 1 ≥ 1`` controls, ``m`` of the ``J``
with the outcome): only sets with ``0 < m < J`` carry information. The statistic ``T`` is the
number of informative sets in which the member has the outcome. Under ``Γ`` the member is one
of the ``m`` with probability at most ``p̄ = Γm / (Γm + J − m)`` and at least
``p = m / (m + Γ(J − m))`` (Rosenbaum 2002, §4.4), so the bounds are the exact upper tails
``P(Σ Bernoulli(p̄_s) ≥ T)`` and ``P(Σ Bernoulli(p_s) ≥ T)`` (Poisson-binomial, computed by
convolution). For pairs (``J = 2``, ``m = 1``: the discordant pairs) this is McNemar's bound
``P(Binom(D, Γ/(1+Γ)) ≥ T)`` with ``D`` discordant pairs.

Continuous outcome: Wilcoxon's signed-rank statistic on the within-set differences (member −
mean of its controls, rounded to 10 decimals; zero differences dropped, tied absolute
differences get average ranks).
Under ``Γ`` the statistic is bounded by the sum of ``rank_i × Bernoulli(p⁺)``,
``p⁺ = Γ/(1+Γ)``, with mean ``p⁺ Σ rank`` and variance ``p⁺(1−p⁺) Σ rank²``; the bounds use
the normal approximation (Rosenbaum 2002, §4.3.3, as ``rbounds::psens``). For sets with more
than one control the set-mean difference is an approximation to the multiple-control bound.

Tests are one-sided in the direction of the observed effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from impact.errors import InputError
from impact.results import Result

DEFAULT_GAMMAS: tuple[float, ...] = tuple(round(1.0 + 0.1 * k, 1) for k in range(21))
BoundMethod = Literal["auto", "binary", "signed_rank"]


@dataclass(frozen=True)
class RosenbaumResult(Result):
    """Bounds on the p-value of the matched comparison for each ``Γ``.

    Attributes
    ----------
    table : DataFrame
        ``gamma``, ``p_upper``, ``p_lower``, ``significant`` (``p_upper ≤ alpha``).
    method : str
        ``binary`` (McNemar / multiple controls) or ``signed_rank``.
    statistic : float
        ``T`` (binary: informative sets where the member has the outcome; signed rank: sum of
        the ranks of the positive differences).
    n_sets, n_informative : int
        Matched sets, and those carrying information (binary: discordant; signed rank:
        non-zero difference).
    alternative : str
        ``greater`` or ``less`` (the direction tested).
    alpha : float
    gamma_critical : float
        The ``Γ`` at which the upper bound equals ``alpha`` (``nan`` when the result is not
        significant even at ``Γ = 1``; ``inf`` when it stays significant up to ``Γ = 1000``).
    """

    table: pd.DataFrame
    method: str
    statistic: float
    n_sets: int
    n_informative: int
    alternative: str
    alpha: float
    gamma_critical: float
    settings: dict = field(default_factory=dict)
    title: str = "Rosenbaum bounds"

    def tidy(self) -> pd.DataFrame:
        """One row per ``Γ``."""
        return self.table.copy()

    def summary(self) -> str:
        """The statistic, the critical ``Γ`` and the grid."""
        lead = (
            f"{self.title} ({self.method}, {self.alternative}): T = {self.statistic:g} over "
            f"{self.n_informative} informative of {self.n_sets} matched sets."
        )
        if np.isnan(self.gamma_critical):
            verdict = f"Not significant at alpha = {self.alpha:g} even without hidden bias."
        else:
            verdict = (
                f"Significant at alpha = {self.alpha:g} until hidden bias of "
                f"Gamma = {self.gamma_critical:.2f}."
            )
        return "\n".join([lead, verdict, self.table.to_string(index=False)])


def _poisson_binomial_tail(probs: np.ndarray, t: int) -> float:
    """``P(Σ Bernoulli(probs) ≥ t)`` by convolution (exact)."""
    dist = np.array([1.0])
    for p in probs:
        dist = np.convolve(dist, [1.0 - p, p])
    return float(np.clip(dist[max(t, 0) :].sum(), 0.0, 1.0))


def _binary_bounds(sets: pd.DataFrame, gamma: float) -> tuple[float, float]:
    j, m, t = sets["size"].to_numpy(float), sets["events"].to_numpy(float), sets["t"]
    upper = gamma * m / (gamma * m + j - m)
    lower = m / (m + gamma * (j - m))
    total = int(t.sum())
    return _poisson_binomial_tail(upper, total), _poisson_binomial_tail(lower, total)


def _signed_rank_bounds(ranks: np.ndarray, positive: np.ndarray, gamma: float):
    statistic = float(ranks[positive].sum())
    out = []
    for p in (gamma / (1.0 + gamma), 1.0 / (1.0 + gamma)):
        mean, var = p * ranks.sum(), p * (1.0 - p) * (ranks**2).sum()
        out.append(float(stats.norm.sf((statistic - mean) / np.sqrt(var))))
    return out[0], out[1]


def _sets(data: pd.DataFrame, outcome: str, group: str, matched_set: str) -> pd.DataFrame:
    for name in (outcome, group, matched_set):
        if name not in data.columns:
            raise InputError(
                f"rosenbaum_bounds: column {name!r} is missing; give the outcome, the group "
                "(1 = member, 0 = control) and the matched-set id columns"
            )
    frame = data[[matched_set, group, outcome]].dropna()
    frame = frame.assign(_g=frame[group].astype(float), _y=frame[outcome].astype(float))
    if not frame["_g"].isin([0.0, 1.0]).all():
        raise InputError(f"rosenbaum_bounds: column {group!r} must be 0/1 or boolean")
    by = frame.groupby(matched_set, sort=True)
    sets = pd.DataFrame(
        {
            "members": by["_g"].sum(),
            "size": by["_g"].size(),
            "y_member": frame["_y"].where(frame["_g"] == 1, 0.0).groupby(frame[matched_set]).sum(),
            "y_controls": frame.loc[frame["_g"] == 0].groupby(matched_set)["_y"].mean(),
            "events": by["_y"].sum(),
        }
    )
    bad = sets[(sets["members"] != 1) | (sets["size"] < 2)]
    if len(bad):
        first = bad.iloc[0]
        raise InputError(
            f"rosenbaum_bounds: matched set {bad.index[0]!r} has {int(first['members'])} "
            f"members among {int(first['size'])} people; each set needs exactly one member "
            "and at least one control (use pair or 1:k matching without replacement)"
        )
    return sets


def _critical(upper_at, alpha: float) -> float:
    if upper_at(1.0) > alpha:
        return float("nan")
    if upper_at(1000.0) <= alpha:
        return float("inf")
    return float(optimize.brentq(lambda g: upper_at(g) - alpha, 1.0, 1000.0, xtol=1e-12))


def rosenbaum_bounds(
    data: pd.DataFrame,
    *,
    outcome: str = "y",
    group: str = "treated",
    matched_set: str = "subclass",
    method: BoundMethod = "auto",
    gammas: Sequence[float] = DEFAULT_GAMMAS,
    alpha: float = 0.05,
) -> RosenbaumResult:
    """Rosenbaum bounds for matched sets of one member and one or more controls.

    Parameters
    ----------
    data : DataFrame
        One row per matched person: ``outcome``, ``group`` (1/True = programme member) and
        ``matched_set`` (the set id, e.g. a :class:`MatchedSet`'s ``subclass``).
    outcome, group, matched_set : str
        Column names.
    method : {"auto", "binary", "signed_rank"}
        ``auto``: ``binary`` when the outcome is 0/1, else ``signed_rank``.
    gammas : sequence of float
        The ``Γ`` grid (default 1, 1.1, …, 3).
    alpha : float
        Significance level for ``significant`` and ``gamma_critical``.

    Returns
    -------
    RosenbaumResult
    """
    if not 0.0 < float(alpha) < 1.0:
        raise InputError(f"rosenbaum_bounds: alpha must be between 0 and 1; got {alpha!r}")
    if any(float(g) < 1.0 for g in gammas):
        raise InputError("rosenbaum_bounds: every gamma must be at least 1")
    sets = _sets(data, outcome, group, matched_set)
    binary = bool(data[outcome].dropna().astype(float).isin([0.0, 1.0]).all())
    chosen = ("binary" if binary else "signed_rank") if method == "auto" else method
    if chosen == "binary" and not binary:
        raise InputError(f"rosenbaum_bounds: method 'binary' needs a 0/1 {outcome!r}")
    # differences equal to 10 decimals are ties (set means carry floating-point noise)
    diff = np.round((sets["y_member"] - sets["y_controls"]).to_numpy(float), 10)
    alternative = "less" if diff.mean() < 0 else "greater"
    sign = -1.0 if alternative == "less" else 1.0
    if chosen == "binary":
        m = sets["events"] if sign > 0 else sets["size"] - sets["events"]
        y = sets["y_member"] if sign > 0 else 1.0 - sets["y_member"]
        info = sets.assign(events=m, t=y)[(m > 0) & (m < sets["size"])]
        statistic, n_info = float(info["t"].sum()), len(info)

        def bounds(g):
            return _binary_bounds(info, g)
    else:
        d = sign * diff[diff != 0]
        ranks = stats.rankdata(np.abs(d))
        statistic, n_info = float(ranks[d > 0].sum()), len(d)

        def bounds(g):
            return _signed_rank_bounds(ranks, d > 0, g)

    if n_info == 0:
        raise InputError("rosenbaum_bounds: no matched set carries information (no differences)")
    rows = [(float(g), *bounds(float(g))) for g in gammas]
    table = pd.DataFrame(rows, columns=["gamma", "p_upper", "p_lower"])
    table["significant"] = table["p_upper"] <= alpha
    critical = _critical(lambda g: bounds(g)[0], float(alpha))
    settings = {"outcome": outcome, "group": group, "matched_set": matched_set}
    return RosenbaumResult(
        table, chosen, statistic, len(sets), n_info, alternative, float(alpha), critical, settings
    )
