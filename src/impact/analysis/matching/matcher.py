"""``match_persons``: run one :class:`MatchSpec` on the register persons → :class:`MatchedSet`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from impact.engines.jobs import session_for
from impact.engines.selection import Engine, check_engine
from impact.engines.sessions import EngineSession
from impact.results import Result

from .inputs import check_persons, complete_cases
from .nearest import (
    check_distance,
    mahalanobis_points,
    matrix_weights,
    nearest_neighbours,
    pair_subclasses,
    propensity_score,
)
from .on_engine import cells_in_engine
from .spec import Cutpoints, MatchSpec
from .subclass import cell_keys, match_cells

#: ``cells(complete_persons, variables, cuts)`` → subclass numbers and ATT weights.
CellMatcher = Callable[
    [pd.DataFrame, Sequence[str], Mapping[str, Cutpoints]], tuple[pd.Series, np.ndarray]
]

SET_COLUMNS = ["person_id", "group", "treated", "matched", "weight", "subclass", "distance"]


@dataclass(frozen=True)
class MatchedSet(Result):
    """The matched sample of one specification.

    Attributes
    ----------
    spec : MatchSpec
    persons : DataFrame
        Every complete person with ``treated``, ``matched``, ``weight`` (MatchIt's ATT
        weights; 0 = unmatched), ``subclass`` (cell or matched set; missing with
        replacement), ``distance`` (propensity score, if any) and the matching variables.
    dropped_missing : DataFrame
        Persons left out for a missing matching variable, by group.
    """

    spec: MatchSpec
    persons: pd.DataFrame
    dropped_missing: pd.DataFrame
    title: str = "Matched set"

    def tidy(self) -> pd.DataFrame:
        """Counts by group: ``group``, ``n_all``, ``n_matched``, ``weight_sum``, ``ess``."""
        rows = []
        for group, part in self.persons.groupby("group", sort=False):
            w = part["weight"].to_numpy(float)
            ess = w.sum() ** 2 / (w**2).sum() if (w > 0).any() else 0.0
            dropped = self.dropped_missing.set_index("group")["dropped_missing"].get(group, 0)
            rows.append(
                {
                    "group": group,
                    "n_all": len(part),
                    "n_matched": int((w > 0).sum()),
                    "weight_sum": float(w.sum()),
                    "ess": float(ess),
                    "dropped_missing": int(dropped),
                }
            )
        out = pd.DataFrame(rows).sort_values("group", key=lambda s: s != "intervention")
        return out.reset_index(drop=True)

    def summary(self) -> str:
        """Method and counts."""
        t = self.tidy().set_index("group")
        return (
            f"{self.spec.describe()}: {t.loc['intervention', 'n_matched']} of "
            f"{t.loc['intervention', 'n_all']} intervention members matched to "
            f"{t.loc['external', 'n_matched']} external persons "
            f"(effective sample size of controls {t.loc['external', 'ess']:.1f})"
        )


def _distance_cells(persons: pd.DataFrame, spec: MatchSpec) -> tuple[np.ndarray, list[str]]:
    """Exact cells for nearest matching; non-numeric distance variables join the cells."""
    distance_vars, extra_exact = [], []
    for name in spec.coarsen:
        values = persons[name]
        if is_numeric_dtype(values.dtype) and not is_bool_dtype(values.dtype):
            distance_vars.append(name)
        else:
            extra_exact.append(name)
    exact = [*spec.exact, *extra_exact]
    if exact:
        cells = cell_keys(persons, exact, {}).to_numpy(dtype=object)
    else:
        cells = np.zeros(len(persons), dtype=object)
    return cells, distance_vars


def match_persons(
    persons: pd.DataFrame,
    spec: MatchSpec | None = None,
    *,
    engine: Engine = "pandas",
    session: EngineSession | None = None,
) -> MatchedSet:
    """Match intervention members to external persons under one specification.

    Parameters
    ----------
    persons : DataFrame
        ``register_persons``: ``person_id``, ``group`` (intervention/external) and the
        matching variables of ``spec``.
    spec : MatchSpec, optional
        Default: :class:`MatchSpec` () — nearest 3:1 without replacement, exact on the default
        variables, nearest on birth year.
    engine : {"pandas", "duckdb", "spark"}
        Where exact and CEM matching make their cells, subclass numbers and ATT weights (SQL
        group-bys in DuckDB or Spark, :mod:`impact.analysis.matching.on_engine`); the result is
        the same. Nearest-neighbour and propensity matching make sequential choices and run on
        pandas whatever the engine.
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this call).

    Returns
    -------
    MatchedSet

    Raises
    ------
    InputError
        Bad tables or options.
    AnalysisError
        Nobody can be matched.
    """
    spec = spec or MatchSpec()
    engine = check_engine(engine)
    if engine != "pandas" and spec.method in ("exact", "cem"):
        with session_for(engine, session) as active:
            return _match(persons, spec, cells_in_engine(active, spec))
    return _match(persons, spec, match_cells)


def _match(persons: pd.DataFrame, spec: MatchSpec, cells: CellMatcher) -> MatchedSet:
    """:func:`match_persons` with the exact and CEM cells made by ``cells``."""
    variables = spec.variables
    checked = check_persons(persons, variables + ([spec.distance] if spec.distance else []))
    data, dropped = complete_cases(checked, variables)
    treated = data["treated"].to_numpy(int)
    distance = np.full(len(data), np.nan)
    if spec.method in ("exact", "cem"):
        cuts = spec.coarsen if spec.method == "cem" else {}
        subclass, weights = cells(data, variables, cuts)
    else:
        subclass, weights, distance = _nearest(data, spec, treated, variables)
    out = data.copy()
    out["matched"] = weights > 0
    out["weight"] = weights
    out["subclass"] = subclass.to_numpy()
    out["subclass"] = out["subclass"].astype("Int64")
    out["distance"] = distance
    ordered = [*SET_COLUMNS, *[v for v in variables if v not in SET_COLUMNS]]
    return MatchedSet(spec, out[ordered], dropped)


def _nearest(
    data: pd.DataFrame, spec: MatchSpec, treated: np.ndarray, variables: list[str]
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Nearest-neighbour or propensity matching: subclasses, weights and distances."""
    if spec.method == "propensity":
        cells = (
            cell_keys(data, list(spec.exact), {}).to_numpy(dtype=object)
            if spec.exact
            else np.zeros(len(data), dtype=object)
        )
        distance = (
            check_distance(data, spec.distance)
            if spec.distance
            else propensity_score(data, variables)
        )
        points = distance[:, None]
        members = np.flatnonzero(treated == 1)
        order = members if spec.replace else members[np.argsort(-distance[members], kind="stable")]
        caliper = spec.caliper * float(np.std(distance, ddof=1)) if spec.caliper else None
    else:
        distance = np.full(len(data), np.nan)
        cells, distance_vars = _distance_cells(data, spec)
        points = mahalanobis_points(data, distance_vars)
        order = np.flatnonzero(treated == 1)
        caliper = None
    matches = nearest_neighbours(
        treated,
        points,
        cells=cells,
        ratio=spec.ratio,
        replace=spec.replace,
        order=order,
        caliper=caliper,
    )
    weights = matrix_weights(matches, treated)
    subclass = (
        pd.Series(pd.array([pd.NA] * len(data), dtype="Int64"))
        if spec.replace
        else pair_subclasses(matches, treated)
    )
    return subclass, weights, distance
