"""The assumptions of a power calculation, validated once at the boundary.

A :class:`Assumptions` object holds everything except the sample sizes and the rates: the
significance level, sidedness, variance method, covariate R², clustering and expected attrition.
:class:`Arms` holds the numbers *enrolled* (randomised) per arm; the numbers analysed are the
enrolled numbers shrunk by the expected attrition. Every check raises :class:`PowerRequestError`
(an :class:`impact.errors.ImpactError`) naming the argument, the value and what was expected.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal, get_args

from impact.errors import PowerRequestError
from impact.validation import check_choice

#: Variance method of the normal approximation (see :mod:`impact.analysis.power.methods`).
Method = Literal["unpooled", "pooled", "arcsine"]
#: Direction of the effect searched for by :func:`impact.analysis.power.mde`.
Direction = Literal["increase", "decrease", "both"]
Sides = Literal[1, 2]

METHODS: tuple[str, ...] = get_args(Method)
DIRECTIONS: tuple[str, ...] = get_args(Direction)

#: The default method: the Wald test with unpooled variance is the test the package's ITT
#: estimator (difference in means with HC2 standard errors) carries out.
DEFAULT_METHOD: Method = "unpooled"


def check_finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool):
        raise PowerRequestError(f"{name}: got {value!r} — expected a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PowerRequestError(f"{name}: got {value!r} — expected a number") from None
    if not math.isfinite(number):
        raise PowerRequestError(f"{name}: got {value!r} — expected a finite number")
    return number


def check_rate(name: str, value: object) -> float:
    """A proportion strictly between 0 and 1 (e.g. 0.3 for 30 %)."""
    rate = check_finite(name, value)
    if not 0.0 < rate < 1.0:
        hint = " (give a proportion, e.g. 0.3 for 30 %)" if 1.0 < rate <= 100.0 else ""
        raise PowerRequestError(
            f"{name}: got {value!r} — expected a proportion strictly between 0 and 1{hint}"
        )
    return rate


def check_in(name: str, value: object, low: float, high: float, *, closed_low: bool) -> float:
    """A number in ``[low, high)`` (``closed_low``) or ``(low, high)``."""
    number = check_finite(name, value)
    ok = (low <= number if closed_low else low < number) and number < high
    if not ok:
        bracket = "[" if closed_low else "("
        raise PowerRequestError(
            f"{name}: got {value!r} — expected a number in {bracket}{low:g}, {high:g})"
        )
    return number


def check_power_target(power: object, alpha: float) -> float:
    """The target power: in (alpha, 1); a power at or below alpha needs no data at all."""
    target = check_finite("power", power)
    if not 0.0 < target < 1.0:
        raise PowerRequestError(f"power: got {power!r} — expected a number between 0 and 1")
    if target <= alpha:
        raise PowerRequestError(
            f"power: got {power!r} — expected more than alpha = {alpha:g}; a test rejects with "
            "probability alpha even when there is no effect, so a power at or below alpha is "
            "not a meaningful target"
        )
    return target


@dataclass(frozen=True)
class Assumptions:
    """Everything a power calculation assumes besides the sample sizes and the rates.

    Attributes
    ----------
    alpha : float
        Significance level, in (0, 1).
    sides : {1, 2}
        Two-sided test, or one-sided in the direction of the effect.
    method : {"unpooled", "pooled", "arcsine"}
        Variance method of the normal approximation.
    r2 : float
        Share of the outcome's variance explained by baseline covariates, in [0, 1); the
        variance of the estimated difference is multiplied by ``1 - r2``.
    icc : float
        Intra-cluster correlation, in [0, 1).
    cluster_size : float
        Average number of participants per cluster (1 = individual randomisation).
    attrition : float
        Expected share of enrolled participants missing at the outcome measurement, in [0, 1).
    cluster_cv : float
        Coefficient of variation of the cluster sizes (standard deviation / mean), ≥ 0; 0 means
        clusters of equal size. Unequal clusters raise the design effect (Eldridge, Ashby &
        Kerry 2006).
    """

    alpha: float = 0.05
    sides: Sides = 2
    method: Method = DEFAULT_METHOD
    r2: float = 0.0
    icc: float = 0.0
    cluster_size: float = 1.0
    attrition: float = 0.0
    cluster_cv: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", check_in("alpha", self.alpha, 0.0, 1.0, closed_low=False))
        check_choice("sides", self.sides, (1, 2), error=PowerRequestError)
        check_choice("method", self.method, METHODS, error=PowerRequestError)
        object.__setattr__(self, "r2", check_in("r2", self.r2, 0.0, 1.0, closed_low=True))
        object.__setattr__(self, "icc", check_in("icc", self.icc, 0.0, 1.0, closed_low=True))
        for name, low, expected in (
            ("cluster_size", 1.0, "at least 1 participant per cluster (1 means individual "
             "randomisation)"),
            ("cluster_cv", 0.0, "the coefficient of variation of the cluster sizes (standard "
             "deviation / mean), 0 or more"),
        ):  # fmt: skip
            value = check_finite(name, getattr(self, name))
            if value < low:
                raise PowerRequestError(
                    f"{name}: got {getattr(self, name)!r} — expected {expected}"
                )
            object.__setattr__(self, name, value)
        object.__setattr__(
            self, "attrition", check_in("attrition", self.attrition, 0.0, 1.0, closed_low=True)
        )

    @property
    def design_effect(self) -> float:
        """The design effect of clustering, ``1 + ((cv² + 1) m − 1) icc`` (Eldridge, Ashby &
        Kerry 2006) with ``m`` the mean cluster size and ``cv`` the coefficient of variation of
        the sizes; with equal clusters (cv = 0) Kish's ``1 + (m − 1) icc``."""
        m = self.cluster_size
        if m <= 1.0:
            return 1.0
        return 1.0 + ((self.cluster_cv**2 + 1.0) * m - 1.0) * self.icc

    @property
    def variance_factor(self) -> float:
        """Factor on the variance of the difference: design effect times ``1 - r2``."""
        return self.design_effect * (1.0 - self.r2)

    @property
    def retention(self) -> float:
        """Expected share of enrolled participants who are analysed."""
        return 1.0 - self.attrition

    def to_dict(self) -> dict:
        """The assumptions plus the derived design effect, as JSON-ready values."""
        out = asdict(self)
        out["design_effect"] = self.design_effect
        return out


