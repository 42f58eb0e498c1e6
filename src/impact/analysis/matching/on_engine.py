"""Register matching in DuckDB or Spark: exact and coarsened exact matching as SQL group-bys.

Exact or coarsened exact matching of intervention members to external persons, MatchIt-style
ATT weights and the monthly weighted outcome rates by group — the numbers of
:func:`impact.analysis.matching.match_persons` and :func:`impact.analysis.matching.monthly_rates`
— computed by SQL group-bys (:mod:`impact.analysis.matching.engine_sql`), so a register extract
of millions of persons stays in the engine; only counts per group and the rates per group and
month come back. :func:`match_in_engine` is what ``match_persons`` and
:func:`impact.analysis.matching.matched_rates` call on ``duckdb`` and ``spark``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from impact.analysis.matching import engine_sql as matching_sql
from impact.analysis.matching.inputs import GROUPS
from impact.analysis.matching.spec import Cutpoints, MatchSpec
from impact.engines.jobs import TemporaryTables
from impact.engines.sessions import EngineSession
from impact.errors import AnalysisError, InputError, Problem
from impact.results import Result

ROW_COLUMN = "_impact_row"
GROUP_COLUMNS = ["group", "n_all", "n_matched", "weight_sum", "ess"]
RATE_COLUMNS = ["group", "month", "rate", "std_error", "ci_lower", "ci_upper", "n"]


@dataclass(frozen=True, repr=False)
class MatchedRates(Result):
    """Exact or CEM matching and the monthly outcome rates, the same on every engine.

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
    title = "Matched comparison"

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


def match_in_engine(
    session: EngineSession,
    persons: pd.DataFrame | str,
    months: pd.DataFrame | str | None,
    spec: MatchSpec,
    outcome: str,
    level: float,
    collect: bool,
) -> MatchedRates:
    """Match (exact or CEM) in ``session`` and, with ``months``, compute the monthly rates.

    Parameters
    ----------
    session : EngineSession
        An open DuckDB or Spark session.
    persons, months : pandas.DataFrame or str
        ``register_persons`` and ``register_months`` (or ``None``), or names of tables in
        ``session``.
    spec : MatchSpec
        An ``exact`` or ``cem`` specification.
    outcome : str
        Column of ``register_months`` to average.
    level : float
        Confidence level of the rates' intervals.
    collect : bool
        Also bring back the matched persons' weights.
    """
    q = session.dialect.quote
    with TemporaryTables(session) as tables:
        complete, order = _complete_persons(tables, persons, spec.variables)
        matched = _matched_table(tables, complete, spec, order)
        counts = session.fetch(
            matching_sql.group_counts_query(
                f"SELECT {q('group')} AS grp FROM {q(complete)}", q(matched)
            )
        )
        groups = _groups(counts)
        if int(groups["n_matched"].sum()) == 0:
            raise AnalysisError(
                "no intervention member has a control with the same values of "
                f"{', '.join(spec.variables)}; coarsen more or match on fewer variables"
            )
        rates = None
        if months is not None:
            rates = _monthly_rates(tables, months, matched, outcome, level)
        weights = None
        if collect:
            weights = session.fetch(
                f"SELECT person_id, grp AS {q('group')}, subclass, weight FROM {q(matched)} "
                "ORDER BY person_id"
            )
        return MatchedRates(session.engine, spec, groups, rates, weights)


def _complete_persons(
    tables: TemporaryTables, persons: pd.DataFrame | str, variables: list[str]
) -> tuple[str, str | None]:
    """The persons with every matching variable present (a table), and the row-order column."""
    session = tables.session
    q = session.dialect.quote
    if isinstance(persons, pd.DataFrame):
        frame = persons.assign(**{ROW_COLUMN: np.arange(len(persons))})
        frame["group"] = frame["group"].astype("string").str.strip().str.lower()
        source = tables.put(frame, "persons")
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
    complete = tables.create("complete", f"SELECT * FROM {q(source)} WHERE {complete_where}")
    return complete, order


def _matched_table(
    tables: TemporaryTables, complete: str, spec: MatchSpec, order: str | None
) -> str:
    """The matched persons' subclasses and ATT weights (a table)."""
    session = tables.session
    q = session.dialect.quote
    variables = spec.variables
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
    return tables.create("matched", matching_sql.weights_query(cells, len(variables)))


def _monthly_rates(
    tables: TemporaryTables, months: pd.DataFrame | str, matched: str, outcome: str, level: float
) -> pd.DataFrame:
    session = tables.session
    month_table = tables.put(months, "months") if isinstance(months, pd.DataFrame) else months
    _check_table(session, month_table, ["person_id", "month", outcome], "register_months")
    sums = session.fetch(
        matching_sql.monthly_query(month_table, session.dialect.quote(matched), outcome,
                                   session.dialect.quote)
    )  # fmt: skip
    return _rates_from_sums(sums, level, outcome == "employed")


def cells_in_engine(session: EngineSession, spec: MatchSpec):
    """A cell matcher for :func:`impact.analysis.matching.match_persons` that makes the exact
    or CEM cells, subclass numbers and ATT weights in ``session``."""

    def cells(
        data: pd.DataFrame, variables: Sequence[str], cuts: Mapping[str, Cutpoints]
    ) -> tuple[pd.Series, np.ndarray]:
        # the spec carries the same variables and cut points as match_persons passes here
        matched = match_in_engine(session, data, None, spec, "employed", 0.95, collect=True)
        kept = matched.weights.set_index("person_id")
        ids = data["person_id"].reset_index(drop=True)
        subclass = ids.map(kept["subclass"]).astype("Int64")
        return subclass, ids.map(kept["weight"]).fillna(0.0).to_numpy(dtype=float)

    return cells
