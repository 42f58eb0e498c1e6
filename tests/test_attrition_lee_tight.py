"""Tightened Lee bounds against tests/reference/lee_tight.R (leebounds.ado's algorithm)."""

import json
from pathlib import Path

import pandas as pd
import pytest

from impact.attrition import lee_bounds

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "lee_tight_values.json").read_text())
TOL = 1e-6


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = pd.read_csv(REFERENCE / "lee_tight_data.csv", dtype={"employed": "Int64"})
    d["employed"] = d["employed"].astype("boolean")
    d["earnings"] = d["earnings"].astype("Float64")
    return d


def _swapped(d: pd.DataFrame) -> pd.DataFrame:
    return d.assign(arm=d["arm"].map({"treatment": "control", "control": "treatment"}))


@pytest.mark.parametrize("key", ["earnings_cell", "earnings_cell_swapped"])
def test_tightened_continuous_bounds_ses_and_cis(data, key):
    ref = VALUES[key]
    d = _swapped(data) if key.endswith("swapped") else data
    result = lee_bounds(d, outcome="earnings", tighten_by="cell")
    assert result.trimmed_arm == ref["trimmed_arm"]
    assert result.trimming_share == pytest.approx(ref["trimming_share"], abs=TOL)
    for field in ("lower", "upper", "se_lower", "se_upper"):
        assert getattr(result, field) == pytest.approx(ref[field], abs=TOL, rel=TOL), field
    assert [result.effect_ci_lower, result.effect_ci_upper] == pytest.approx(ref["im_ci"], rel=TOL)
    assert [result.ci_lower, result.ci_upper] == pytest.approx(ref["im_ci"], rel=TOL)
    assert [result.bounds_ci_lower, result.bounds_ci_upper] == pytest.approx(
        ref["bounds_ci"], rel=TOL
    )
    cells = result.cells
    assert list(cells["weight"]) == pytest.approx(ref["weights"], abs=TOL)
    shares = [c["trimming_share"] for c in ref["cells"]]
    assert list(cells["trimming_share"]) == pytest.approx(shares, abs=TOL)


def test_tightened_binary_point_bounds(data):
    ref = VALUES["employed_cell"]
    result = lee_bounds(data, outcome="employed", tighten_by="cell")
    assert result.outcome_type == "binary"
    assert result.lower == pytest.approx(ref["lower"], abs=TOL)
    assert result.upper == pytest.approx(ref["upper"], abs=TOL)


def test_tightening_narrows_the_bounds_here(data):
    plain = lee_bounds(data, outcome="earnings")
    tight = lee_bounds(data, outcome="earnings", tighten_by="cell")
    assert tight.upper - tight.lower < plain.upper - plain.lower


def test_untightened_outputs_are_unchanged_by_the_new_columns(data):
    result = lee_bounds(data, outcome="earnings", ci="bounds")
    assert (result.ci_lower, result.ci_upper) == (result.bounds_ci_lower, result.bounds_ci_upper)
    assert result.tighten_by is None


def test_tightening_by_a_missing_column_is_an_input_error(data):
    from impact.errors import InputError

    with pytest.raises(InputError, match="no_such"):
        lee_bounds(data, outcome="earnings", tighten_by="no_such")


def test_cells_with_reversed_response_are_named(data):
    # make the control arm respond more in cell "c": drop treated respondents' outcomes there
    d = data.copy()
    treated_c = (d["cell"] == "c") & (d["arm"] == "treatment")
    d.loc[treated_c[treated_c].index[::2], "earnings"] = pd.NA
    result = lee_bounds(d, outcome="earnings", tighten_by="cell")
    assert result.reversed_cells == ["c"]
    assert "reversed in cell(s) c" in result.summary()
    assert lee_bounds(data, outcome="earnings", tighten_by="cell").reversed_cells == []


def test_reversed_cells_give_one_note_for_every_outcome_they_affect(data):
    """The attrition summary names a reversed cell once, with the outcomes it affects, instead
    of repeating the same warning for each outcome."""
    from impact.analysis.attrition.summary import _tightened_lee

    d = data.copy()
    treated_c = (d["cell"] == "c") & (d["arm"] == "treatment")
    d.loc[treated_c[treated_c].index[::2], "earnings"] = pd.NA
    d["earnings_again"] = d["earnings"]
    notes: list[str] = []
    bounds = _tightened_lee(d, ["earnings", "earnings_again"], {"tighten_by": "cell"}, notes)
    assert set(bounds) == {"earnings", "earnings_again"}
    assert notes == [
        "earnings, earnings_again: response moves in the other direction in cell(s) c of cell; "
        "the tightened bounds assume one direction everywhere (read them with care)"
    ]