@dataclass(frozen=True)
class Arms:
    """Numbers enrolled per arm (treatment, control); analysed = enrolled × (1 − attrition).

    Attributes
    ----------
    n_treatment, n_control : float
        Participants enrolled (randomised) in each arm; with no attrition, those analysed.
    """

    n_treatment: float
    n_control: float

    def __post_init__(self) -> None:
        for name in ("n_treatment", "n_control"):
            value = check_finite(name, getattr(self, name))
            if value < 2:
                raise PowerRequestError(
                    f"{name}: got {getattr(self, name)!r} — expected at least 2 participants; "
                    "fix: give the number of participants in each arm, or the total n with "
                    "the control/treatment ratio"
                )
            object.__setattr__(self, name, value)

    @classmethod
    def from_request(
        cls,
        n_treatment: float | None,
        n_control: float | None,
        n: float | None,
        ratio: float,
        clusters: float | None = None,
        cluster_size: float = 1.0,
    ) -> Arms:
        """Build arms from both arm sizes, a total ``n``, or a number of ``clusters`` of mean
        size ``cluster_size`` (``n = clusters × cluster_size``), split by ``ratio`` =
        control/treatment.

        Raises
        ------
        PowerRequestError
            If none or more than one form is given, or the ratio is not positive.
        """
        if clusters is not None:
            if n is not None or n_treatment is not None or n_control is not None:
                raise PowerRequestError(
                    "give either clusters (with cluster_size), n, or n_treatment and n_control "
                    "— not more than one"
                )
            count = check_finite("clusters", clusters)
            if count < 2 or cluster_size <= 1:
                raise PowerRequestError(
                    f"clusters: got {clusters!r} with cluster_size {cluster_size!r} — expected "
                    "at least 2 clusters and a mean cluster size above 1; fix: give "
                    "--cluster-size (and --icc), or n for individual randomisation"
                )
            n = count * cluster_size
        given_arms = n_treatment is not None or n_control is not None
        if given_arms and n is not None:
            raise PowerRequestError(
                "give either n_treatment and n_control, or n (total) with ratio — not both"
            )
        if n is not None:
            total = check_finite("n", n)
            share = 1.0 / (1.0 + check_ratio(ratio))
            return cls(total * share, total * (1.0 - share))
        if n_treatment is None or n_control is None:
            raise PowerRequestError(
                "sample size missing: give n_treatment and n_control, or n (total) with ratio"
            )
        return cls(n_treatment, n_control)

    @property
    def total(self) -> float:
        """Participants enrolled in both arms."""
        return self.n_treatment + self.n_control

    def analysed(self, assumptions: Assumptions) -> tuple[float, float]:
        """Expected numbers analysed per arm after attrition (treatment, control)."""
        keep = assumptions.retention
        return self.n_treatment * keep, self.n_control * keep


def check_ratio(ratio: object) -> float:
    """Allocation ratio ``n_control / n_treatment``: a positive number."""
    value = check_finite("ratio", ratio)
    if value <= 0:
        raise PowerRequestError(
            f"ratio: got {ratio!r} — expected a positive number (n_control / n_treatment)"
        )
    return value
