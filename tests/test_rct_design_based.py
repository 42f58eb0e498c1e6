"""Design-based inference against base-R exact enumeration (tests/reference/design.R).

Randomisation inference re-drawn by the declared procedure (complete, blocked, clustered,
blocked and clustered), its test-inversion confidence intervals, and the wild cluster bootstrap
with Webb weights (all 6^G weight vectors) are compared with ``design_values.json`` at 1e-6; R is
not needed to run these tests.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import randomisation_test
from impact.analysis.rct.procedure import Declaration, RandomisationProcedure
from impact.analysis.rct.wild import wild_cluster_bootstrap
from impact.errors import InputError

REF_DIR = Path(__file__).parent / "reference"
REF = json.loads((REF_DIR / "design_values.json").read_text())
TOL = 1e-6


def load(name: str) -> pd.DataFrame:
    data = pd.read_csv(REF_DIR / f"design_{name}.csv")
    data["y"] = data["y"].astype("boolean")
    return data


CASES = {
    "blocked": ("blocked", Declaration("blocked", blocks="stratum", probability=0.5), "stratum"),
    "blocked_and_clustered": (
        "clustered",
        Declaration("blocked_and_clustered", blocks="stratum", clusters="cluster", probability=0.5),
        "stratum",
    ),
    "clustered": (
        "clustered",
        Declaration("clustered", blocks=None, clusters="cluster", probability=0.5),
        "stratum",
    ),
    "complete": ("complete", Declaration("complete", blocks=None, probability=1 / 3), None),
}


def as_float(value) -> float:
    return float(value) if not isinstance(value, str) else float(value.replace("Inf", "inf"))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("statistic", ["coefficient", "studentised"])
def test_exact_ri_and_inverted_ci_match_r_enumeration(case, statistic):
    name, declaration, strata = CASES[case]
    data = load(name)
    ref = REF[case]
    procedure = RandomisationProcedure.from_data(data, declaration)
    assert procedure.count_assignments() == ref["n_assignments"]
    res = randomisation_test(
        data, ["y"], strata=strata, covariates=["x"], statistic=statistic, draws=10**6,
        procedure=declaration,
    ).tidy().iloc[0]  # fmt: skip
    want = ref[statistic]
    assert res["method"] == "exact"
    assert res["draws"] == ref["n_assignments"]
    assert res["observed"] == pytest.approx(want["observed"], abs=TOL)
    assert res["p_value"] == pytest.approx(want["p_value"], abs=TOL)
    for side in ("conf_low", "conf_high"):
        expected = as_float(want[side])
        if math.isinf(expected):
            assert res[side] == expected
        else:
            assert res[side] == pytest.approx(expected, abs=TOL)


def test_enumeration_probabilities_follow_complete_ra_with_a_fractional_count():
    procedure = RandomisationProcedure.from_data(load("complete"), CASES["complete"][1])
    assignments, weights = procedure.enumerate()
    treated = assignments.sum(axis=1)
    assert sorted(set(treated.tolist())) == [3, 4]
    assert weights[treated == 3].sum() == pytest.approx(2 / 3, abs=1e-12)
    assert weights[treated == 4].sum() == pytest.approx(1 / 3, abs=1e-12)
    # every person is treated with probability exactly 1/3, as complete_ra guarantees
    assert weights @ assignments == pytest.approx(np.full(10, 1 / 3), abs=1e-12)


def test_random_draws_follow_the_declared_procedure():
    data = load("clustered")
    procedure = RandomisationProcedure.from_data(data, CASES["blocked_and_clustered"][1])
    draws = procedure.draw(np.random.default_rng(1), 4000)
    clusters = data["cluster"].to_numpy()
    for c in np.unique(clusters):
        rows = draws[:, clusters == c]
        assert (rows == rows[:, :1]).all()  # whole clusters
    for block in ("A", "B"):
        first = data.groupby("cluster")["stratum"].first()
        in_block = first[first == block].index
        per_cluster = np.column_stack(
            [draws[:, np.flatnonzero(clusters == c)[0]] for c in in_block]
        )
        assert (per_cluster.sum(axis=1) == 2).all()
        assert per_cluster.mean() == pytest.approx(0.5, abs=0.03)
    complete = RandomisationProcedure.from_data(load("complete"), CASES["complete"][1])
    share = complete.draw(np.random.default_rng(2), 20000).mean()
    assert share == pytest.approx(1 / 3, abs=0.01)


@pytest.mark.parametrize("spec", ["adjusted", "unadjusted"])
def test_wild_cluster_bootstrap_matches_r_enumeration_of_6_to_the_g(spec):
    data = load("wild")
    covariates, strata = (["x"], "stratum") if spec == "adjusted" else ([], None)
    res = wild_cluster_bootstrap(
        data, ["y"], cluster="cluster", strata=strata, covariates=covariates
    ).tidy().iloc[0]  # fmt: skip
    ref = REF["wild"][spec]
    assert res["method"] == "exact"
    assert res["draws"] == ref["draws"] == 6**5
    assert res["clusters"] == ref["clusters"]
    for key in ("estimate", "statistic", "p_value"):
        assert res[key] == pytest.approx(ref[key], abs=TOL)


def test_wild_bootstrap_random_draws_are_seeded_and_close_to_exact():
    data = load("wild")
    exact = wild_cluster_bootstrap(data, ["y"], cluster="cluster").tidy()["p_value"].iloc[0]
    a = wild_cluster_bootstrap(data, ["y"], cluster="cluster", method="monte_carlo", seed=3)
    b = wild_cluster_bootstrap(data, ["y"], cluster="cluster", method="monte_carlo", seed=3)
    pd.testing.assert_frame_equal(a.tidy(), b.tidy())
    assert a.tidy()["p_value"].iloc[0] == pytest.approx(exact, abs=0.01)


def test_analyse_rct_with_a_declared_clustered_design_adds_ri_ci_and_wild_bootstrap():
    from impact.analysis.rct import analyse_rct

    data = load("wild")
    declared = Declaration("clustered", blocks=None, clusters="cluster", probability=0.6)
    res = analyse_rct(
        data, outcomes=["y"], covariates=["x"], subgroups=(), components=[], ri_draws=10**6,
        randomisation=declared, seed=1,
    )  # fmt: skip
    table = res.results_table()
    wild = REF["wild"]["adjusted"]
    assert table["wild_p"].iloc[0] == pytest.approx(wild["p_value"], abs=TOL)
    assert res.randomisation.tidy()["draws"].iloc[0] == 10  # C(5, 3) cluster assignments
    assert table["ri_conf_low_pp"].iloc[0] == -np.inf  # 1/10 > 0.05: nothing rejected
    assert res.settings["randomisation"]["clusters"] == "cluster"
    assert res.settings["cluster"] == "cluster"
    assert res.itt.tidy()["se_type"].iloc[0] == "CR2"  # CR2 is the default with a declared cluster
    formatted = res.results_table(formatted=True)
    assert "Wild bootstrap p" in formatted.columns
    assert "RI 95 % CI (pp)" in formatted.columns


def test_pipeline_finds_a_declared_column_kept_from_the_randomisation_list():
    from types import SimpleNamespace

    from impact.ingest.config import RandomisationConfig
    from impact.pipeline.analyse import _declared_randomisation

    section = RandomisationConfig(procedure="blocked_and_clustered", clusters="coach")
    prepared = SimpleNamespace(config=SimpleNamespace(randomisation=section))
    rows = pd.DataFrame(columns=["arm", "stratum", "rand_coach"])
    declared = _declared_randomisation(prepared, rows)
    assert (declared.blocks, declared.clusters, declared.probability) == (
        "stratum", "rand_coach", 0.5,
    )  # fmt: skip
    prepared.config.randomisation = None
    assert _declared_randomisation(prepared, rows) is None


def test_a_design_not_yet_randomised_can_be_drawn_for_diagnosis():
    data = load("clustered").drop(columns="arm")
    declared = CASES["blocked_and_clustered"][1]
    procedure = RandomisationProcedure.from_data(data, declared, arm=None)
    draws = procedure.draw(np.random.default_rng(5), 100)
    assert draws.shape == (100, len(data))
    assert procedure.count_assignments() == REF["blocked_and_clustered"]["n_assignments"]
    with pytest.raises(InputError, match="needs the share treated"):
        RandomisationProcedure.from_data(data, Declaration("blocked"), arm=None)
