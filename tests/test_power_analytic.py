"""Analytic power, MDE and sample size: design adjustments, errors, result objects."""

from __future__ import annotations

import json
import math

import pytest

from impact.analysis.power import (
    MDEResult,
    PowerRequestError,
    mde,
    power,
    sample_size,
)
from impact.errors import ImpactError

METHODS = ["unpooled", "pooled", "arcsine"]


@pytest.mark.parametrize("method", METHODS)
def test_power_at_the_mde_is_the_target(method):
    result = mde(73, 78, control_rate=0.3, power=0.8, method=method)
    for found in result.detectable:
        sign = 1 if found.direction == "increase" else -1
        got = power(73, 78, control_rate=0.3, effect_pp=sign * found.mde_pp, method=method)
        assert got.power == pytest.approx(0.8, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("sides", [1, 2])
def test_no_effect_gives_alpha(method, sides):
    got = power(50, 60, control_rate=0.4, effect_pp=0, alpha=0.05, sides=sides, method=method)
    assert got.power == pytest.approx(0.05, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_total_and_ratio_equal_explicit_arms(method):
    by_arms = mde(100, 200, control_rate=0.29, method=method).mde_pp
    by_total = mde(n=300, ratio=2.0, control_rate=0.29, method=method).mde_pp
    assert by_total == pytest.approx(by_arms, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_r2_and_clustering_scale_the_effective_sample(method):
    """Variance × DE × (1 − R²) is the same as dividing both arms by that factor."""
    r2, icc, m = 0.2, 0.05, 11
    factor = (1 + (m - 1) * icc) * (1 - r2)
    adjusted = mde(150, 150, control_rate=0.3, r2=r2, icc=icc, cluster_size=m, method=method)
    plain = mde(150 / factor, 150 / factor, control_rate=0.3, method=method)
    for a, b in zip(adjusted.detectable, plain.detectable, strict=True):
        assert a.mde_pp == pytest.approx(b.mde_pp, abs=1e-9)
    assert adjusted.assumptions.design_effect == pytest.approx(1.5)


def test_attrition_shrinks_the_analysed_sample():
    with_loss = mde(250, 250, control_rate=0.29, attrition=0.3)
    analysed = mde(175, 175, control_rate=0.29)
    assert with_loss.mde_pp == pytest.approx(analysed.mde_pp, abs=1e-9)
    row = with_loss.tidy().iloc[0]
    assert row["n_treatment_analysed"] == pytest.approx(175)
    assert row["n_treatment"] == 250


def test_one_sided_mde_is_smaller_and_mde_falls_with_n():
    two = mde(73, 78, control_rate=0.3, direction="increase").mde_pp
    one = mde(73, 78, control_rate=0.3, direction="increase", sides=1).mde_pp
    bigger = mde(146, 156, control_rate=0.3, direction="increase").mde_pp
    assert one < two
    assert bigger < two


def test_sample_size_round_trip_and_enrolment():
    result = sample_size(control_rate=0.29, effect_pp=10, power=0.8, attrition=0.3, ratio=1.5)
    exact = power(
        result.exact_treatment,
        result.exact_control,
        control_rate=0.29,
        effect_pp=10,
    ).power
    assert exact == pytest.approx(0.8, abs=1e-8)
    assert result.achieved_power >= 0.8
    assert result.exact_control == pytest.approx(1.5 * result.exact_treatment)
    assert result.analysed_treatment == math.ceil(result.exact_treatment)
    assert result.enrolled_treatment == math.ceil(result.analysed_treatment / 0.7)
    assert result.enrolled_total == result.enrolled_treatment + result.enrolled_control


def test_sample_size_with_clusters_counts_clusters():
    result = sample_size(control_rate=0.3, effect_pp=-10, icc=0.05, cluster_size=10)
    assert result.clusters == (
        math.ceil(result.enrolled_treatment / 10),
        math.ceil(result.enrolled_control / 10),
    )
    assert "clusters of 10" in result.sentence()
    assert result.tidy().loc[0, "clusters_treatment"] == result.clusters[0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mde(73, 78, control_rate=0.3, power=0.05), "more than alpha"),
        (lambda: mde(73, 78, control_rate=0.3, power=0.03), "more than alpha"),
        (lambda: mde(73, 78, control_rate=0.0), "strictly between 0 and 1"),
        (lambda: mde(73, 78, control_rate=1.0), "strictly between 0 and 1"),
        (lambda: mde(73, 78, control_rate=30), "0.3 for 30 %"),
        (lambda: mde(73, 78, control_rate=float("nan")), "finite"),
        (lambda: mde(73, 78, control_rate=0.05, direction="decrease"), "no fall"),
        (lambda: mde(3, 3, control_rate=0.5), "no rise"),
        (lambda: power(73, 78, control_rate=0.8, effect_pp=25), "outside 0–100 %"),
        (lambda: power(73, 78, control_rate=0.1, effect_pp=-15), "outside 0–100 %"),
        (lambda: sample_size(control_rate=0.3, effect_pp=0), "zero effect"),
        (lambda: sample_size(control_rate=0.3, effect_pp=80), "outside 0–100 %"),
        (lambda: mde(73, 78, control_rate=0.3, method="exact"), "method"),
        (lambda: mde(73, 78, control_rate=0.3, sides=3), "sides"),
        (lambda: mde(73, 78, control_rate=0.3, direction="up"), "direction"),
        (lambda: mde(73, 78, control_rate=0.3, alpha=0), "alpha"),
        (lambda: mde(73, 78, control_rate=0.3, r2=1.0), "r2"),
        (lambda: mde(73, 78, control_rate=0.3, icc=-0.1), "icc"),
        (lambda: mde(73, 78, control_rate=0.3, cluster_size=0.5), "cluster_size"),
        (lambda: mde(73, 78, control_rate=0.3, attrition=1.0), "attrition"),
        (lambda: mde(73, None, control_rate=0.3), "sample size missing"),
        (lambda: mde(73, 78, n=151, control_rate=0.3), "not both"),
        (lambda: mde(n=151, ratio=0, control_rate=0.3), "ratio"),
        (lambda: mde(1, 78, control_rate=0.3), "at least 2"),
        (lambda: power(73, 78, control_rate=0.3, effect_pp="ten"), "expected a number"),
    ],
)
def test_impossible_or_invalid_requests_raise_clear_errors(call, message):
    with pytest.raises(PowerRequestError, match=message) as info:
        call()
    assert isinstance(info.value, ImpactError)


def test_no_sample_size_when_power_is_out_of_reach_is_an_error():
    with pytest.raises(PowerRequestError, match="no sample size|more than alpha"):
        sample_size(control_rate=0.3, effect_pp=1e-12)


def test_sentences_in_english_and_swedish():
    result = mde(
        73, 78, control_rate=0.3, method="arcsine", outcome="got_job", direction="increase"
    )
    assert result.sentence() == (
        "With 73 and 78 participants, α = 0.05 and 80% power, the smallest detectable rise "
        "from a 30% job rate is 22.2 percentage points (two-sided test, arcsine, "
        "Cohen's h = 0.456)."
    )
    assert result.sentence("sv") == (
        "Med 73 och 78 deltagare, α = 0,05 och 80\u00a0% styrka är den minsta upptäckbara ökningen "
        "22,2 procentenheter från en andel som fått jobb på 30\u00a0% (tvåsidigt test, "
        "arcsin-transformation, Cohens h = 0,456)."
    )
    with pytest.raises(PowerRequestError, match="lang"):
        result.sentence("de")


def test_sentence_names_all_assumptions():
    result = mde(250, 250, control_rate=0.29, attrition=0.3, r2=0.2, icc=0.05, cluster_size=10)
    text = result.sentence()
    for part in ("175 and 175 analysed after 30% attrition", "R² = 0.2", "ICC = 0.05", "fall"):
        assert part in text
    assert "175 och 175 analyserade efter 30\u00a0% bortfall" in result.sentence("sv")
    assert "1,45" in result.sentence("sv")


def test_result_objects_tidy_dict_and_html():
    result = mde(73, 78, control_rate=0.3)
    assert isinstance(result, MDEResult)
    tidy = result.tidy()
    assert list(tidy["direction"]) == ["increase", "decrease"]
    for column in ("mde_pp", "control_rate", "treatment_rate", "cohens_h", "method", "r2"):
        assert column in tidy.columns
    for obj in (
        result,
        power(73, 78, control_rate=0.3, effect_pp=-10),
        sample_size(control_rate=0.3, effect_pp=10, attrition=0.2),
    ):
        as_json = json.dumps(obj.to_dict(), ensure_ascii=False)
        assert json.loads(as_json)["sentence"]["sv"] == obj.sentence("sv")
        assert obj.sentence() in obj._repr_html_().replace("&#x27;", "'")
        assert obj.sentence() in obj.summary()
        assert repr(obj) == obj.summary()
    with pytest.raises(KeyError):
        mde(73, 78, control_rate=0.3, direction="increase").get("decrease")


def test_power_sentence_and_sample_size_sentence():
    got = power(73, 78, control_rate=0.3, effect_pp=-10, outcome="expanded_network")
    assert got.sentence().startswith(
        "With 73 and 78 participants and α = 0.05, a fall of 10 percentage points from a 30% "
        "rate of expanded networks is detected with 29.9% power"
    )
    assert "29,9\u00a0% styrka" in got.sentence("sv")
    n = sample_size(control_rate=0.3, effect_pp=10, attrition=0.3)
    assert n.sentence().startswith(
        f"To detect a rise of 10 percentage points from a 30% control-group rate with α = 0.05 "
        f"and 80% power, analyse {n.analysed_treatment} and {n.analysed_control} participants"
    )
    assert f"enrol {n.enrolled_treatment} and {n.enrolled_control}" in n.sentence()
