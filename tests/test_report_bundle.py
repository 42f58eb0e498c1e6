"""Results bundles: content equals the analyses, validation, privacy, suppression, i18n, numbers."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from impact.analysis.outcomes.shares import SHARE_RULES
from impact.i18n.numbers import count, interval, percent, percent_interval, points, pvalue
from impact.report.bundle import BundleError, bundle_writer, load_bundle, make_provenance
from impact.report.i18n import TranslationError, Translator, load_translations
from report_fixtures import build_bundles


@pytest.fixture(scope="session")
def built():
    return build_bundles()


def test_programme_numbers_equal_the_analysis(built):
    bundle = load_bundle(built["paths"]["programme"])
    headline = built["outcomes"]["all"].tidy().set_index("indicator")
    for ident in ("job_or_steps", "got_job", "took_steps", "expanded_network"):
        entry = bundle.number(f"share.{ident}")
        assert entry["value"] == pytest.approx(headline.loc[ident, "share"])
        assert entry["n"] == headline.loc[ident, "n"]
        assert entry["label"]["sv"] and entry["label"]["en"]
        assert bundle.value(f"ci_low.{ident}") == pytest.approx(headline.loc[ident, "ci_low"])
    assert bundle.value("target.job_or_steps") == 0.9
    assert (
        bundle.value("target_status.job_or_steps") == headline.loc["job_or_steps", "target_status"]
    )
    assert bundle.kind == "programme" and bundle.name == "programme"
    assert set(bundle.content["sections"]) >= {"response", "targets", "gender", "attribution"}


def test_rct_numbers_equal_the_analysis(built):
    bundle = load_bundle(built["paths"]["rct"])
    est = built["rct"].itt.tidy().set_index(["outcome", "specification"])
    main = built["rct"].settings["main_specification"]
    for outcome in ("job_or_steps", "got_job"):
        row = est.loc[(outcome, main)]
        assert bundle.value(f"itt.{outcome}.{main}.estimate_pp") == pytest.approx(
            row["estimate_pp"]
        )
        assert bundle.value(f"itt.{outcome}.{main}.p_value") == pytest.approx(row["p_value"])
    assert bundle.value("attrition.rating") == built["attrition"].wwc.rating
    mde_rise = built["power"].get("increase").mde_pp
    assert bundle.value("power.job_or_steps.increase.mde_pp") == pytest.approx(mde_rise)
    assert {"attrition", "power", "balance", "components"} <= set(bundle.content["sections"])


def test_bundle_files_and_provenance(built):
    bundle = load_bundle(built["paths"]["programme"])
    content = bundle.content
    assert content["provenance"]["seed"] == 20231101
    assert content["provenance"]["impact_version"]
    for entry in content["figures"].values():
        for lang in ("sv", "en"):
            assert set(entry["files"][lang]) == {"png", "svg"}
    assert (bundle.path / "tables" / "shares.csv").is_file()
    round_bundle = load_bundle(built["paths"]["programme_R01"])
    assert round_bundle.content["round_id"] == "R01" and round_bundle.name == "programme_R01"


def test_every_figure_records_its_alt_text_in_both_languages(built):
    for name in ("programme", "rct", "power"):
        bundle = load_bundle(built["paths"][name])
        for figure, entry in bundle.content["figures"].items():
            assert set(entry["alt"]) == {"sv", "en"}
            for lang in ("sv", "en"):
                alt = bundle.figure_alt(figure, lang)
                assert alt and alt == entry["alt"][lang] and "\n" not in alt
            assert entry["alt"]["sv"] != entry["alt"]["en"]


def test_a_bundle_without_alt_texts_still_loads(built, tmp_path):
    copy = tmp_path / "old"
    shutil.copytree(built["paths"]["power"], copy)
    content = json.loads((copy / "results.json").read_text(encoding="utf-8"))
    for entry in content["figures"].values():
        del entry["alt"]
    (copy / "results.json").write_text(json.dumps(content), encoding="utf-8")
    bundle = load_bundle(copy)
    name = next(iter(bundle.content["figures"]))
    assert bundle.figure_alt(name, "sv") == ""
    with pytest.raises(BundleError, match="no figure 'nope'"):
        bundle.figure_alt("nope", "sv")


def test_published_share_tables_are_suppressed(built):
    for name in ("programme", "programme_R01"):
        bundle = load_bundle(built["paths"][name])
        for table in ("shares", "shares_by_gender", "headline"):
            frame = pd.read_csv(bundle.table_path(table), dtype={"n": str, "numerator": str})
            SHARE_RULES.check(frame, 5, source=table)
        assert bundle.content["tables"]["shares"]["suppressed"] is True


def test_no_identifiers_or_free_text_in_any_bundle_file(built):
    for path in built["paths"].values():
        for file in path.rglob("*"):
            if file.suffix in (".csv", ".json"):
                text = file.read_text(encoding="utf-8")
                assert "person_id" not in text and "p0001" not in text and "q0001" not in text
                assert "link_code" not in text and "response_id" not in text


def test_writing_an_identifier_column_is_refused(tmp_path):
    with pytest.raises(BundleError, match="person_id"):
        with bundle_writer(tmp_path / "b", "programme", study={}, provenance={}) as w:
            w.table("x", pd.DataFrame({"person_id": ["a"]}), title={"sv": "x", "en": "x"},
                    suppressed=False)  # fmt: skip
    assert not (tmp_path / "b").exists()  # nothing half-written


def test_missing_file_is_named(built, tmp_path):
    copy = tmp_path / "programme"
    shutil.copytree(built["paths"]["programme"], copy)
    (copy / "tables" / "targets.csv").unlink()
    with pytest.raises(BundleError, match=r"file tables/targets\.csv is missing"):
        load_bundle(copy)
    (copy / "results.json").unlink()
    with pytest.raises(BundleError, match="results.json is missing"):
        load_bundle(copy)
    with pytest.raises(BundleError, match="does not exist"):
        load_bundle(tmp_path / "nowhere")


def test_changed_file_and_bad_json_are_reported(built, tmp_path):
    copy = tmp_path / "codebook"
    shutil.copytree(built["paths"]["codebook"], copy)
    with open(copy / "tables" / "parameters.csv", "a", encoding="utf-8") as handle:
        handle.write("x,y,1,1\n")
    with pytest.raises(BundleError, match="changed after the bundle was written"):
        load_bundle(copy)
    load_bundle(copy, verify_hashes=False)
    content = json.loads((copy / "results.json").read_text(encoding="utf-8"))
    content["kind"] = "poster"
    (copy / "results.json").write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(BundleError, match="kind 'poster'"):
        load_bundle(copy, verify_hashes=False)
    (copy / "results.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BundleError, match="not valid JSON"):
        load_bundle(copy)


def test_make_provenance_hashes_inputs(tmp_path):
    source = tmp_path / "baslinje.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    prov = make_provenance(inputs={"baseline": source}, parameters={"x": 1}, seed=4)
    # sha256 of b"a,b\n1,2\n", computed with `printf 'a,b\n1,2\n' | sha256sum`
    assert prov["inputs"]["baseline"] == {
        "file": "baslinje.csv",
        "sha256": "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470",
    }
    assert prov["seed"] == 4 and prov["parameters"] == {"x": 1}


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(0.2934, "sv", "29,3\u00a0%"), (0.2934, "en", "29.3%"), (1.0, "sv", "100,0\u00a0%"),
     (None, "en", "\u2013"), (float("nan"), "sv", "\u2013")],
)  # fmt: skip
def test_percent_in_both_languages(value, lang, expected):
    assert percent(value, lang) == expected


def test_other_number_formats():
    assert points(4.06, "sv") == "+4,1\u00a0pe"
    assert points(-4.06, "en") == "\u22124.1\u00a0pp"
    assert points(-0.01, "en", unit=False) == "0.0"  # no signed zero
    assert pvalue(0.0004, "sv") == "<0,001" and pvalue(0.0312, "en") == "0.031"
    assert count(12345, "sv") == "12\u00a0345" and count(12345, "en") == "12,345"
    assert count("<5", "sv") == "<5"
    assert interval(1.25, 3.5, "sv") == "[1,2; 3,5]" and interval(1.25, 3.5, "en") == "[1.2, 3.5]"
    assert percent_interval(0.241, 0.349, "sv") == "[24,1; 34,9]\u00a0%"
    with pytest.raises(ValueError, match="'de'"):
        percent(0.1, "de")


def test_translation_files_have_the_same_keys():
    sv, en = load_translations("sv"), load_translations("en")
    assert set(sv) == set(en)
    assert Translator("sv").t("common.table_of_contents") == "Innehåll"


def test_missing_translation_key_names_key_and_file(tmp_path):
    (tmp_path / "sv.yml").write_text("common:\n  title: Rubrik {name}\n", encoding="utf-8")
    tr = Translator("sv", tmp_path)
    with pytest.raises(TranslationError, match=r"'common\.nope' is missing from .*sv\.yml"):
        tr.t("common.nope")
    with pytest.raises(TranslationError, match="placeholder"):
        tr.t("common.title", other=1)
    assert tr.t("common.title", name="x") == "Rubrik x"
    with pytest.raises(TranslationError, match="does not exist"):
        Translator("en", tmp_path)


def test_link_table_is_suppressed_and_validated():
    from types import SimpleNamespace

    from impact.report.exporters_programme import _link_table

    waves = pd.DataFrame(
        {
            "wave": ["b", "r", "f1"],
            "role": ["spine", "linked to baseline", "linked to baseline"],
            "records": [160, 125, 3],
            "linked": [pd.NA, 123, 3],
            "share_linked": [pd.NA, 0.984, 1.0],
        }
    )
    table = _link_table(SimpleNamespace(report=SimpleNamespace(waves=waves)), 5)
    assert table["wave"].tolist() == ["r", "f1"]
    assert table["records"].tolist() == ["125", "<5"]
    assert pd.isna(table["share_linked"].iloc[1])
    with pytest.raises(BundleError, match="LinkReport"):
        _link_table(object(), 5)


def test_the_summary_takes_participants_from_a_wave_that_publishes_them():
    """Complementary suppression may hide the baseline row's participant count ('..') while
    the result row shows it: the funder summary must not print '– participants'."""
    from impact.report import exporters_programme

    numbers: dict = {}

    class Writer:
        def section(self, *args, **kwargs) -> None:
            pass

        def table(self, *args, **kwargs) -> None:
            pass

        def number(self, key, value, **kwargs) -> None:
            numbers[key] = value

    response = pd.DataFrame(
        {
            "group_var": ["overall", "overall"],
            "group": ["all", "all"],
            "wave": ["b", "r"],
            "participants": ["..", 512],
            "respondents": [511, 368],
            "response_rate": [None, 0.71875],
        }
    )
    exporters_programme._response(Writer(), response)
    assert numbers["participants"] == 512
    assert numbers["respondents_result"] == 368
