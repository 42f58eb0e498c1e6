"""The CACE end to end: analyse_rct(take_up=...), write(), the RCT bundle and the report."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import analyse_rct
from impact.i18n.numbers import points
from impact.report import load_bundle, write_rct_bundle
from impact.report.render import render_report
from report_fixtures import PROVENANCE, STUDY, rct_table

OUTCOMES = ["job_or_steps", "got_job"]
COVARIATES = ["gender", "age", "education_level"]


def with_take_up(seed: int = 5, weak: bool = False) -> pd.DataFrame:
    """The report fixture's RCT table with a ``started`` column (no-shows and crossover)."""
    data = rct_table()
    rng = np.random.default_rng(seed)
    offered = data["arm"].eq("treatment").to_numpy()
    u = rng.random(len(data))
    started = np.where(offered, u < (0.12 if weak else 0.7), u < 0.08)
    data["started"] = pd.array(started, dtype="boolean")
    return data


def analyse(data: pd.DataFrame, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse_rct(data, outcomes=OUTCOMES, covariates=COVARIATES, components=[],
                           subgroups=(), ri_draws=200, seed=3, **kwargs)  # fmt: skip


@pytest.fixture(scope="module")
def rct():
    return analyse(with_take_up(), take_up="started")


def test_analyse_rct_adds_the_cace(rct):
    assert rct.settings["take_up"] == "started"
    cace = rct.cace.tidy().set_index("outcome")
    assert list(cace.index) == OUTCOMES
    assert (cace["se_type"] == "HC2").all()
    # ITT numbers are unchanged by asking for the CACE
    plain = analyse(with_take_up())
    assert plain.cace is None and plain.settings["take_up"] is None
    pd.testing.assert_frame_equal(plain.itt.tidy(), rct.itt.tidy())
    table = rct.results_table()
    assert table.set_index("outcome").loc["got_job", "cace_pp"] == pytest.approx(
        100 * cace.loc["got_job", "estimate"]
    )
    assert "CACE" in rct.summary()
    formatted = rct.results_table(formatted=True, lang="sv")
    assert "F i första steget" in formatted.columns


def test_write_saves_cace_tables_and_figure(rct, tmp_path):
    out = rct.write(tmp_path / "rct", formats=("png",))
    assert (out / "cace.csv").is_file() and (out / "compliers.csv").is_file()
    assert (out / "cace_en.png").is_file()
    written = pd.read_csv(out / "cace.csv")
    assert written["first_stage_f"].iloc[0] == pytest.approx(rct.cace.tidy()["first_stage_f"][0])


@pytest.fixture(scope="module")
def bundle(rct, tmp_path_factory):
    root = tmp_path_factory.mktemp("cace-bundle")
    return write_rct_bundle(root / "rct", rct=rct, study=STUDY, provenance=PROVENANCE)


def test_bundle_has_cace_numbers_and_tables(rct, bundle):
    loaded = load_bundle(bundle)
    row = rct.cace.tidy().set_index("outcome").loc["got_job"]
    assert loaded.value("cace.got_job.estimate_pp") == pytest.approx(100 * row["estimate"])
    assert loaded.value("cace.got_job.first_stage_f") == pytest.approx(row["first_stage_f"])
    assert loaded.value("cace.got_job.itt_pp") == pytest.approx(100 * row["itt_estimate"])
    cace_rows = pd.read_csv(bundle / "tables" / "cace.csv")
    assert set(cace_rows["outcome"]) == set(OUTCOMES)
    compliers = pd.read_csv(bundle / "tables" / "compliers.csv")
    assert "complier_mean" in compliers.columns


def test_small_crossover_counts_are_blanked(tmp_path):
    data = with_take_up()
    control = data.index[data["arm"].eq("control")]
    data.loc[control, "started"] = False
    data.loc[control[:2], "started"] = True  # two crossovers: a count below 5
    rct = analyse(data, take_up="started")
    path = write_rct_bundle(tmp_path / "rct", rct=rct, study=STUDY, provenance=PROVENANCE)
    cace_rows = pd.read_csv(path / "tables" / "cace.csv")
    compliers = pd.read_csv(path / "tables" / "compliers.csv")
    assert cace_rows["take_up_control"].isna().all()
    assert compliers["always_taker_mean"].isna().all()
    assert compliers["complier_mean"].notna().all()


@pytest.mark.parametrize("weak", [False, True])
def test_report_shows_itt_and_cace_and_says_when_weak(weak, tmp_path):
    rct = analyse(with_take_up(weak=weak), take_up="started")
    path = write_rct_bundle(tmp_path / "rct", rct=rct, study=STUDY, provenance=PROVENANCE)
    result = render_report(path, lang="en", fmt="html", out_dir=tmp_path / "out",
                           renderer="fallback")  # fmt: skip
    html = re.sub(r"\s+", " ", result.output.read_text("utf-8"))
    assert "Effect on those who take part (CACE)" in html
    assert "for those who take part when offered" in html
    row = rct.cace.tidy().set_index("outcome").loc["got_job"]
    for value in (row["estimate"], row["itt_estimate"]):
        assert re.sub(r"\s+", " ", points(100 * value, "en")) in html
    assert ("Weak first stage" in html) == weak
    if weak:
        assert row["first_stage_f"] < 10
    else:
        assert "first-stage F at least" in html


def test_pipeline_asks_for_the_cace_only_when_take_up_is_recorded():
    from impact.pipeline.analyse import _take_up

    notes: list[str] = []
    data = with_take_up()
    assert _take_up(data, notes) == "started"
    assert _take_up(data.drop(columns="started"), notes) is None
    assert _take_up(data.assign(started=pd.NA), notes) is None
    assert notes == []
    assert _take_up(data.assign(started=False), notes) is None
    assert "one value" in notes[0]
