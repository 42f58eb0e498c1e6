"""The declared design of a randomised trial with take-up, attrition and clusters, and its truth.

One simulated participant has a prognostic index ``Z`` (the scaled sum of ``n_covariates``
standard normal covariates), a compliance type and two potential outcomes:

* **compliance** — a uniform draw ``w`` makes the participant an *always-taker* (``w <
  crossover``: starts the programme in either arm), a *complier* (``crossover ≤ w < take_up``)
  or a *never-taker*; ``take_up`` is the share of those offered a place who start it and
  ``crossover`` the share of the control arm who start it anyway;
* **outcome** — without the programme ``y(0) = 1{μ0 + b Z + e > 0}``, with it ``y(1) = 1{μ1 +
  b Z + e > 0}``, ``e`` standard normal (``√icc η_cluster + √(1 − icc) ε`` in cluster designs),
  ``μ`` set so that the rates are ``control_rate`` and ``control_rate + effect``: the effect of
  *taking part* is ``effect_pp`` for everyone, so the complier effect (CACE) is ``effect_pp`` and
  the offer's effect (ITT) is ``(take_up − crossover) × effect_pp``;
* **response** — a shared uniform draw ``u`` and ``missing(arm) = u < expit(a_arm + attrition_slope
  × Z)``, ``a_arm`` set so that the arm's expected missing share is its attrition: response is
  *monotone* in the arm (who answers in the arm with more attrition also answers in the other),
  as Lee bounds assume. Their estimand is the ITT among the *always-responders*.

Compliance, outcome noise and response are independent given ``Z``. Trials randomise exactly
``n_treatment`` participants (or ``n_treatment / cluster_size`` whole clusters) to the offer; in
a blocked design (``blocks`` equal blocks) exactly ``n_treatment / blocks`` in each block.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from impact.analysis.power.design import PowerRequestError, check_finite, check_in, check_rate
from impact.analysis.power.simulate import attrition_intercept, probit_slope

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(120)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


@dataclass(frozen=True)
class TrialData:
    """Simulated trials, one per row (``trials × n``).

    Attributes
    ----------
    treated : numpy.ndarray, shape (n,)
        Assignment (1 offered a place, 0 control), the same in every trial.
    cluster : numpy.ndarray of int, shape (n,) or None
        Cluster of each participant (None: individuals are randomised).
    block : numpy.ndarray of int, shape (n,) or None
        Randomisation block of each participant (None: one block).
    y : numpy.ndarray
        Binary outcome (0/1; meaningful only where observed).
    observed : numpy.ndarray of bool
        Whether the outcome was observed.
    started : numpy.ndarray of float
        Took part in the programme (1) or not (0).
    x : numpy.ndarray, shape (trials, n, k), or None
        Baseline covariates.
    """

    treated: np.ndarray
    cluster: np.ndarray | None
    block: np.ndarray | None
    y: np.ndarray
    observed: np.ndarray
    started: np.ndarray
    x: np.ndarray | None

    def frame(self, trial: int = 0) -> pd.DataFrame:
        """One trial as the indicator table the public estimators read.

        Columns: ``arm`` (``treatment`` / ``control``), ``y`` (boolean, ``pd.NA`` when not
        observed), ``started`` (boolean), ``x1`` … ``xk``, ``cluster`` in cluster designs and
        ``stratum`` (``B1``, ``B2`` …) in blocked designs.
        """
        pairs = zip(self.y[trial], self.observed[trial], strict=True)
        y = [bool(v) if seen else pd.NA for v, seen in pairs]
        columns = {
            "arm": np.where(self.treated == 1, "treatment", "control"),
            "y": pd.array(y, dtype="boolean"),
            "started": self.started[trial] == 1,
        }
        if self.x is not None:
            columns |= {f"x{j + 1}": self.x[trial, :, j] for j in range(self.x.shape[2])}
        if self.cluster is not None:
            columns["cluster"] = self.cluster
        if self.block is not None:
            columns["stratum"] = [f"B{b + 1}" for b in self.block]
        return pd.DataFrame(columns)


@dataclass(frozen=True)
class DeclaredDesign:
    """A validated declared design; build it with :meth:`declare`. Rates are proportions."""

    n_treatment: int
    n_control: int
    control_rate: float
    effect: float
    take_up: float
    crossover: float
    attrition_treatment: float
    attrition_control: float
    attrition_slope: float
    n_covariates: int
    r2: float
    icc: float
    cluster_size: int
    blocks: int

    @classmethod
    def declare(cls, *, n_treatment, n_control, control_rate, effect_pp, take_up=1.0,
                crossover=0.0, attrition_treatment=0.0, attrition_control=0.0,
                attrition_slope=0.0, n_covariates=0, r2=0.0, icc=0.0,
                cluster_size=1, blocks=1) -> DeclaredDesign:  # fmt: skip
        """Check every setting (raising :class:`PowerRequestError`) and build the design."""
        size = _whole("cluster_size", cluster_size, 1)
        n1, n0 = _whole("n_treatment", n_treatment, 2), _whole("n_control", n_control, 2)
        n_blocks = _check_blocks(blocks, n1, n0, size)
        for name, value in (("n_treatment", n1), ("n_control", n0)):
            if value % size or (size > 1 and value // size < 2):
                raise PowerRequestError(
                    f"{name}: got {value} — with cluster_size {size} each arm needs a whole "
                    "number of clusters, at least 2 (give a multiple of cluster_size)"
                )
        p0 = check_rate("control_rate", control_rate)
        effect = check_finite("effect_pp", effect_pp) / 100.0
        check_rate("control_rate + effect_pp", p0 + effect)
        take = check_in("take_up", take_up, 0.0, 1.0 + 1e-12, closed_low=False)
        cross = check_in("crossover", crossover, 0.0, 1.0, closed_low=True)
        if cross >= take:
            raise PowerRequestError(
                f"crossover: got {cross:g} — expected less than take_up = {take:g}; with no "
                "compliers the offer changes nothing and the CACE is not defined"
            )
        k = int(check_in("n_covariates", n_covariates, 0, 1e4, closed_low=True))
        r2 = check_in("r2", r2, 0.0, 1.0, closed_low=True)
        slope = check_finite("attrition_slope", attrition_slope)
        if k == 0 and (r2 > 0 or slope != 0):
            raise PowerRequestError(
                "r2 and attrition_slope describe covariates: give n_covariates ≥ 1 to use them"
            )
        probit_slope(p0, r2)  # raises when the R² is out of reach
        return cls(n1, n0, p0, effect, take, cross,
                   check_in("attrition_treatment", attrition_treatment, 0, 1, closed_low=True),
                   check_in("attrition_control", attrition_control, 0, 1, closed_low=True),
                   slope, k, r2, check_in("icc", icc, 0, 1, closed_low=True), size,
                   n_blocks)  # fmt: skip

    @property
    def n(self) -> int:
        """Participants randomised."""
        return self.n_treatment + self.n_control

    @property
    def complier_share(self) -> float:
        """Share of compliers: take-up among the offered minus crossover among controls."""
        return self.take_up - self.crossover

    @property
    def slope(self) -> float:
        """Probit slope ``b`` of the prognostic index (see the module docstring)."""
        return probit_slope(self.control_rate, self.r2)

    @property
    def mu(self) -> np.ndarray:
        """Probit intercepts without and with the programme."""
        rates = np.array([self.control_rate, self.control_rate + self.effect])
        return ndtri(rates) * math.sqrt(1.0 + self.slope**2)

    @property
    def intercepts(self) -> np.ndarray:
        """Missingness intercepts ``a`` of the control (0) and treatment (1) arms."""
        return np.array([
            attrition_intercept(self.attrition_control, self.attrition_slope),
            attrition_intercept(self.attrition_treatment, self.attrition_slope),
        ])  # fmt: skip

    def truth(self) -> dict[str, float]:
        """Estimands: ``itt``, ``cace`` and ``itt_always_responders`` (Lee bounds' target)."""
        b, mu = self.slope, self.mu
        gain = ndtr(mu[1] + b * _NODES) - ndtr(mu[0] + b * _NODES)
        responds = 1.0 - expit(self.intercepts.max() + self.attrition_slope * _NODES)
        always = float((_WEIGHTS * gain * responds).sum() / (_WEIGHTS * responds).sum())
        return {
            "itt": self.complier_share * self.effect,
            "cace": self.effect,
            "itt_always_responders": self.complier_share * always,
        }

    def treated(self) -> np.ndarray:
        """The assignment: in each block, its first ``n_treatment / blocks`` participants (whole
        clusters) are offered a place."""
        per_block = np.r_[np.ones(self.n_treatment // self.blocks),
                          np.zeros(self.n_control // self.blocks)]  # fmt: skip
        return np.tile(per_block, self.blocks)

    def block_ids(self) -> np.ndarray | None:
        """Block of each participant (consecutive equal blocks), or None for one block."""
        if self.blocks == 1:
            return None
        return np.arange(self.n) // (self.n // self.blocks)

    def clusters(self) -> np.ndarray | None:
        """Cluster of each participant (consecutive blocks of ``cluster_size``), or None."""
        if self.cluster_size == 1:
            return None
        return np.arange(self.n) // self.cluster_size

    def draw(self, rng: np.random.Generator, trials: int) -> TrialData:
        """Draw ``trials`` trials of the declared design (see the module docstring)."""
        n, k = self.n, self.n_covariates
        x = rng.standard_normal((trials, n, k)) if k else None
        index = x.sum(axis=2) / math.sqrt(k) if k else np.zeros((trials, n))
        noise = rng.standard_normal((trials, n))
        cluster = self.clusters()
        if cluster is not None and self.icc > 0:
            shared = rng.standard_normal((trials, self.n // self.cluster_size))[:, cluster]
            noise = math.sqrt(self.icc) * shared + math.sqrt(1.0 - self.icc) * noise
        treated = self.treated()
        w = rng.random((trials, n))
        started = np.where(treated == 1, w < self.take_up, w < self.crossover).astype(float)
        latent = self.slope * index + noise
        y = (self.mu[started.astype(int)] + latent > 0).astype(float)
        u = rng.random((trials, n))
        missing = u < expit(self.intercepts[treated.astype(int)] + self.attrition_slope * index)
        return TrialData(treated, cluster, self.block_ids(), y, ~missing, started, x)


def _check_blocks(blocks: object, n1: int, n0: int, cluster_size: int) -> int:
    """The number of randomisation blocks: each gets ``n1 / blocks`` offered, ``n0 / blocks``
    controls (at least 2 of each)."""
    n_blocks = _whole("blocks", blocks, 1)
    if n_blocks > 1 and cluster_size > 1:
        raise PowerRequestError(
            "blocks: blocked cluster randomisation is not simulated — give blocks=1 with "
            "clusters, or cluster_size=1 with blocks"
        )
    if n1 % n_blocks or n0 % n_blocks or min(n1, n0) // n_blocks < 2:
        raise PowerRequestError(
            f"blocks: got {n_blocks} — each arm's size ({n1}, {n0}) must divide into that many "
            "equal blocks with at least 2 per arm in each"
        )
    return n_blocks


def _whole(name: str, value: object, low: int) -> int:
    number = check_finite(name, value)
    if not math.isclose(number, round(number)) or round(number) < low:
        raise PowerRequestError(f"{name}: got {value!r} — expected a whole number ≥ {low}")
    return int(round(number))
