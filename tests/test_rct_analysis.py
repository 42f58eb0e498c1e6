"""analyse_rct end to end: CONSORT counts, tables, figures, write(), result objects."""

import json

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import (
    RctAnalysis,
    analyse_rct,
    consort_figure,
    consort_flow,
    effects_figure,
    results_table,
)
from impact.analysis.rct.labels import OUTCOMES
from test_rct_reference import COVARIATES, load_data

PRIMARY = ["job_or_steps", "got_job", "took_steps", "expanded_network"]


@pytest.fixture(scope="module")
def analysis() -> RctAnalysis:
    return analyse_rct(load_data(), outcomes=PRIMARY, covariates=COVARIATES, ri_draws=2000, seed=7)


def test_consort_counts_follow_the_waves():
    data = load_data()
    flow = consort_flow(data, analysed="got_job")
    counts = flow.counts()
    assert list(counts.index) == [
        "randomised",
        "baseline",
        "followup_1",
        "followup_2",
        "result",
        "analysed",
    ]
    assert counts.loc["randomised", "total"] == len(data)
    assert counts.loc["baseline", "treatment"] == int(
        (data["responded_b"] & (data["arm"] == "treatment")).sum()
    )
    assert counts.loc["analysed", "total"] == int(data["got_job"].notna().sum())
    t = flow.tidy()
    base = t[(t.stage == "baseline") & (t.arm == "total")].iloc[0]
    assert base["n_excluded"] == len(data) - data["responded_b"].sum()
    assert base["excluded_reason"] == "did not answer baseline"


def test_consort_reasons_where_known():
    data = load_data()
    data["dropout_reason"] = np.where(data["responded_b"], None, "moved away")
    flow = consort_flow(data, reason_column="dropout_reason")
    reasons = flow.reasons
    total = reasons[(reasons.stage == "baseline") & (reasons.arm == "total")]
    assert total["reason"].tolist() == ["moved away"]
    assert total["n"].iloc[0] == int((~data["responded_b"]).sum())


def test_analysis_bundle_has_every_part(analysis):
    assert set(analysis.itt.tidy()["specification"]) == {
        "unadjusted",
        "additive",
        "lin",
        "logit_ame",
    }
    assert set(analysis.balance.tidy()["sample"]) == {"randomised", "analysed"}
    assert analysis.randomisation is not None
    families = analysis.multiple_testing_table()
    assert set(families["family"]) == {"outcomes", "components"}
    assert {"holm_p", "fdr_bh_p", "westfall_young_p", "ri_p"} <= set(families.columns)
    assert "gender" in analysis.heterogeneity
    assert analysis.components is not None
    assert "not causal" in analysis.components.title
    table = analysis.tidy()
    assert list(table["outcome"][: len(PRIMARY)]) == PRIMARY
    for col in (
        "lin_pp",
        "lin_conf_low_pp",
        "lin_p",
        "fisher_p",
        "ri_p",
        "holm_p",
        "westfall_young_p",
    ):
        assert col in table.columns
    assert table[["lin_pp", "fisher_p", "ri_p"]].notna().all().all()


def test_results_table_languages(analysis):
    sv = analysis.results_table(formatted=True, lang="sv")
    en = analysis.results_table(formatted=True, lang="en")
    assert sv.iloc[1, 0] == OUTCOMES["got_job"]["sv"]
    assert en.iloc[1, 0] == OUTCOMES["got_job"]["en"]
    assert any("KI" in c for c in sv.columns) and any("CI" in c for c in en.columns)
    assert "," in sv.iloc[0, 2]  # decimal comma in Swedish
    numeric = results_table(analysis.itt, specifications=["unadjusted"])
    assert [c for c in numeric.columns if c.startswith("lin")] == []


def test_result_objects_render(analysis):
    for res in (
        analysis,
        analysis.consort,
        analysis.balance,
        analysis.itt,
        analysis.fisher,
        analysis.randomisation,
        analysis.components,
        analysis.heterogeneity["gender"],
        *analysis.multiple_testing,
    ):
        assert isinstance(res.tidy(), pd.DataFrame)
        assert res.summary().strip()
        assert "<table" in res._repr_html_()


def test_write_creates_tables_and_figures(analysis, tmp_path):
    out = analysis.write(tmp_path / "rct")
    names = {p.name for p in out.iterdir()}
    for name in (
        "consort.csv",
        "balance.csv",
        "balance_joint.csv",
        "itt.csv",
        "fisher.csv",
        "randomisation.csv",
        "multiple_testing.csv",
        "heterogeneity_gender.csv",
        "heterogeneity_gender_tests.csv",
        "components_job.csv",
        "results_table.csv",
        "results_table_en.csv",
        "summary.txt",
        "settings.json",
        "consort_en.png",
        "consort_en.svg",
        "effects_en.png",
        "effects_en.svg",
        "heterogeneity_gender_en.png",
    ):
        assert name in names, name
    itt_csv = pd.read_csv(out / "itt.csv")
    assert len(itt_csv) == len(analysis.itt.tidy())
    assert json.loads((out / "settings.json").read_text())["seed"] == 7
    for path in out.iterdir():  # no person identifiers leak into outputs
        if path.suffix in {".csv", ".txt", ".json"}:
            assert "p000" not in path.read_text()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_figures_are_bilingual(analysis, lang):
    fig = consort_figure(analysis.consort, lang)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    word = "Randomiserade" if lang == "sv" else "Randomised"
    assert word in texts
    effects = effects_figure(analysis.itt, lang=lang)
    assert effects.axes[0].get_xlabel().startswith("Effekt" if lang == "sv" else "Effect")


def test_default_components_are_those_present(analysis):
    assert analysis.settings["components"] == ["got_internship", "improved_cv", "expanded_network"]


def test_cluster_holding_both_arms_gives_individual_randomisation_inference():
    res = analyse_rct(
        load_data(),
        outcomes=["got_job"],
        covariates=["age"],
        se_type="stata",
        cluster="mentor_group",
        components=[],
        subgroups=(),
    )
    assert res.randomisation is not None
    assert "hold both arms" in res.settings["notes"][0]
    assert res.settings["randomisation_procedure"].startswith("blocked")
    assert res.itt.tidy()["se_type"].iloc[0] == "stata"
