"""Power, MDE and sample size of cluster-randomised designs against base R / pwr
(tests/reference/design.R, ``power`` block of design_values.json) at 1e-6."""

import json
from pathlib import Path

import pytest

from impact.errors import PowerRequestError
from impact.power import Assumptions, mde, power, sample_size

REF = json.loads((Path(__file__).parent / "reference" / "design_values.json").read_text())["power"]
DESIGN = {"clusters": 20, "cluster_size": 8, "icc": 0.05, "cluster_cv": 0.4, "attrition": 0.1}


def test_design_effect_with_unequal_cluster_sizes():
    assumptions = Assumptions(icc=0.05, cluster_size=8, cluster_cv=0.4)
    assert assumptions.design_effect == pytest.approx(REF["design_effect"], abs=1e-12)
    assert Assumptions(icc=0.05, cluster_size=8).design_effect == pytest.approx(1 + 7 * 0.05)
    assert Assumptions(icc=0.3, cluster_size=1, cluster_cv=0.5).design_effect == 1.0


@pytest.mark.parametrize("method", ["unpooled", "arcsine"])
def test_power_from_number_of_clusters(method):
    res = power(control_rate=0.30, effect_pp=15, method=method, **DESIGN)
    assert res.arms.n_treatment == res.arms.n_control == 80
    assert res.power == pytest.approx(REF[f"power_{method}"], abs=1e-6)
    assert "coefficient of variation of 0.4" in res.sentence("en")
    assert "variationskoefficienten 0,4" in res.sentence("sv")


def test_mde_from_number_of_clusters():
    res = mde(control_rate=0.30, power=0.8, direction="increase", **DESIGN)
    assert res.mde_pp == pytest.approx(REF["mde_pp"], abs=1e-6)


def test_sample_size_gives_clusters_per_arm():
    res = sample_size(control_rate=0.30, effect_pp=10, icc=0.05, cluster_size=10, cluster_cv=0.5,
                      attrition=0.1)  # fmt: skip
    assert res.assumptions.design_effect == pytest.approx(REF["n_design_effect"], abs=1e-12)
    assert res.exact_treatment == pytest.approx(REF["n_exact_per_arm"], abs=1e-6)
    assert res.analysed_treatment == REF["n_analysed_per_arm"]
    assert res.enrolled_treatment == REF["n_enrolled_per_arm"]
    assert res.clusters == (REF["clusters_per_arm"], REF["clusters_per_arm"])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"clusters": 20, "n": 100, "cluster_size": 8}, "not more than one"),
        ({"clusters": 1, "cluster_size": 8}, "at least 2 clusters"),
        ({"clusters": 20}, "mean cluster size above 1"),
        ({"n": 100, "cluster_size": 8, "cluster_cv": -0.1}, "cluster_cv"),
    ],
)
def test_bad_cluster_requests_say_what_to_fix(kwargs, needle):
    with pytest.raises(PowerRequestError, match=needle):
        power(control_rate=0.3, effect_pp=10, **kwargs)
