"""The one-page attrition summary: contents, text, tables and figures written."""

import numpy as np
import pandas as pd
import pytest

from impact.analysis.attrition import AttritionSummary, attrition_summary


def panel(seed: int = 7, n: int = 240) -> pd.DataFrame:
    """Linked-panel-like table: stages b, f1, f2, r; baseline covariates missing without b."""
    rng = np.random.default_rng(seed)
    treat = rng.permutation(np.repeat([1, 0], n // 2))
    gender = rng.choice(["woman", "man"], size=n, p=[0.75, 0.25])
    age = rng.integers(20, 60, size=n).astype(float)
    education = rng.integers(1, 6, size=n).astype(float)
    b = rng.random(n) < 0.7
    f1 = b & (rng.random(n) < 0.6)
    f2 = b & (rng.random(n) < 0.6)
    r = b & (rng.random(n) < 1 / (1 + np.exp(-(0.5 + 0.3 * (education - 3) + 0.5 * treat))))
    job = rng.random(n) < 0.3 + 0.1 * treat
    income = np.exp(9 + 0.1 * education + rng.normal(0, 0.5, n))
    return pd.DataFrame(
        {
            "person_id": [f"p{i:04d}" for i in range(n)],
            "arm": pd.array(np.where(treat == 1, "treatment", "control"), dtype="string"),
            "stratum": pd.array(rng.choice(["A", "B"], size=n), dtype="string"),
            "responded_b": b,
            "responded_f1": f1,
            "responded_f2": f2,
            "responded_r": r,
            "gender": pd.array(gender, dtype="string"),
            "age": pd.array(np.where(b, age, np.nan), dtype="Float64"),
            "education_level": pd.array(np.where(b, education, np.nan), dtype="Float64"),
            "got_job": pd.array(np.where(r, job, None), dtype="boolean"),
            "income": pd.array(np.where(r, income, np.nan), dtype="Float64"),
        }
    )


@pytest.fixture(scope="module")
def summary() -> AttritionSummary:
    return attrition_summary(
        panel(), outcomes=["got_job", "income"], covariates=["gender", "age", "education_level"],
        tighten_by="gender", n_bootstrap=50, n_permutations=500, seed=1,
    )  # fmt: skip


def test_summary_combines_every_part(summary):
    assert summary.rates.tidy()["stage"].tolist() == ["randomised", "b", "f1", "f2", "r"]
    row = summary.rates.stage("r")
    assert summary.wwc.overall_attrition == pytest.approx(row["attrition_overall"])
    assert summary.wwc.boundary == "cautious"
    assert summary.response_test.method == "permutation"
    assert summary.response_test_exact.method == "fisher"
    assert summary.regression is not None and summary.regression.population == "baseline"
    assert set(summary.lee) == {"got_job", "income"}
    assert set(summary.manski) == {"got_job"}  # Manski only for the bounded outcome
    assert set(summary.ipw) == {"got_job", "income"}
    assert any("income: Manski" in note for note in summary.notes)
    estimates = summary.tidy()
    assert list(estimates.columns) == [
        "outcome", "method", "estimate", "lower", "upper", "ci_lower", "ci_upper",
    ]  # fmt: skip
    got_job = estimates[estimates["outcome"] == "got_job"]
    assert got_job["method"].tolist() == ["naive", "ipw", "lee", "lee_tightened", "manski"]
    lee = got_job.set_index("method").loc["lee"]
    assert lee["lower"] <= lee["upper"]
    # the plain bounds stay plain; the tightened ones are reported beside them
    assert summary.lee["got_job"].tighten_by is None
    assert summary.lee_tightened["got_job"].tighten_by == "gender"
    tight = got_job.set_index("method").loc["lee_tightened"]
    assert tight["lower"] == pytest.approx(summary.lee_tightened["got_job"].lower)


def test_summary_text_is_one_page(summary):
    text = summary.summary()
    assert "WWC attrition standard" in text
    assert "Lee bounds for got_job" in text
    assert "Manski bounds for got_job" in text
    assert "IPW-adjusted ITT for income" in text
    assert len(text.splitlines()) < 60
    assert "p0001" not in text


def test_write_tables_and_figures(summary, tmp_path):
    (tmp_path / "keep.txt").write_text("other output")
    written = summary.write(tmp_path)
    names = {p.name for p in written}
    for expected in (
        "attrition_rates.csv", "wwc_classification.csv", "response_tests.csv",
        "attrition_regression.csv", "attrition_regression_joint_tests.csv",
        "response_by_covariate.csv", "estimates.csv", "lee_bounds.csv", "lee_bounds_cells.csv",
        "manski_bounds.csv", "ipw_estimates.csv", "ipw_weights.csv", "ipw_balance.csv",
        "summary.txt", "response_by_stage.png", "response_by_stage.svg", "bounds.png",
        "bounds.svg", "ipw_weights_got_job.png",
    ):  # fmt: skip
        assert expected in names
    assert all(p.stat().st_size > 0 for p in written)
    assert (tmp_path / "keep.txt").read_text() == "other output"
    rates = pd.read_csv(tmp_path / "attrition_rates.csv")
    assert rates["stage"].tolist() == ["randomised", "b", "f1", "f2", "r"]
    for path in written:
        if path.suffix in (".csv", ".txt", ".svg"):
            assert "p0001" not in path.read_text()
    assert (tmp_path / "bounds.png").read_bytes()[:4] == b"\x89PNG"


def test_optimistic_boundary_and_failed_parts_become_notes():
    data = panel(seed=3)
    data["perfect"] = data["responded_r"].astype(float)
    result = attrition_summary(
        data, outcomes="got_job", covariates=["perfect"], boundary="optimistic",
        n_bootstrap=20, n_permutations=200,
    )  # fmt: skip
    assert result.wwc.boundary == "optimistic"
    assert "got_job" not in result.ipw
    assert any("IPW not computed" in note for note in result.notes)
    assert "Notes:" in result.summary()


def test_summary_without_covariates_still_reports_bounds():
    result = attrition_summary(panel(seed=4), outcomes="got_job", covariates=[],
                               n_permutations=200)  # fmt: skip
    assert result.regression is None and result.ipw == {}
    assert result.tidy()["method"].tolist() == ["naive", "lee", "manski"]
    assert "<h4>Attrition summary</h4>" in result._repr_html_()
