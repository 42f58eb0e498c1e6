"""The link report's numbers, the selectivity table, the review list and privacy of outputs."""

import json
import logging
import math
from pathlib import Path

import pandas as pd
import pytest

from impact.ingest.codes import CodeLayout, normalise_code
from impact.link import link_waves, standardised_difference
from link_fixtures import SECRET, make_study, record_pseudonyms

REFERENCE = json.loads((Path(__file__).parent / "reference" / "link_values.json").read_text())


@pytest.fixture(scope="module")
def study():
    return make_study(300, seed=5)


@pytest.fixture(scope="module")
def linked(study):
    return link_waves(study.baseline, study.result, secret=SECRET)


def test_standardised_differences_match_r():
    # reference: tests/reference/link.R (base R, Austin 2009 formulas)
    age = standardised_difference(
        pd.Series(REFERENCE["age_linked"]), pd.Series(REFERENCE["age_unmatched"]), binary=False
    )
    woman = standardised_difference(
        pd.Series(REFERENCE["woman_linked"]), pd.Series(REFERENCE["woman_unmatched"]), binary=True
    )
    assert age == pytest.approx(REFERENCE["smd_age"], rel=1e-12)
    assert woman == pytest.approx(REFERENCE["smd_woman"], rel=1e-12)
    assert math.isnan(standardised_difference(pd.Series([1.0]), pd.Series([], dtype=float), False))


def test_wave_counts_add_up_and_match_truth(study, linked):
    waves = linked.report.tidy().set_index("wave")
    b, r = waves.loc["b"], waves.loc["r"]
    assert b["records"] == len(study.baseline)
    assert r["records"] == len(study.result)
    assert r["linked"] == r["linked_study_id"] + r["linked_exact"] + r["linked_splink"]
    assert r["records"] == r["linked"] + r["unmatched"] + r["duplicates"]
    assert r["linked"] == len(linked.pairs)
    assert r["linked_splink"] == (linked.pairs["stage"] == "splink").sum()
    assert r["share_linked"] == pytest.approx(r["linked"] / (r["records"] - r["duplicates"]))
    # against truth: linked ≈ people answering both waves; the rest are newcomers or misses
    both = set(study.truth.query("wave == 'b'")["person"]) & set(
        study.truth.query("wave == 'r'")["person"]
    )
    assert abs(int(r["linked"]) - len(both)) <= 0.02 * len(both)
    assert linked.panel["responded_r"].sum() == r["records"] - r["duplicates"]
    assert len(linked.panel) == b["records"] - b["duplicates"] + r["unmatched"]


def test_balance_table_recomputes_from_panel(linked):
    panel = linked.panel[linked.panel["responded_b"]]
    balance = linked.report.balance.set_index(["wave", "variable", "level"])
    assert {"gender", "employment", "age", "education_level"} <= set(
        balance.index.get_level_values("variable")
    )
    lin, unm = panel[panel["responded_r"]], panel[~panel["responded_r"]]
    row = balance.loc[("r", "age", "mean")]
    assert row["n_linked"] == lin["age"].notna().sum()
    assert row["mean_linked"] == pytest.approx(lin["age"].astype(float).mean())
    assert row["std_diff"] == pytest.approx(
        standardised_difference(lin["age"].astype(float), unm["age"].astype(float), False)
    )
    woman = balance.loc[("r", "gender", "woman")]
    assert woman["mean_unmatched"] == pytest.approx((unm["gender"] == "woman").mean())
    # the generator makes the full-time employed answer less: the table shows it
    assert balance.loc[("r", "employment", "full_time"), "std_diff"] < 0


def test_borderline_pairs_and_figure(linked, tmp_path):
    border = linked.report.borderline
    low, high = linked.report.review_band
    assert border["match_probability"].between(low, high).all()
    assert {
        "spine_record",
        "record",
        "agree_e1",
        "agree_e4",
        "birth_year_agreement",
        "match_probability",
        "linked",
    } <= set(border.columns)
    path = tmp_path / "review.csv"
    linked.report.write_borderline_csv(path)
    assert len(pd.read_csv(path)) == len(border)
    fig = linked.report.figure()
    assert fig.axes[0].get_xlabel() == "match probability (Splink)"
    assert "Link report" in linked.summary()
    assert "<h4>" in linked._repr_html_()


def _raw_strings(study):
    layout = CodeLayout()
    strings = set()
    for frame in (study.baseline, study.result):
        for typed in frame["link_code"].dropna():
            strings.add(str(typed).strip())
            code, _ = normalise_code(typed, layout)
            if code:
                strings.add(code)
        strings |= set(frame["response_id"])
    return {s for s in strings if len(s) >= 5}


def test_no_raw_code_or_response_id_reaches_outputs_or_logs(study, tmp_path, caplog):
    with caplog.at_level(logging.DEBUG):
        result = link_waves(study.baseline, study.result, secret=SECRET)
    result.write(tmp_path / "out")
    files = sorted((tmp_path / "out").iterdir())
    assert {f.name for f in files} >= {
        "panel.csv",
        "pairs.csv",
        "link_report.csv",
        "borderline_pairs.csv",
        "match_probabilities.png",
    }
    texts = [f.read_text(encoding="utf-8") for f in files if f.suffix == ".csv"]
    texts.append(caplog.text)
    texts.append(result.summary())
    texts += [frame.to_csv() for frame in (result.panel, result.pairs, result.report.candidates)]
    raw = _raw_strings(study)
    leaks = [s for s in raw if any(s in text or s.lower() in text for text in texts)]
    assert leaks == []
    assert "link_code" not in result.panel.columns
    assert not any(c.endswith("response_id") for c in result.panel.columns)


def test_outputs_are_pseudonymised_with_the_secret(study, linked):
    truth = record_pseudonyms(study.truth)
    assert set(linked.pairs["record"]) <= set(truth["record"])
    other = link_waves(study.baseline, study.result, secret="another-secret-key")
    assert set(other.panel["person_id"]).isdisjoint(set(linked.panel["person_id"]))
