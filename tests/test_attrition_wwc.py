"""WWC attrition boundaries: table rows against the handbook, classification, interpolation."""

import math

import pytest

from impact.analysis.attrition import classify_attrition, max_differential, wwc_boundaries
from impact.errors import InputError

# Rows quoted in the issue from the WWC Standards Handbook v4.1/v5.0 attrition table
# (overall attrition % → max differential pp, cautious / optimistic).
HANDBOOK_ROWS = {10: (6.3, 10.9), 30: (4.1, 8.2), 50: (1.0, 3.7)}
# Further rows of WWC Standards Handbook v4.1, Table II.1 (as transcribed in the CRAN package
# baselinr, R/attrition_boundary.R): first row, peak, last finite cautious row, last row.
MORE_ROWS = {0: (5.7, 10.0), 8: (6.3, 10.9), 25: (4.8, 9.2), 57: (0.0, 2.1), 65: (None, 0.3)}


def test_table_shape_and_columns():
    table = wwc_boundaries()
    assert list(table.columns) == [
        "overall_attrition_pct",
        "cautious_max_differential_pp",
        "optimistic_max_differential_pp",
    ]
    assert table["overall_attrition_pct"].tolist() == list(range(66))


@pytest.mark.parametrize("rows", [HANDBOOK_ROWS, MORE_ROWS])
def test_table_rows_match_handbook(rows):
    table = wwc_boundaries().set_index("overall_attrition_pct")
    for overall, (cautious, optimistic) in rows.items():
        got_c = table.loc[overall, "cautious_max_differential_pp"]
        if cautious is None:
            assert math.isnan(got_c)
        else:
            assert got_c == pytest.approx(cautious)
        assert table.loc[overall, "optimistic_max_differential_pp"] == pytest.approx(optimistic)


def test_cautious_always_high_beyond_57_and_optimistic_beyond_65():
    table = wwc_boundaries()
    cautious = table["cautious_max_differential_pp"]
    assert cautious[table["overall_attrition_pct"] <= 57].notna().all()
    assert cautious[table["overall_attrition_pct"] > 57].isna().all()
    assert table["optimistic_max_differential_pp"].notna().all()
    # boundaries never increase once past their peak (overall 8-12 %)
    for column in ("cautious_max_differential_pp", "optimistic_max_differential_pp"):
        tail = table.loc[table["overall_attrition_pct"] >= 12, column].dropna()
        assert (tail.diff().dropna() <= 1e-9).all()
    assert classify_attrition(0.58, 0.0).ratings == {"cautious": "high", "optimistic": "low"}
    assert classify_attrition(0.66, 0.0).ratings == {"cautious": "high", "optimistic": "high"}


def test_worked_example_25_overall_10_differential_is_high_under_both():
    result = classify_attrition(0.25, 0.10)
    assert result.ratings == {"cautious": "high", "optimistic": "high"}
    assert result.max_differential["cautious"] == pytest.approx(0.048)
    assert result.max_differential["optimistic"] == pytest.approx(0.092)
    assert result.rating == "high"


@pytest.mark.parametrize(
    ("overall", "differential", "cautious", "optimistic"),
    [
        (0.10, 0.063, "low", "low"),  # exactly on the cautious boundary is low
        (0.10, 0.064, "high", "low"),
        (0.30, 0.082, "high", "low"),
        (0.30, 0.083, "high", "high"),
        (0.50, 0.010, "low", "low"),
        (0.50, -0.02, "high", "low"),  # sign of the differential is ignored
    ],
)
def test_classification_at_handbook_rows(overall, differential, cautious, optimistic):
    result = classify_attrition(overall, differential)
    assert result.ratings == {"cautious": cautious, "optimistic": optimistic}


def test_linear_interpolation_between_rows_and_nearest_rounding():
    # 30.5 %: halfway between 4.1 (30) and 4.0 (31) under cautious
    assert max_differential(0.305) == pytest.approx(0.0405)
    assert max_differential(0.305, interpolation="nearest") == pytest.approx(0.040)
    assert max_differential(0.304, interpolation="nearest") == pytest.approx(0.041)
    # between 57 % (0.0 pp) and 58 % (no boundary) cautious is high
    assert math.isnan(max_differential(0.575))
    assert math.isnan(max_differential(0.655, boundary="optimistic"))
    assert max_differential(0.65, boundary="optimistic") == pytest.approx(0.003)
    assert math.isnan(max_differential(0.651, boundary="optimistic"))


def test_boundary_choice_and_tidy():
    result = classify_attrition(0.30, 0.06, boundary="optimistic")
    assert result.rating == "low"
    tidy = result.tidy()
    assert tidy["boundary"].tolist() == ["cautious", "optimistic"]
    assert tidy["chosen"].tolist() == [False, True]
    assert "optimistic boundary allows 8.2 pp" in result.summary()


@pytest.mark.parametrize(
    ("overall", "differential", "kwargs"),
    [
        (25, 0.1, {}),
        (0.25, float("nan"), {}),
        (0.25, 0.1, {"boundary": "liberal"}),
        (0.25, 0.1, {"interpolation": "cubic"}),
    ],
)
def test_bad_input_names_the_problem(overall, differential, kwargs):
    with pytest.raises(InputError) as info:
        classify_attrition(overall, differential, **kwargs)
    assert "expected" in str(info.value)
