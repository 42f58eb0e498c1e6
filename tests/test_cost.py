"""Costs: the study file's costs: and power: sections, cost per additional outcome read
honestly, descriptive programme costs, and the bootstrap (R agreement: test_cost_reference)."""

from __future__ import annotations

import math
import re
from typing import get_args

import numpy as np
import pandas as pd
import pytest

from impact.analysis.cost import (
    bootstrap_effect,
    cost_basis,
    cost_effectiveness,
    cost_per_outcome,
    programme_costs,
)
from impact.analysis.cost.fieller import positive_cost_interval
from impact.analysis.power.design import Method
from impact.errors import InputError
from impact.ingest.config import load_config
from impact.ingest.config_costs import CostsConfig
from impact.ingest.config_power import PowerConfig

HEAD = "study: {name: X}\ninputs: {baseline: b.csv}\n"


def _load(tmp_path, text):
    path = tmp_path / "study.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load_config(path)


def test_costs_section_loads_with_defaults(tmp_path):
    config = _load(tmp_path, "costs: {total: 900000, price_year: 2025, currency: sek}\n")
    assert config.costs.currency == "SEK" and config.costs.outcomes == ["got_job", "job_or_steps"]
    assert config.costs.given() == {"total": 900000.0}
    assert _load(tmp_path, "").costs is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("costs: {price_year: 2025}\n", "costs.total"),
        ("costs: {total: 100}\n", "costs.price_year"),
        ("costs: {total: -5, price_year: 2025}\n", "costs.total"),
        ("power: {ratio: 1}\n", "power.n_total"),
        ("power: {n_total: 100, n_per_arm: 50}\n", "power.n_total"),
        ("power: {n_total: 100, method: exact}\n", "power.method"),
    ],
)
def test_bad_sections_name_the_key(tmp_path, text, key):
    with pytest.raises(InputError) as info:
        _load(tmp_path, text)
    assert any(p.column == key for p in info.value.problems), info.value


def test_power_methods_repeat_the_analysis_methods():
    assert set(get_args(PowerConfig.model_fields["method"].annotation)) == set(get_args(Method))


def test_power_participants_from_either_size():
    assert PowerConfig(n_total=500).participants == 500
    assert PowerConfig(n_per_arm=100, ratio=1.5).participants == 250
    assert PowerConfig(n_total=500, r2=0.1).r2 == [0.1]


def test_amounts_must_agree():
    costs = CostsConfig(total=1_000_000, per_participant=10_000, per_round=500_000,
                        price_year=2025)  # fmt: skip
    basis = cost_basis(costs, n_offered=100, n_participants=100, n_rounds=2)
    assert basis.total == 1_000_000 and basis.per_offered == 10_000
    with pytest.raises(InputError, match="disagree") as info:
        cost_basis(costs, n_offered=100, n_participants=80, n_rounds=2)
    assert [p.column for p in info.value.problems] == ["costs.per_participant"]
    assert "80 participants" in info.value.problems[0].expected


@pytest.mark.parametrize(
    ("low", "high", "kind"),
    [(0.02, 0.1, "bounded"), (-0.02, 0.1, "no_upper_limit"), (-0.1, -0.01, "not_positive"),
     (-0.1, 0.0, "not_positive")],
)  # fmt: skip
def test_positive_cost_interval(low, high, kind):
    found = positive_cost_interval(1000.0, low, high)
    assert found[0] == kind
    assert all(math.isnan(v) or (v > 0 and math.isfinite(v)) for v in found[1:])


def _no_bad_cost(text: str) -> None:
    """No negative or infinite amount of money is printed."""
    assert "inf" not in text.lower()
    assert not re.search(r"[−-]\s?[\d\u00a0,]+\u00a0SEK", text), text


@pytest.mark.parametrize("estimate", [0.08, 0.03, 0.0, -0.04])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_sentences_never_print_a_negative_or_infinite_cost(estimate, lang):
    draws = np.random.default_rng(1).normal(estimate, 0.03, 500)
    result = cost_per_outcome(20_000, estimate, 0.03, 150, outcome="got_job", draws=draws,
                              price_year=2025)  # fmt: skip
    for sentence in result.sentences(lang):
        _no_bad_cost(sentence)
    row = result.tidy().iloc[0]
    for name in ("cost_per_outcome", "fieller_low", "fieller_high", "bootstrap_low",
                 "bootstrap_high"):  # fmt: skip
        assert math.isnan(row[name]) or (row[name] > 0 and math.isfinite(row[name]))
    if estimate == 0.03:
        assert row["fieller_interval"] == "no_upper_limit"
        assert "no finite upper limit" in " ".join(result.sentences("en"))


