"""Bad input to the CACE and CR2: clear messages naming the column, the value and the fix."""

import json

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import cace, itt
from impact.errors import AnalysisError, InputError
from impact.results import Result


def trial(n: int = 80, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = np.arange(n) % 2 == 0
    started = z & (rng.random(n) < 0.7)
    return pd.DataFrame(
        {
            "arm": np.where(z, "treatment", "control"),
            "stratum": np.where(np.arange(n) < n // 2, "a", "b"),
            "age": rng.integers(20, 60, n).astype(float),
            "started": started,
            "y": pd.array(rng.random(n) < 0.3 + 0.3 * started, dtype="boolean"),
        }
    )


def test_take_up_column_missing():
    with pytest.raises(InputError, match="take-up column") as info:
        cace(trial(), outcomes=["y"], take_up="began")
    assert info.value.problems[0].column == "began"


def test_take_up_not_boolean():
    data = trial().assign(started=lambda d: np.where(d["started"], "yes", "no"))
    with pytest.raises(InputError, match="'started' is not boolean") as info:
        cace(data, outcomes=["y"])
    assert "no, yes" in info.value.problems[0].value
    assert "True/False" in info.value.problems[0].expected


def test_take_up_without_variation():
    with pytest.raises(AnalysisError, match="False for every randomised person"):
        cace(trial().assign(started=False), outcomes=["y"])


def test_take_up_empty():
    with pytest.raises(InputError, match="empty"):
        cace(trial().assign(started=pd.array([pd.NA] * 80, dtype="boolean")), outcomes=["y"])


def test_no_first_stage():
    data = trial()
    data["started"] = np.arange(len(data)) % 4 < 2  # half take part in each arm
    with pytest.raises(AnalysisError, match="no first stage"):
        cace(data, outcomes=["y"])


def test_unknown_take_up_rows_are_left_out_with_a_note():
    data = trial()
    data["started"] = data["started"].astype("boolean")
    data.loc[:4, "started"] = pd.NA
    res = cace(data, outcomes=["y"], covariates=["age"])
    assert res.tidy()["n"].iloc[0] == 75
    assert any("unknown 'started'" in n for n in res.notes)


def test_weak_first_stage_is_flagged():
    data = trial(n=400, seed=5)
    rng = np.random.default_rng(1)
    z = data["arm"].eq("treatment").to_numpy()
    data["started"] = rng.random(400) < 0.30 + 0.04 * z
    row = cace(data, outcomes=["y"]).tidy().iloc[0]
    assert row["first_stage_f"] < 10 and row["weak_instrument"]
    assert "weak first stage: F = " in row["note"]


def test_cluster_needs_a_cluster_type_and_back():
    data = trial().assign(site=lambda d: np.arange(len(d)) // 8)
    with pytest.raises(InputError, match="cluster"):
        cace(data, outcomes=["y"], se_type="CR2")
    with pytest.raises(InputError, match="cluster"):
        itt(data, ["y"], se_type="HC2", cluster="site")
    assert cace(data, outcomes=["y"], cluster="site").se_type == "CR2"
    assert itt(data, ["y"], cluster="site", logit=False).se_type == "CR2"
    assert itt(data, ["y"], cluster="site", se_type="stata").se_type == "stata"


def test_cace_result_contract():
    res = cace(trial(), outcomes=["y"], covariates=["age"])
    assert isinstance(res, Result)
    assert {"first_stage_f", "complier_share", "n"} <= set(res.tidy().columns)
    assert res.to_dict()["compliers"][0]["covariate"] == "age"
    json.dumps(res.to_dict())
    assert "Complier characteristics" in res._repr_html_()
    assert "CACE" in res.summary()
