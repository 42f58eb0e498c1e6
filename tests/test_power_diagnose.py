"""Design diagnosis (impact.power.diagnose): the vectorised estimators equal the public ones and
estimatr, and the diagnosis is consistent, reproducible and refuses bad input. Fast: ≤ 200 trials.
Coverage over ≥ 1,000 trials is checked in benchmarks/diagnose.py."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import impact.attrition as attrition
import impact.rct as rct
from impact.analysis.power.diagnosis import bounds, estimators
from impact.analysis.power.diagnosis.design import DeclaredDesign
from impact.cli.main import app, run
from impact.errors import ImpactError
from impact.power import DiagnosisResult, diagnose

REFERENCE = Path(__file__).parent / "reference"
TOL = 1e-9
SETTINGS = dict(
    control_rate=0.3, effect_pp=15, take_up=0.7, crossover=0.1, attrition_treatment=0.15,
    attrition_control=0.3, attrition_slope=0.5, n_covariates=2, r2=0.2,
)  # fmt: skip


def _arrays(frame: pd.DataFrame):
    observed = frame["y"].notna().to_numpy()[None]
    y = np.where(observed, frame["y"].fillna(False).astype(float).to_numpy()[None], 0.0)
    treated = (frame["arm"] == "treatment").to_numpy(float)
    return y, observed, treated, frame["started"].astype(float).to_numpy()[None]


@pytest.fixture(scope="module")
def small() -> DiagnosisResult:
    return diagnose(120, 100, n_sims=60, ri_draws=99, seed=5, **SETTINGS)


def _first_trial(result: DiagnosisResult) -> pd.DataFrame:
    """Trial 0 of a diagnosis (its first chunk holds every trial of these small runs)."""
    rng = np.random.default_rng(result.seed)
    return result.design.draw(rng, result.n_sims).frame(0)


def _same_as_public(draws, row) -> None:
    """Trial 0's estimate, SE and interval equal a public estimator's row (to 1e-9)."""
    found = [draws.estimate[0], draws.se[0], draws.ci_low[0], draws.ci_high[0]]
    expected = [row["estimate"], row["std_error"], row["conf_low"], row["conf_high"]]
    assert found == pytest.approx(expected, abs=TOL)


def test_trial_equals_public_itt_and_lin(small):
    frame = _first_trial(small)
    public = rct.itt(frame, ["y"], covariates=["x1", "x2"], strata=None,
                     adjustments=("unadjusted", "lin"), logit=False)  # fmt: skip
    for name, spec in (("itt", "unadjusted"), ("lin", "lin")):
        row, draws = public.estimate("y", spec), small.draws[name]
        _same_as_public(draws, row)


def test_trial_equals_public_cace(small):
    public = rct.cace(_first_trial(small), outcomes=["y"], strata=None).tidy().iloc[0]
    draws = small.draws["cace"]
    assert public["se_type"] == "HC2"
    _same_as_public(draws, public)


def test_clustered_trial_equals_public_cr2_itt_lin_and_cace():
    result = diagnose(60, 60, control_rate=0.3, effect_pp=20, take_up=0.8, crossover=0.1,
                      attrition_treatment=0.1, attrition_control=0.2, icc=0.1, cluster_size=6,
                      n_covariates=2, r2=0.2, n_sims=20, ri_draws=0, seed=9)  # fmt: skip
    frame = _first_trial(result)
    itt = rct.itt(frame, ["y"], covariates=["x1", "x2"], strata=None, cluster="cluster",
                  se_type="CR2", adjustments=("unadjusted", "lin"), logit=False)  # fmt: skip
    cace = rct.cace(frame, outcomes=["y"], strata=None, cluster="cluster")
    rows = {"itt": itt.estimate("y"), "lin": itt.estimate("y", "lin"), "cace": cace.tidy().iloc[0]}
    for name, row in rows.items():
        assert row["se_type"] == "CR2"
        _same_as_public(result.draws[name], row)


def test_blocked_trial_equals_public_estimators_with_strata():
    result = diagnose(120, 120, blocks=3, n_sims=20, ri_draws=0, seed=4, **SETTINGS)
    frame = _first_trial(result)
    assert frame.groupby("stratum")["arm"].value_counts().eq(40).all()
    public = rct.itt(frame, ["y"], covariates=["x1", "x2"], strata="stratum",
                     adjustments=("unadjusted", "lin"), logit=False)  # fmt: skip
    cace = rct.cace(frame, outcomes=["y"], strata="stratum").tidy().iloc[0]
    rows = {"itt": public.estimate("y"), "lin": public.estimate("y", "lin"), "cace": cace}
    for name, row in rows.items():
        draws = result.draws[name]
        _same_as_public(draws, row)
    y, observed, treated, _ = _arrays(frame)
    block = result.design.block_ids()
    mine = bounds.ri_pvalues(y, observed, treated, None, np.random.default_rng(7), 300, block)
    ri = rct.randomisation_test(frame, ["y"], strata="stratum", statistic="coefficient",
                                draws=300, seed=7, method="monte_carlo")  # fmt: skip
    assert mine[0] == pytest.approx(ri.tidy()["p_value"].iloc[0], abs=1e-12)


def test_trial_equals_public_lee_bounds(small):
    public = attrition.lee_bounds(_first_trial(small), outcome="y")
    draws = small.draws["lee"]
    assert draws.lower[0] == pytest.approx(public.lower, abs=TOL)
    assert draws.upper[0] == pytest.approx(public.upper, abs=TOL)
    assert draws.ci_low[0] == pytest.approx(public.ci_lower, abs=TOL)
    assert draws.ci_high[0] == pytest.approx(public.ci_upper, abs=TOL)
    y, observed, treated, _ = _arrays(_first_trial(small))
    lee = bounds.lee(y, observed, treated)
    assert lee.se_lower[0] == pytest.approx(public.se_lower, abs=TOL)
    assert lee.se_upper[0] == pytest.approx(public.se_upper, abs=TOL)


def test_ri_equals_public_randomisation_test():
    design = DeclaredDesign.declare(n_treatment=30, n_control=30, **SETTINGS)
    frame = design.draw(np.random.default_rng(11), 1).frame(0)
    y, observed, treated, _ = _arrays(frame)
    mine = bounds.ri_pvalues(y, observed, treated, None, np.random.default_rng(7), 500)
    public = rct.randomisation_test(frame, ["y"], strata=None, statistic="coefficient",
                                    draws=500, seed=7, method="monte_carlo")  # fmt: skip
    assert mine[0] == pytest.approx(public.tidy()["p_value"].iloc[0], abs=1e-12)


def test_ri_counts_equal_exact_enumeration():
    design = DeclaredDesign.declare(n_treatment=5, n_control=5, control_rate=0.4, effect_pp=30)
    frame = design.draw(np.random.default_rng(2), 1).frame(0)
    y, observed, treated, _ = _arrays(frame)
    every = rct.randomisation_test(frame, ["y"], strata=None, statistic="coefficient",
                                   method="exact")  # fmt: skip
    every_draw = np.zeros((252, 10))
    for row, chosen in enumerate(itertools.combinations(range(10), 5)):
        every_draw[row, list(chosen)] = 1
    extreme, used = bounds.ri_counts(y, observed, treated, every_draw)
    assert extreme[0] / used[0] == pytest.approx(every.tidy()["p_value"].iloc[0], abs=1e-12)


@pytest.mark.parametrize("design", ["individual", "clustered"])
def test_estimators_equal_estimatr(design):
    values = json.loads((REFERENCE / "diagnose_values.json").read_text())[design]
    data = pd.read_csv(REFERENCE / "diagnose_data.csv")
    frame = data[data["design"] == design].reset_index(drop=True)
    y, observed, treated, started = _arrays(frame)
    cluster = None if design == "individual" else frame["cluster"].to_numpy().astype(int)
    found = {
        "itt": estimators.itt(y, observed, treated, cluster),
        "cace": estimators.wald(y, started, observed, treated, cluster),
    }
    x = frame[["x1", "x2"]].to_numpy()[None]
    if cluster is None:
        found["lin"] = estimators.lin(y, observed, treated, x)
    else:
        found["lin"] = estimators.lin_cr2(y, observed, treated, x, 10)
    for name, est in found.items():
        ref = values[name]
        assert est.estimate[0] == pytest.approx(ref["estimate"], abs=1e-10)
        assert est.se[0] == pytest.approx(ref["std_error"], abs=1e-10)
        assert est.df[0] == pytest.approx(ref["df"], abs=1e-8)


def test_truth_and_consistency(small):
    assert small.truth["itt"] == pytest.approx(0.7 * 0.15 - 0.1 * 0.15)
    assert small.truth["cace"] == pytest.approx(0.15)
    table = small.tidy().set_index("estimator")
    assert list(table.index) == ["itt", "lin", "cace", "ri", "lee"]
    assert table.loc["itt", "rmse_pp"] ** 2 == pytest.approx(
        table.loc["itt", "bias_pp"] ** 2
        + table.loc["itt", "sd_estimate_pp"] ** 2 * (small.n_sims - 1) / small.n_sims
    )
    assert (table["n_defined"] == small.n_sims).all()
    assert table.loc["lee", "mean_lower_pp"] <= table.loc["lee", "mean_upper_pp"]


def test_itt_unbiased_without_selective_attrition():
    result = diagnose(150, 150, control_rate=0.3, effect_pp=10, take_up=0.8, crossover=0.05,
                      attrition_treatment=0.1, attrition_control=0.1, n_sims=200, ri_draws=0,
                      seed=1)  # fmt: skip
    table = result.tidy().set_index("estimator")
    for name in ("itt", "cace"):
        mc_se = table.loc[name, "sd_estimate_pp"] / np.sqrt(result.n_sims)
        assert abs(table.loc[name, "bias_pp"]) < 3.5 * mc_se
        assert 0.88 <= table.loc[name, "coverage"] <= 1.0
    assert result.truth["itt_always_responders"] == pytest.approx(result.truth["itt"])
    assert table.loc["lin", "note"].startswith("not estimated")
    assert table.loc["ri", "note"] == "not estimated: ri_draws = 0"


def test_null_effect_rejects_about_alpha():
    result = diagnose(100, 100, control_rate=0.4, effect_pp=0, n_sims=200, ri_draws=99, seed=3)
    table = result.tidy().set_index("estimator")
    for name in ("itt", "ri"):
        assert table.loc[name, "power"] <= 0.11


def test_clustered_design_runs_with_cr2():
    result = diagnose(100, 100, control_rate=0.3, effect_pp=20, icc=0.1, cluster_size=10,
                      n_sims=100, ri_draws=49, seed=2)  # fmt: skip
    draws = result.draws["itt"]
    assert np.nanmax(draws.estimate) > np.nanmin(draws.estimate)
    assert "clustering" in result.tidy().set_index("estimator").loc["lee", "note"]


def test_trials_with_a_constant_outcome_are_undefined_as_in_public_itt():
    result = diagnose(10, 10, control_rate=0.03, effect_pp=2, n_sims=60, ri_draws=19, seed=1)
    table = result.tidy().set_index("estimator")
    undefined = np.flatnonzero(np.isnan(result.draws["itt"].estimate))
    assert 0 < len(undefined) < result.n_sims
    assert table.loc["itt", "n_defined"] == table.loc["ri", "n_defined"] == 60 - len(undefined)
    frame = result.design.draw(np.random.default_rng(1), 60).frame(int(undefined[0]))
    with pytest.warns(Warning, match="one value"):
        public = rct.itt(frame, ["y"], strata=None, logit=False).estimate("y")
    assert np.isnan(public["estimate"])


def test_reproducible(small):
    again = diagnose(120, 100, n_sims=60, ri_draws=99, seed=5, **SETTINGS)
    pd.testing.assert_frame_equal(small.tidy(), again.tidy())
    other = diagnose(120, 100, n_sims=60, ri_draws=99, seed=6, **SETTINGS)
    assert not small.tidy()["bias_pp"].equals(other.tidy()["bias_pp"])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"crossover": 0.7}, "crossover"),
        ({"take_up": 0}, "take_up"),
        ({"cluster_size": 7}, "multiple of cluster_size"),
        ({"n_covariates": 0}, "n_covariates"),
        ({"ri_draws": 5}, "ri_draws"),
        ({"effect_pp": 80}, "control_rate"),
        ({"attrition_control": 1.0}, "attrition_control"),
        ({"n_sims": 0}, "n_sims"),
        ({"blocks": 7}, "blocks"),
        ({"blocks": 2, "cluster_size": 20}, "blocked cluster"),
    ],
)
def test_bad_input(change, match):
    with pytest.raises(ImpactError, match=match):
        diagnose(120, 100, **(SETTINGS | {"n_sims": 10} | change))


def test_result_contract(small, tmp_path):
    out = small.to_dict()
    json.dumps(out)
    assert set(out["sentence"]) == {"en", "sv"}
    assert "procentenheter" in small.sentence("sv")
    assert "<table" in small._repr_html_()
    assert "bias_pp" in small.summary()
    for lang in ("en", "sv"):
        assert small.figure(lang).axes
    small.write(tmp_path / "diag")
    written = sorted(p.name for p in (tmp_path / "diag").iterdir())
    assert "diagnosis.csv" in written and "diagnosis_sv.png" in written


def test_cli(tmp_path, capsys):
    runner = CliRunner()
    args = ["power", "diagnose", "--n1", "60", "--n2", "60", "--control-rate", "0.3",
            "--effect", "15", "--take-up", "0.8", "--attrition-control", "0.2",
            "--covariates", "1", "--r2", "0.1", "--sims", "40", "--ri-draws", "19"]  # fmt: skip
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out"), "--lang", "sv"])
    assert result.exit_code == 0, result.output
    assert "försök" in result.output and "cace" in result.output
    assert (tmp_path / "out" / "diagnosis.csv").exists()
    result = runner.invoke(app, [*args, "--blocks", "2", "--json"])
    settings = json.loads(result.output)["settings"]
    assert settings["blocks"] == 2 and settings["n_sims"] == 40
    with pytest.raises(SystemExit) as info:
        run([*args, "--crossover", "0.9"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "less than take_up" in err and "Traceback" not in err