def test_impact_per_amount_is_linear_in_the_effect():
    row = cost_per_outcome(25_000, 0.05, 0.04, None, per_amount=100_000).tidy().iloc[0]
    assert row["impact"] == pytest.approx(0.2)
    assert row["impact_low"] == pytest.approx((0.05 - 1.959964 * 0.04) * 4, rel=1e-6)
    assert row["impact_low"] < 0 < row["impact_high"]


def test_invalid_effect_inputs_are_input_errors():
    with pytest.raises(InputError) as info:
        cost_per_outcome(-1, 0.1, 0.0)
    assert {p.column for p in info.value.problems} == {"cost", "std_error"}


def _trial(n=400, effect=0.15, seed=3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = np.where(rng.random(n) < 0.5, "treatment", "control")
    y = rng.random(n) < 0.3 + effect * (arm == "treatment")
    return pd.DataFrame({"arm": arm, "stratum": rng.choice(["a", "b"], n), "got_job": y,
                         "job_or_steps": rng.random(n) < 0.6, "round_id": "R1"})  # fmt: skip


def test_bootstrap_is_reproducible_and_centred():
    data = _trial()
    first = bootstrap_effect(data, "got_job", draws=400, seed=5)
    again = bootstrap_effect(data, "got_job", draws=400, seed=5)
    np.testing.assert_array_equal(first.draws, again.draws)
    assert abs(np.median(first.draws) - first.estimate) < 0.02


def test_cost_effectiveness_on_a_trial():
    data = _trial()
    result = cost_effectiveness(data, {"total": 2_000_000, "price_year": 2025}, draws=300)
    table = result.tidy().set_index("outcome")
    assert list(table.index) == ["got_job", "job_or_steps"]
    assert table.loc["got_job", "fieller_interval"] == "bounded"
    assert table.loc["got_job", "bootstrap_interval"] == "bounded"
    assert result.basis["per_offered"] == pytest.approx(2_000_000 / (data.arm == "treatment").sum())
    assert "Cost-effectiveness" in result.summary() and result.to_dict()["rows"]
    with pytest.raises(InputError, match="cace"):
        cost_effectiveness(data, {"total": 1e6, "price_year": 2025}, effect="cace")


def test_programme_costs_are_descriptive_and_suppressed():
    data = pd.DataFrame({"got_job": pd.array([True] * 30 + [False] * 60 + [None] * 10,
                                             dtype="boolean"),
                         "job_or_steps": pd.array([True] * 3 + [False] * 97, dtype="boolean"),
                         "round_id": ["R1"] * 50 + ["R2"] * 50})  # fmt: skip
    result = programme_costs(data, {"per_round": 500_000, "price_year": 2025})
    table = result.tidy().set_index("outcome")
    assert result.basis["per_participant"] == pytest.approx(10_000)
    assert table.loc["got_job", "cost_per_reaching"] == pytest.approx(10_000 / (30 / 90))
    assert table.loc["job_or_steps", "suppressed"]
    assert math.isnan(table.loc["job_or_steps", "cost_per_reaching"])
    text = " ".join(result.sentences("en"))
    assert "10,000" in text and "per participant" in text
    _no_bad_cost(" ".join(result.sentences("sv")))


def test_pipeline_costs_from_itt_and_cace(tmp_path):
    from impact.pipeline.declared import declared_costs
    from impact.rct import cace

    config = _load(tmp_path, "costs: {per_participant: 20000, price_year: 2025, "
                             "bootstrap_draws: 200}\n")  # fmt: skip
    rows = _trial()
    rng = np.random.default_rng(8)
    rows["started"] = (rows["arm"] == "treatment") & (rng.random(len(rows)) < 0.8)
    notes: list[str] = []
    estimates = cace(rows, outcomes=["got_job"], take_up="started").tidy()
    descriptive, found = declared_costs(config, rows, rows, notes, cace=estimates,
                                        take_up="started")  # fmt: skip
    assert descriptive is None
    table = found.tidy()
    assert list(zip(table["outcome"], table["effect"], strict=True)) == [
        ("got_job", "itt"),
        ("job_or_steps", "itt"),
        ("got_job", "cace"),
    ]
    offered = (rows["arm"] == "treatment").sum()
    assert table["cost_per_person"].iloc[0] == pytest.approx(
        20000 * rows["started"].sum() / offered
    )
    assert table["cost_per_person"].iloc[2] == pytest.approx(20000)
    programme, none = declared_costs(config, rows, None, notes)
    assert none is None and programme.basis["n_participants"] == len(rows)
