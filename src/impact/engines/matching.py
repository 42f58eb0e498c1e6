"""Register matching on an engine: :func:`match_at_scale`.

Exact or coarsened exact matching of intervention members to external persons, MatchIt-style
ATT weights and the monthly weighted outcome rates by group — the numbers of
:func:`impact.analysis.matching.match_persons` and :func:`impact.analysis.matching.monthly_rates`
— computed by SQL group-bys in DuckDB or Spark (:mod:`impact.engines.matching_sql`), so a
register extract of millions of persons stays in the engine; only counts per group and the
rates per group and month come back. ``engine="pandas"`` calls the pandas implementation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from impact.analysis.matching import MatchSpec, match_persons, monthly_rates
from impact.analysis.matching.inputs import GROUPS, OUTCOMES, check_months
from impact.analysis.matching.matcher import MatchedSet
from impact.analysis.matching.spec import DEFAULT_COARSEN, DEFAULT_EXACT, Cutpoints
from impact.engines import matching_sql
from impact.engines.selection import Engine, check_engine
from impact.engines.sessions import EngineSession, open_session, temp_name
from impact.errors import AnalysisError, InputError, Problem
from impact.results import Result

ROW_COLUMN = "_impact_row"
GROUP_COLUMNS = ["group", "n_all", "n_matched", "weight_sum", "ess"]
RATE_COLUMNS = ["group", "month", "rate", "std_error", "ci_lower", "ci_upper", "n"]


@dataclass(frozen=True, repr=False)
class ScaledMatching(Result):
    """Matched comparison computed on an engine.

    Attributes
    ----------
    engine : str
    spec : MatchSpec
        The specification (``exact`` or ``cem``).
    groups : pandas.DataFrame
        Per group: ``n_all`` (complete persons), ``n_matched``, ``weight_sum``, ``ess``
        (effective sample size ``(Σw)²/Σw²``).
    rates : pandas.DataFrame or None
        Weighted outcome rate by group and month (columns of ``monthly_rates``), when the
        months table was given.
    weights : pandas.DataFrame or None
        ``person_id``, ``group``, ``subclass``, ``weight`` of matched persons (``collect=True``).
    """

    engine: str
    spec: MatchSpec
    groups: pd.DataFrame
    rates: pd.DataFrame | None = None
    weights: pd.DataFrame | None = None
    title = "Matched comparison at scale"

    def tidy(self) -> pd.DataFrame:
        """The per-group counts."""
        return self.groups.copy()

    def summary(self) -> str:
        """Method and counts."""
        g = self.groups.set_index("group")
        matched = int(g.loc["intervention", "n_matched"])
        return (
            f"{self.spec.describe()} on {self.engine}: {matched} of "
            f"{int(g.loc['intervention', 'n_all'])} intervention members matched to "
            f"{int(g.loc['external', 'n_matched'])} external persons"
        )


def _rates_from_sums(sums: pd.DataFrame, level: float, share: bool) -> pd.DataFrame:
    z = stats.norm.ppf(0.5 + level / 2)
    sw = sums["sw"].to_numpy(float)
    rate = sums["swy"].to_numpy(float) / sw
    ss = (
        sums["sw2y2"].to_numpy(float)
        - 2 * rate * sums["sw2y"].to_numpy(float)
        + rate**2 * sums["sw2"].to_numpy(float)
    )
    se = np.sqrt(np.clip(ss, 0.0, None)) / sw
    lower, upper = rate - z * se, rate + z * se
    if share:
        lower, upper = np.maximum(lower, 0.0), np.minimum(upper, 1.0)
    out = pd.DataFrame(
        {
            "group": sums["grp"].astype(str).to_numpy(),
            "month": sums["month"].astype(int).to_numpy(),
            "rate": rate,
            "std_error": se,
            "ci_lower": lower,
            "ci_upper": upper,
            "n": sums["n"].astype(int).to_numpy(),
        }
    )
    return out.sort_values(["group", "month"]).reset_index(drop=True)


def _groups(counts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in counts.itertuples(index=False):
        ws, wq = float(row.weight_sum), float(row.weight_sq)
        rows.append(
            {
                "group": str(row.grp),
                "n_all": int(row.n_all),
                "n_matched": int(row.n_matched),
                "weight_sum": ws,
                "ess": ws**2 / wq if wq > 0 else 0.0,
            }
        )
    out = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    return out.sort_values("group", key=lambda s: s != "intervention").reset_index(drop=True)


def _check_table(session: EngineSession, table: str, required: Sequence[str], source: str) -> None:
    if not session.has_table(table):
        raise InputError(
            f"{source} not found in the engine",
            [Problem(session.engine, "an existing table", value=table)],
        )
    columns = session.column_types(table)
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            f"{source} lacks columns", [Problem(source, "this column", column=c) for c in missing]
        )


def _sql(
    session: EngineSession,
    persons: pd.DataFrame | str,
    months: pd.DataFrame | str | None,
    spec: MatchSpec,
    outcome: str,
    level: float,
    collect: bool,
) -> ScaledMatching:
    q = session.dialect.quote
    variables = spec.variables
    created: list[str] = []
    try:
        if isinstance(persons, pd.DataFrame):
            frame = persons.assign(**{ROW_COLUMN: np.arange(len(persons))})
            frame["group"] = frame["group"].astype("string").str.strip().str.lower()
            source = session.put(frame, temp_name("persons"))
            created.append(source)
        else:
            source = persons
        _check_table(session, source, ["person_id", "group", *variables], "register_persons")
        order = ROW_COLUMN if ROW_COLUMN in session.column_types(source) else None
        bad = session.fetch(
            f"SELECT COUNT(*) AS n FROM {q(source)} WHERE {q('group')} IS NULL OR "
            f"{q('group')} NOT IN ('intervention', 'external')"
        )
        if int(bad["n"].iloc[0]):
            raise InputError(
                "register_persons: unknown groups",
                [
                    Problem(
                        "register_persons",
                        "'intervention' or 'external'",
                        column="group",
                        value=f"{int(bad['n'].iloc[0])} rows",
                    )
                ],
            )
        complete_where = " AND ".join(f"{q(v)} IS NOT NULL" for v in variables)
        complete = session.create(
            temp_name("complete"), f"SELECT * FROM {q(source)} WHERE {complete_where}"
        )
        created.append(complete)
        found = session.fetch(
            f"SELECT {q('group')} AS grp, COUNT(*) AS n FROM {q(complete)} GROUP BY {q('group')}"
        )
        sizes = dict(zip(found["grp"].astype(str), found["n"].astype(int), strict=True))
        for name in GROUPS:
            if not sizes.get(name):
                raise AnalysisError(
                    f"register_persons: no complete person in group {name!r}; matching needs both"
                )
        cuts = spec.coarsen if spec.method == "cem" else {}
        points = {
            v: matching_sql.cut_points(session, complete, v, cuts.get(v), sum(sizes.values()))
            for v in variables
        }
        cells = matching_sql.cells_query(session, complete, variables, points, order)
        matched = session.create(
            temp_name("matched"), matching_sql.weights_query(cells, len(variables))
        )
        created.append(matched)
        counts = session.fetch(
            matching_sql.group_counts_query(
                f"SELECT {q('group')} AS grp FROM {q(complete)}", q(matched)
            )
        )
        groups = _groups(counts)
        if int(groups["n_matched"].sum()) == 0:
            raise AnalysisError(
                "no intervention member has a control with the same values of "
                f"{', '.join(variables)}; coarsen more or match on fewer variables"
            )
        rates = None
        if months is not None:
            if isinstance(months, pd.DataFrame):
                month_table = session.put(months, temp_name("months"))
                created.append(month_table)
            else:
                month_table = months
            _check_table(session, month_table, ["person_id", "month", outcome], "register_months")
            sums = session.fetch(matching_sql.monthly_query(month_table, q(matched), outcome, q))
            rates = _rates_from_sums(sums, level, outcome == "employed")
        weights = None
        if collect:
            weights = session.fetch(
                f"SELECT person_id, grp AS {q('group')}, subclass, weight FROM {q(matched)} "
                "ORDER BY person_id"
            )
        return ScaledMatching(session.engine, spec, groups, rates, weights)
    finally:
        for name in created:
            session.drop(name)


def match_at_scale(
    persons: pd.DataFrame | str,
    months: pd.DataFrame | str | None = None,
    *,
    engine: Engine = "pandas",
    method: Literal["exact", "cem"] = "exact",
    exact: Sequence[str] = DEFAULT_EXACT,
    coarsen: Mapping[str, Cutpoints] | None = None,
    outcome: Literal["employed", "wage_income"] = "employed",
    confidence_level: float = 0.95,
    session: EngineSession | None = None,
    collect: bool = False,
) -> ScaledMatching:
    """Exact or coarsened exact matching and monthly outcome rates on an engine.

    Parameters
    ----------
    persons : pandas.DataFrame or str
        ``register_persons`` (``person_id``, ``group``, the matching variables), or the name of
        a table in ``session``.
    months : pandas.DataFrame or str, optional
        ``register_months`` (``person_id``, ``month``, the outcome), or a table name; without
        it only the matching is done.
    engine : {"pandas", "duckdb", "spark"}
        Where to compute.
    method : {"exact", "cem"}
        Exact matching on ``exact`` and ``coarsen`` (uncoarsened), or CEM.
    exact : sequence of str
        Variables matched exactly.
    coarsen : mapping, optional
        Variables → cut points (a list, a number of bins, ``"sturges"``, or None); default
        birth year in 3-year bins (:data:`impact.analysis.matching.DEFAULT_COARSEN`).
    outcome : {"employed", "wage_income"}
        Column of ``register_months`` to average.
    confidence_level : float
        Level of the intervals of the monthly rates.
    session : EngineSession, optional
        An open DuckDB or Spark session (default: one opened for this call).
    collect : bool
        Also return the matched persons' weights (as pandas).

    Returns
    -------
    ScaledMatching

    Raises
    ------
    InputError
        Bad options, missing tables or columns, unknown groups.
    AnalysisError
        A group without complete persons, or nobody matched.
    """
    engine = check_engine(engine)
    if method not in ("exact", "cem"):
        raise InputError(
            "Unsupported matching method at scale",
            [
                Problem(
                    "matching",
                    "'exact' or 'cem' (nearest-neighbour and propensity matching: "
                    "impact.analysis.matching on pandas)",
                    column="method",
                    value=repr(method),
                )
            ],
        )
    if outcome not in OUTCOMES:
        raise InputError(
            "Unknown outcome",
            [
                Problem(
                    "register_months",
                    f"one of {', '.join(OUTCOMES)}",
                    column="outcome",
                    value=repr(outcome),
                )
            ],
        )
    if not 0 < float(confidence_level) < 1:
        raise InputError(
            "Invalid confidence level",
            [
                Problem(
                    "matching",
                    "a number between 0 and 1",
                    column="confidence_level",
                    value=repr(confidence_level),
                )
            ],
        )
    spec = MatchSpec(
        method=method,
        exact=tuple(exact),
        coarsen=dict(DEFAULT_COARSEN if coarsen is None else coarsen),
    )
    if engine == "pandas":
        if not isinstance(persons, pd.DataFrame) or (
            months is not None and not isinstance(months, pd.DataFrame)
        ):
            raise InputError(
                "engine 'pandas' needs DataFrames",
                [Problem("matching", "pandas DataFrames for persons and months")],
            )
        matched = match_persons(persons, spec)
        groups = matched.tidy()[GROUP_COLUMNS]
        rates = None
        if months is not None:
            long = check_months(months, matched.persons, outcome)
            panel = long.merge(
                matched.persons[["person_id", "group", "treated", "weight"]],
                on="person_id",
                how="inner",
            )
            rates = monthly_rates(
                panel, level=float(confidence_level), share=outcome == "employed"
            )[RATE_COLUMNS]
            rates = rates.sort_values(["group", "month"]).reset_index(drop=True)
        weights = None
        if collect:
            kept = matched.persons[matched.persons["weight"] > 0]
            weights = (
                kept[["person_id", "group", "subclass", "weight"]]
                .sort_values("person_id")
                .reset_index(drop=True)
            )
        return ScaledMatching("pandas", spec, groups, rates, weights)
    if session is not None and session.engine != engine:
        raise InputError(
            "The session belongs to another engine",
            [Problem("session", f"a {engine} session", value=session.engine)],
        )
    own = session is None
    active = open_session(engine) if own else session
    try:
        return _sql(active, persons, months, spec, outcome, float(confidence_level), collect)
    finally:
        if own:
            active.close()


def matched_set(
    persons: pd.DataFrame,
    spec: MatchSpec,
    *,
    engine: Engine = "pandas",
    session: EngineSession | None = None,
) -> MatchedSet:
    """:func:`impact.analysis.matching.match_persons` with exact and CEM cells made on ``engine``.

    Exact and coarsened exact matching are group-bys, so on DuckDB or Spark the cells, subclass
    numbers and ATT weights are computed there (:func:`match_at_scale`) and only the matched
    persons' weights come back; the returned :class:`MatchedSet` equals ``match_persons``'s.
    Nearest-neighbour and propensity matching make sequential choices and run on pandas
    whatever the engine. This is the matcher ``impact run`` passes to
    :func:`impact.analysis.matching.register_comparison` when a study sets ``engine``.

    Parameters
    ----------
    persons : pandas.DataFrame
        ``register_persons``.
    spec : MatchSpec
        The specification.
    engine : {"pandas", "duckdb", "spark"}
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this call).

    Returns
    -------
    MatchedSet
    """
    engine = check_engine(engine)
    if engine == "pandas" or spec.method not in ("exact", "cem"):
        return match_persons(persons, spec)

    def cells_in_engine(
        data: pd.DataFrame, variables: Sequence[str], cuts: Mapping[str, Cutpoints]
    ) -> tuple[pd.Series, np.ndarray]:
        # the spec carries the same variables and cut points as match_persons passes here
        scaled = _sql(active, data, None, spec, "employed", 0.95, collect=True)
        kept = scaled.weights.set_index("person_id")
        ids = data["person_id"].reset_index(drop=True)
        subclass = ids.map(kept["subclass"]).astype("Int64")
        return subclass, ids.map(kept["weight"]).fillna(0.0).to_numpy(dtype=float)

    own = session is None
    active = open_session(engine) if own else session
    try:
        return match_persons(persons, spec, cells=cells_in_engine)
    finally:
        if own:
            active.close()
