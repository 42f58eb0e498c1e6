"""CONSORT 2025: the checklist (30 items, what is filled, what is left to the author), its CSV in
the RCT bundle (escaped as every bundle CSV), and the flow diagram's 2025 boxes in sv/en."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import impact
from impact.analysis.rct.checklist_items import AUTHOR_ITEMS
from impact.i18n import message, table
from impact.rct import (
    ConsortChecklist,
    analyse_rct,
    consort_checklist,
    consort_figure,
    consort_flow,
)

REF_DIR = Path(__file__).parent / "reference"
BOOLEAN = ["got_job", "took_steps", "job_or_steps", "expanded_network", "improved_cv",
           "got_internship"]  # fmt: skip
#: The published order of CONSORT 2025 (Hopewell et al. 2025, Table 1).
OFFICIAL = (
    "1a 1b 2 3 4 5a 5b 6 7 8 9 10 11 12a 12b 13 14 15 16a 16b 17a 17b 18 19 20a 20b 21a 21b "
    "21c 21d 22a 22b 23a 23b 24a 24b 25 26 27 28 29 30"
).split()
FILLED = {"1a", "9", "14", "21a", "21b", "21c", "22a", "22b", "25"}
PARTIAL = {"1b", "4", "7", "17b", "21d", "26", "28", "30"}


def _data(take_up: bool = False) -> pd.DataFrame:
    data = pd.read_csv(REF_DIR / "rct_data.csv")
    for column in BOOLEAN:
        data[column] = data[column].astype("boolean")
    if take_up:  # the take-up helper's columns (contracts22.md): started, left_month
        rng = np.random.default_rng(7)
        treated = (data["arm"] == "treatment").to_numpy()
        data["started"] = np.where(
            treated, rng.random(len(data)) < 0.8, rng.random(len(data)) < 0.06
        )
        left = data["started"].to_numpy() & (rng.random(len(data)) < 0.2)
        data["left_month"] = pd.array(np.where(left, 3, pd.NA), dtype="Int64")
    return data


def _analyse(data: pd.DataFrame):
    return analyse_rct(data, outcomes=["got_job", "job_or_steps"], components=["improved_cv"],
                       ri_draws=100, seed=1)  # fmt: skip


@pytest.fixture(scope="module")
def rct():
    return _analyse(_data())


@pytest.fixture(scope="module")
def rct_take_up():
    return _analyse(_data(take_up=True))


def test_checklist_has_the_30_items_in_the_published_order(rct):
    result = consort_checklist(rct, study_name="Jobbsteget")
    assert isinstance(result, ConsortChecklist)
    t = result.tidy()
    assert t["item"].tolist() == OFFICIAL
    assert sorted(set(t["number"])) == list(range(1, 31))
    assert t["number"].tolist() == [int(re.match(r"\d+", i).group()) for i in OFFICIAL]
    assert list(dict.fromkeys(t["section"])) == [
        "title_abstract", "open_science", "introduction", "methods", "results", "discussion"
    ]  # fmt: skip
    # the wording is CONSORT 2025's (verbatim in English)
    en = t.set_index("item")["description_en"]
    assert (
        en["15"] == "How harms were defined and assessed (e.g., systematically, non-systematically)"
    )
    assert en["8"].startswith("Details of patient or public involvement")
    assert en["21c"] == "How missing data were handled in the analysis"
    assert en["30"].startswith(
        "Trial limitations, addressing sources of potential bias, imprecision"
    )
    assert t["description_sv"].str.len().gt(10).all()


def test_filled_partial_and_author_items(rct):
    t = consort_checklist(rct).tidy().set_index("item")
    assert set(t.index[t["status"] == "filled"]) == FILLED
    assert set(t.index[t["status"] == "partial"]) == PARTIAL
    author = set(t.index[t["status"] == "author"])
    assert author == set(OFFICIAL) - FILLED - PARTIAL
    assert AUTHOR_ITEMS <= author  # registration, protocol, funding, harms, blinding …
    assert {"2", "3", "5a", "15", "20a", "27"} <= author
    sections = set(table("labels.consort2025.report_sections"))
    assert (t.loc[t["status"] != "author", "report_section"].isin(sections)).all()
    assert (t.loc[t["status"] == "author", "report_section"] == "").all()
    assert (t.loc[t["status"] == "author", "answer_en"] == message(
        "labels.consort2025.answers.author", "en")).all()  # fmt: skip
    flow = rct.consort.boxes.set_index("arm")
    assert (
        f"Randomised: {flow.loc['treatment', 'allocated']} intervention"
        in t.loc["22a", "answer_en"]
    )
    assert "not recorded" in t.loc["22a", "answer_en"]  # no take-up data
    assert "Analyserade för det primära utfallet" in t.loc["22a", "answer_sv"]


def test_take_up_and_declared_procedure_fill_more(rct_take_up):
    result = consort_checklist(
        rct_take_up,
        procedure={"en": "blocked randomisation within rounds", "sv": "blockrandomisering"},
        power=object(),
    )
    t = result.tidy().set_index("item")
    assert t.loc["17b", "status"] == "filled"
    assert t.loc["17b", "answer_en"] == "blocked randomisation within rounds."
    assert t.loc["17a", "status"] == "partial"
    assert t.loc["16a", "status"] == "partial" and t.loc["16a", "report_section"] == "power"
    boxes = rct_take_up.consort.boxes.set_index("arm")
    assert t.loc["24a", "status"] == "partial"
    assert f"{boxes.loc['treatment', 'received']} of" in t.loc["24a", "answer_en"]
    assert f"{boxes.loc['control', 'not_received']} of" in t.loc["24a", "answer_en"]
    assert str(boxes.loc["treatment", "received"]) in t.loc["22a", "answer_en"]
    assert len(result.for_author()) == (t["status"] != "filled").sum()


def test_small_counts_are_shown_as_below_threshold(rct_take_up):
    t = consort_checklist(rct_take_up, suppression_threshold=60).tidy().set_index("item")
    assert "<60" in t.loc["22a", "answer_en"]
    assert re.search(r"\b5[0-9]\b", t.loc["22a", "answer_en"].split("Analysed")[1]) is None


def test_flow_boxes_follow_the_take_up_columns():
    data = _data(take_up=True)
    flow = consort_flow(data, analysed="got_job")
    boxes = flow.boxes.set_index("arm")
    treated = data["arm"] == "treatment"
    started = data["started"].astype(bool)
    assert boxes.loc["treatment", "received"] == (treated & started).sum()
    assert boxes.loc["control", "received"] == (~treated & ~started).sum()
    assert boxes.loc["control", "not_received"] == (~treated & started).sum()
    left = data["left_month"].notna()
    assert boxes.loc["treatment", "discontinued"] == (treated & started & left).sum()
    answered = data["responded_b"].astype(bool) & data["responded_r"].astype(bool)
    assert boxes.loc["treatment", "lost_to_follow_up"] == (treated & ~answered).sum()
    plain = consort_flow(_data(), analysed="got_job").boxes
    assert plain[["received", "not_received", "discontinued"]].isna().all().all()
    assert flow.assessed is None


def _texts(figure) -> str:
    return "\n".join(t.get_text() for ax in figure.axes for t in ax.texts)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_flow_diagram_has_the_2025_boxes(lang):
    flow = consort_flow(_data(take_up=True), analysed="got_job")
    shown = _texts(consort_figure(flow, lang)).replace("\n", " ")
    for key in (
        "enrolment",
        "allocation",
        "follow_up",
        "analysis",
        "randomised",
        "allocated_treatment",
        "allocated_control",
        "analysed",
        "excluded_analysis",
    ):
        assert message(f"labels.consort_flow.{key}", lang) in shown, key
    for key in ("assessed", "received", "lost", "discontinued"):
        words = message(f"labels.consort_flow.{key}", lang).split()[:2]
        assert " ".join(words) in shown, key
    not_recorded = message("labels.consort_flow.not_recorded", lang)
    assert f"n\u00a0=\u00a0{not_recorded}" in shown  # assessed for eligibility: not in the data
    received = int(flow.boxes.set_index("arm").loc["treatment", "received"])
    assert f"n\u00a0=\u00a0{received})" in shown
    small = _texts(consort_figure(flow, lang, small=10))
    assert "<10" in small  # the few controls who started


def test_checklist_csv_in_the_rct_bundle_is_escaped(rct, tmp_path):
    from impact.report import open_report, write_rct_bundle

    study = {"name": '=HYPERLINK("http://x")', "organisation": "Belong"}
    write_rct_bundle(tmp_path / "rct", rct=rct, study=study, provenance={"seed": 1})
    path = tmp_path / "rct" / "tables" / "consort_checklist.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["item"] for r in rows] == OFFICIAL
    assert rows[0]["answer_en"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    report = open_report(str(tmp_path / "rct"), "en")
    assert report.rows("consort_checklist")[0]["answer_en"].startswith("=HYPERLINK")
    assert report.has("consort_checklist")
    assert report.data("consort_checklist")["author"] == len(set(OFFICIAL) - FILLED - PARTIAL)


def test_public_face():
    assert impact.rct.consort_checklist is consort_checklist
    assert "consort_checklist" in impact.rct.__all__
