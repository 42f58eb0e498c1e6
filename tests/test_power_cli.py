"""``impact power``: mde, n, power, simulate, plan, rise — text and JSON output, user errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from impact.analysis.power import PowerRequestError
from impact.cli.main import app, run

runner = CliRunner()


def test_mde_text_and_json():
    args = ["power", "mde", "--n1", "73", "--n2", "78", "--control-rate", "0.3"]
    result = runner.invoke(app, [*args, "--method", "arcsine", "--direction", "increase"])
    assert result.exit_code == 0, result.output
    assert "the smallest detectable rise from a 30% control-group rate is 22.2" in result.output
    result = runner.invoke(app, [*args, "--json", "--lang", "sv"])
    data = json.loads(result.output)
    assert data["solve_for"] == "mde"
    assert [m["direction"] for m in data["mde"]] == ["increase", "decrease"]
    assert data["assumptions"]["method"] == "unpooled"


def test_every_design_option_reaches_the_calculation():
    result = runner.invoke(
        app,
        [
            "power", "mde", "--n", "500", "--ratio", "1.5", "--control-rate", "0.29",
            "--alpha", "0.1", "--power", "0.9", "--sides", "1", "--method", "pooled",
            "--r2", "0.1", "--icc", "0.02", "--cluster-size", "5", "--attrition", "0.3",
            "--cluster-cv", "0.5", "--direction", "decrease", "--outcome", "got_job", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_treatment"] == pytest.approx(200)
    assert data["n_control_analysed"] == pytest.approx(210)
    assert data["assumptions"] == {
        "alpha": 0.1,
        "sides": 1,
        "method": "pooled",
        "r2": 0.1,
        "icc": 0.02,
        "cluster_size": 5.0,
        "attrition": 0.3,
        "cluster_cv": 0.5,
        "design_effect": pytest.approx(1 + (1.25 * 5 - 1) * 0.02),
    }
    assert data["power"] == 0.9
    assert data["mde"][0]["direction"] == "decrease"


def test_power_from_clusters_on_the_command_line():
    args = ["power", "power", "--clusters", "20", "--cluster-size", "8", "--icc", "0.05",
            "--control-rate", "0.3", "--effect", "15", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_treatment"] == data["n_control"] == 80
    assert data["assumptions"]["design_effect"] == pytest.approx(1.35)


def test_n_and_power_commands():
    result = runner.invoke(
        app,
        ["power", "n", "--control-rate", "0.29", "--effect", "10", "--attrition", "0.3", "--json"],
    )
    data = json.loads(result.output)
    assert data["n_treatment_enrolled"] >= data["n_treatment_analysed"] / 0.7
    result = runner.invoke(
        app,
        ["power", "power", "--n1", "73", "--n2", "78", "--control-rate", "0.3", "--effect",
         "-10", "--lang", "sv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "upptäcks en minskning med 10 procentenheter" in result.output


def test_simulate_plan_and_rise_commands():
    result = runner.invoke(
        app,
        ["power", "simulate", "--n", "151", "--control-rate", "0.3", "--effect", "20",
         "--sims", "300", "--seed", "3", "--json"],
    )  # fmt: skip
    assert json.loads(result.output)["n_sims"] == 300
    result = runner.invoke(app, ["power", "plan", "--n", "400", "--r2", "0.1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_participants"] == 400
    assert {row["r2"] for row in data["mde"]} == {0.1}
    result = runner.invoke(app, ["power", "rise"])
    assert "17–20" in result.output


def test_user_errors_exit_2_without_traceback(capsys):
    result = runner.invoke(
        app, ["power", "mde", "--n1", "73", "--n2", "78", "--control-rate", "30"]
    )
    assert isinstance(result.exception, PowerRequestError)
    with pytest.raises(SystemExit) as info:
        run(
            ["power", "mde", "--n1", "73", "--n2", "78", "--control-rate", "0.3", "--power", "0.01"]
        )
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "more than alpha" in err
    assert "Traceback" not in err
