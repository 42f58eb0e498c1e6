"""Fuzz tests of the indicators (hypothesis): any valid panel gives an indicator table;
any invalid panel (wrong codes, wrong types, missing columns, bad parameters) an ImpactError."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impact.errors import ImpactError, InputError
from impact.indicators import builtin_registry
from impact.indicators.compute import compute_indicators
from impact.indicators.io import read_panel

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EMPLOYMENT = ["none", "part_time", "full_time"]
CONTRIBUTED = ["yes", "no", "dont_know"]
SCALES = [
    "swedish_level",
    "professional_swedish_level",
    "knows_labour_market",
    "knows_education_paths",
    "knows_social_codes",
]
#: column → (valid values, dtype) for every panel column the built-in indicators read
COLUMNS: dict[str, tuple[st.SearchStrategy, str]] = {
    "b_employment": (st.sampled_from(EMPLOYMENT), "string"),
    "r_employment": (st.sampled_from(EMPLOYMENT), "string"),
    "b_job_matches_field": (st.booleans(), "boolean"),
    "r_job_matches_field": (st.booleans(), "boolean"),
    "r_changed_job": (st.booleans(), "boolean"),
    "b_interviews_3m": (st.integers(0, 40), "Int64"),
    "r_interviews_3m": (st.integers(0, 40), "Int64"),
    "b_cv_status": (st.integers(0, 2), "Int64"),
    "r_cv_status": (st.integers(0, 2), "Int64"),
    "b_professional_contacts": (st.integers(0, 200), "Int64"),
    "r_professional_contacts": (st.integers(0, 200), "Int64"),
    "b_has_reference": (st.booleans(), "boolean"),
    "r_has_reference": (st.booleans(), "boolean"),
    "r_visited_workplace": (st.booleans(), "boolean"),
    "r_got_internship": (st.booleans(), "boolean"),
    "r_started_relevant_education": (st.booleans(), "boolean"),
    "r_contributed_job": (st.sampled_from(CONTRIBUTED), "string"),
    "r_contributed_internship": (st.sampled_from(CONTRIBUTED), "string"),
    "r_contributed_education": (st.sampled_from(CONTRIBUTED), "string"),
    **{f"{w}_{s}": (st.integers(1, 5), "Int64") for s in SCALES for w in ("b", "r")},
}
IDS = builtin_registry().ids


def _row():
    return st.fixed_dictionaries({c: st.one_of(st.none(), s) for c, (s, _) in COLUMNS.items()})


def _frame(rows: list[dict], responded: list[bool]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {c: pd.array([r[c] for r in rows], dtype=dtype) for c, (_, dtype) in COLUMNS.items()}
    )
    frame.insert(0, "person_id", [f"p{i}" for i in range(len(rows))])
    frame.insert(1, "responded_b", True)
    frame.insert(2, "responded_r", responded)
    return frame


PANEL = st.lists(_row(), min_size=1, max_size=10).flatmap(
    lambda rows: st.tuples(
        st.just(rows), st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))
    )
)


@SETTINGS
@given(panel=PANEL, k=st.integers(0, 8), extra=st.integers(1, 5))
def test_any_valid_panel_gives_an_indicator_table(panel, k, extra):
    rows, responded = panel
    table = compute_indicators(
        _frame(rows, responded), params={"min_small_steps": k, "min_extra_interviews": extra}
    )
    assert len(table) == len(rows)
    assert set(IDS) <= set(table.columns)
    for ident in IDS:
        assert str(table[ident].dtype) in ("boolean", "Int64"), ident
    # non-respondents never get a result-based indicator
    assert table.loc[[not r for r in responded], "got_job"].isna().all()


#: Values of the wrong type: text in a number column, text in a true/false column. (Unknown
#: codes in text columns are not detected: catalogue case "panel-unknown-code", a known bug.)
WRONG = {
    "Int64": st.sampled_from(["many", "3 st", "x"]),
    "boolean": st.sampled_from(["kanske", "ja?", "x"]),
}
TYPED = sorted(c for c, (_, dtype) in COLUMNS.items() if dtype in WRONG)


@settings(SETTINGS, max_examples=12)
@given(panel=PANEL, column=st.sampled_from(TYPED), data=st.data())
def test_a_wrong_value_gives_an_input_error_naming_the_column(panel, column, data):
    rows, responded = panel
    frame = _frame(rows, [True] * len(rows))
    dtype = COLUMNS[column][1]
    bad = data.draw(WRONG[dtype])
    frame[column] = frame[column].astype(object)
    frame.loc[data.draw(st.integers(0, len(rows) - 1)), column] = bad
    try:
        compute_indicators(frame)
    except InputError as error:
        assert column in str(error) or column[2:] in str(error), str(error)
    else:
        raise AssertionError(f"{column} = {bad!r} was accepted")


@SETTINGS
@given(panel=PANEL, drop=st.sampled_from(sorted(COLUMNS)))
def test_a_missing_column_gives_an_input_error_naming_it(panel, drop):
    rows, responded = panel
    frame = _frame(rows, responded).drop(columns=[drop])
    try:
        compute_indicators(frame)
    except InputError as error:
        assert drop in str(error)
    else:
        raise AssertionError(f"a panel without {drop} was accepted")


@SETTINGS
@given(
    name=st.sampled_from(["min_small_steps", "min_extra_interviews", "min_smal_steps", "x"]),
    value=st.one_of(st.text(max_size=6), st.integers(-5, -1), st.floats(allow_nan=True)),
)
def test_bad_parameters_give_an_impact_error(name, value):
    rows = [dict.fromkeys(COLUMNS)]
    frame = _frame(rows, [True])
    try:
        compute_indicators(frame, params={name: value})
    except ImpactError as error:
        assert name in str(error)
    else:
        # only a value that is a valid parameter may pass
        assert name in ("min_small_steps", "min_extra_interviews")
        assert float(value) >= 0 and float(value) == int(float(value))


@SETTINGS
@given(
    cells=st.lists(
        st.tuples(st.sampled_from(sorted(COLUMNS)), st.text(alphabet="ab1-.,x ", max_size=5)),
        min_size=1,
        max_size=4,
    )
)
def test_csv_panel_with_arbitrary_cells_gives_a_table_or_an_impact_error(cells):
    rows = [dict.fromkeys(COLUMNS) for _ in range(3)]
    frame = _frame(rows, [True, True, False])
    frame = frame.astype(object)
    for i, (column, text) in enumerate(cells):
        frame.loc[i % 3, column] = text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.csv"
        frame.to_csv(path, index=False)
        panel = read_panel(path)
        try:
            table = compute_indicators(panel)
        except ImpactError as error:
            assert str(error)
        else:
            assert len(table) == 3
