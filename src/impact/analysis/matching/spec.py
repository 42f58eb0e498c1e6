"""Matching specifications: which method, on which variables, with which ratio and caliper.

A :class:`MatchSpec` is validated when it is made, so a wrong option fails with a clear
message before any data are touched. The four methods (MatchIt's names in brackets):

* ``"exact"`` (``method = "exact"``): exact on every variable in ``exact`` and ``coarsen``
  (the latter uncoarsened); all controls of a matched cell are kept, with subclass weights.
* ``"cem"`` (``method = "cem"``): exact on ``exact``, and on the *coarsened* ``coarsen``
  variables (cutpoints as MatchIt: a number of equal-width bins over the pooled range, a list
  of cut points, or ``"sturges"``); subclass weights.
* ``"nearest"`` (``method = "nearest", distance = "mahalanobis", exact = ~…``): within cells
  of ``exact``, the ``ratio`` nearest controls on the Mahalanobis distance of the numeric
  ``coarsen`` variables (non-numeric ones are matched exactly); with or without replacement.
* ``"propensity"`` (``method = "nearest", distance = "glm"``): a logistic propensity score on
  all matching variables (or a given ``distance`` column), ``ratio`` nearest controls on it,
  largest score first, optional ``caliper`` in standard deviations of the score, within cells
  of ``exact``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from impact.errors import InputError

Method = Literal["exact", "cem", "nearest", "propensity"]
METHODS: tuple[str, ...] = ("exact", "cem", "nearest", "propensity")
Cutpoints = int | str | Sequence[float] | None

#: Variables matched exactly by default (the register check of seed 001).
DEFAULT_EXACT: tuple[str, ...] = (
    "sex",
    "citizenship",
    "county",
    "education_level",
    "immigration_period",
    "employed_at_start",
)
#: Variables coarsened (CEM) or used for the nearest-neighbour distance by default.
DEFAULT_COARSEN: dict[str, Cutpoints] = {"birth_year": list(range(1900, 2030, 3))}


@dataclass(frozen=True)
class MatchSpec:
    """One matching specification.

    Parameters
    ----------
    method : {"exact", "cem", "nearest", "propensity"}
    exact : sequence of str
        Variables matched exactly.
    coarsen : mapping
        Further variables → cutpoints (used by ``cem``; by ``exact`` uncoarsened; as the
        distance variables by ``nearest``; as score covariates by ``propensity``).
    ratio : int
        Controls per intervention member (``nearest``/``propensity``).
    replace : bool
        Whether a control may be matched to several members (``nearest``/``propensity``).
    caliper : float or None
        Maximum distance in standard deviations of the propensity score (``propensity``).
    distance : str or None
        Column holding a ready-made score to match on instead of estimating one
        (``propensity`` only).
    """

    method: Method = "nearest"
    exact: tuple[str, ...] = DEFAULT_EXACT
    coarsen: Mapping[str, Cutpoints] = field(default_factory=lambda: dict(DEFAULT_COARSEN))
    ratio: int = 3
    replace: bool = False
    caliper: float | None = None
    distance: str | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(
                f"matching method must be one of {', '.join(map(repr, METHODS))}; "
                f"got {self.method!r}"
            )
        if isinstance(self.exact, str):
            raise InputError(f"'exact' must be a list of variables; got the string {self.exact!r}")
        object.__setattr__(self, "exact", tuple(self.exact))
        if not isinstance(self.coarsen, Mapping):
            raise InputError(f"'coarsen' must map variables to cutpoints; got {self.coarsen!r}")
        object.__setattr__(self, "coarsen", dict(self.coarsen))
        overlap = set(self.exact) & set(self.coarsen)
        if overlap:
            raise InputError(f"variables both in 'exact' and 'coarsen': {sorted(overlap)}")
        if not self.variables:
            raise InputError("a matching specification needs at least one variable")
        if isinstance(self.ratio, bool) or not isinstance(self.ratio, int) or self.ratio < 1:
            raise InputError(f"'ratio' must be a whole number ≥ 1; got {self.ratio!r}")
        if not isinstance(self.replace, bool):
            raise InputError(f"'replace' must be true or false; got {self.replace!r}")
        if self.caliper is not None:
            if self.method != "propensity":
                raise InputError("'caliper' applies to method='propensity' only")
            if not float(self.caliper) > 0:
                raise InputError(f"'caliper' must be a positive number; got {self.caliper!r}")
        if self.distance is not None and self.method != "propensity":
            raise InputError("'distance' (a ready-made score column) needs method='propensity'")
        for name, cuts in self.coarsen.items():
            check_cutpoints(name, cuts)
        if self.method == "nearest" and not self.coarsen:
            raise InputError(
                "method='nearest' needs at least one variable in 'coarsen' for the distance"
            )

    @property
    def variables(self) -> list[str]:
        """All matching variables: ``exact`` then ``coarsen``."""
        return [*self.exact, *self.coarsen]

    def describe(self) -> str:
        """A one-line description, e.g. ``nearest 3:1 without replacement; exact on …``."""
        parts = [self.method]
        if self.method in ("nearest", "propensity"):
            parts.append(f"{self.ratio}:1 {'with' if self.replace else 'without'} replacement")
        if self.caliper is not None:
            parts.append(f"caliper {self.caliper:g} SD")
        text = " ".join(parts)
        if self.exact:
            text += f"; exact on {', '.join(self.exact)}"
        if self.coarsen:
            text += f"; {'coarsened' if self.method == 'cem' else 'also'} {', '.join(self.coarsen)}"
        return text

    def as_dict(self) -> dict:
        """JSON-friendly settings."""
        return {
            "method": self.method,
            "exact": list(self.exact),
            "coarsen": {
                k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in self.coarsen.items()
            },
            "ratio": self.ratio,
            "replace": self.replace,
            "caliper": self.caliper,
            "distance": self.distance,
        }


def check_cutpoints(name: str, cuts: Cutpoints) -> None:
    """Raise :class:`InputError` unless ``cuts`` is None, ``"sturges"``, a bin count or a list."""
    if cuts is None or cuts == "sturges":
        return
    if isinstance(cuts, bool):
        ok = False
    elif isinstance(cuts, int):
        ok = cuts >= 1
    elif isinstance(cuts, str):
        ok = False
    else:
        try:
            ok = len(cuts) > 0 and all(float(c) == float(c) for c in cuts)
        except (TypeError, ValueError):
            ok = False
    if not ok:
        raise InputError(
            f"cutpoints of {name!r} must be None (no coarsening), 'sturges', a number of bins "
            f"≥ 1 or a list of cut points; got {cuts!r}"
        )


def as_spec(value: MatchSpec | Mapping, name: str) -> MatchSpec:
    """Turn a mapping of options into a :class:`MatchSpec` (errors name the specification)."""
    if isinstance(value, MatchSpec):
        return value
    if not isinstance(value, Mapping):
        raise InputError(f"specification {name!r} must be a MatchSpec or a mapping of options")
    unknown = set(value) - {"method", "exact", "coarsen", "ratio", "replace", "caliper", "distance"}
    if unknown:
        raise InputError(f"specification {name!r}: unknown option(s) {sorted(unknown)}")
    try:
        return MatchSpec(**value)
    except InputError as exc:
        raise InputError(f"specification {name!r}: {exc}") from exc


def default_alternatives(main: MatchSpec) -> dict[str, MatchSpec]:
    """Alternative specifications shown beside the main one (sensitivity to the choice).

    CEM on the same variables, and propensity-score 3:1 matching with a 0.2 SD caliper that
    is exact only on employment at start.
    """
    variables = main.variables
    coarsen = {v: main.coarsen.get(v) for v in main.coarsen}
    exact_only = tuple(v for v in main.exact if v == "employed_at_start")
    return {
        "cem": MatchSpec(method="cem", exact=main.exact, coarsen=coarsen),
        "propensity_caliper": MatchSpec(
            method="propensity",
            exact=exact_only,
            coarsen={v: None for v in variables if v not in exact_only},
            ratio=main.ratio,
            caliper=0.2,
        ),
    }


def resolve_specifications(
    main: MatchSpec, specifications: Mapping[str, MatchSpec | Mapping] | Sequence | None
) -> dict[str, MatchSpec]:
    """The specifications to run: ``main`` first, then the named alternatives."""
    if specifications is None:
        others = default_alternatives(main)
    elif isinstance(specifications, Mapping):
        others = {str(k): as_spec(v, str(k)) for k, v in specifications.items()}
    else:
        raise InputError("'specifications' must map names to MatchSpec objects or option mappings")
    if "main" in others or "unmatched" in others:
        raise InputError("'main' and 'unmatched' are reserved specification names")
    return {"main": main, **others}
