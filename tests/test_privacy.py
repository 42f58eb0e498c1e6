"""The privacy guard (impact.privacy): forbidden strings in every file type, small counts."""

from __future__ import annotations

import base64
import json
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest

from impact.errors import ImpactError
from impact.privacy import PrivacyError, assert_private, count_columns, scan_outputs
from pdf_fixtures import pdf_showing

CODES = ["LI09BA5", "hu 14 he 3"]
IDS = ["R_kCIoLwTaIBGY5gt"]
COMMENT = "Det var svårt att hitta tider som passade."


def _scan(root: Path, threshold: int = 5):
    return scan_outputs(
        root, raw_codes=CODES, response_ids=IDS, free_texts=[COMMENT], threshold=threshold
    )


def _write(root: Path, name: str, text: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _kinds(report) -> list[tuple[str, str]]:
    return sorted((leak.file, leak.kind) for leak in report.leaks)


def test_clean_folder_passes(tmp_path):
    _write(tmp_path, "tables/shares.csv", "indicator,n,numerator,share\ngot_job,120,35,0.29\n")
    _write(
        tmp_path, "results.json", json.dumps({"numbers": {"n": {"value": 120, "unit": "count"}}})
    )
    _write(tmp_path, "report.html", "<p>29 % got a job (LI09 is not a code)</p>")
    report = assert_private(tmp_path, raw_codes=CODES, response_ids=IDS, free_texts=[COMMENT])
    assert report.ok
    assert report.scanned == ["report.html", "results.json", "tables/shares.csv"]
    assert report.tidy().empty
    assert list(report.tidy().columns) == ["file", "kind", "location", "detail"]


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("t.csv", "code,n\nLI09BA5,12\n", "raw_code"),
        ("t.csv", "code,n\nli09ba5,12\n", "raw_code"),  # case does not hide a code
        ("t.md", "Koden HU14HE3 syns", "raw_code"),  # compact form of 'hu 14 he 3'
        ("t.md", "typed: hu  14 he 3.", "raw_code"),  # as typed, other spacing
        ("fig.svg", '<svg><text id="x">R_kCIoLwTaIBGY5gt</text></svg>', "response_id"),
        ("r.html", "<td>Det var sv&aring;rt att hitta <b>tider</b> som passade.</td>", "free_text"),
        ("r.json", json.dumps({"texts": {"c": COMMENT}}), "free_text"),  # \u-escaped å
        ("r.qmd", "> DET VAR SVÅRT ATT HITTA\nTIDER SOM PASSADE.", "free_text"),
    ],
)
def test_forbidden_strings_found_in_text_files(tmp_path, name, text, kind):
    _write(tmp_path, name, text)
    report = _scan(tmp_path)
    assert (name, kind) in _kinds(report)
    # the report never repeats the forbidden value
    assert "LI09BA5" not in report.summary() and "kCIoLwTaIBGY5gt" not in report.summary()


def test_identifier_inside_a_longer_word_is_not_a_leak(tmp_path):
    font = "data:font/woff2;base64,AAALI09BA5xyz/+R_kCIoLwTaIBGY5gtQ"
    _write(tmp_path, "page.html", f"<style>@font-face {{src: url({font})}}</style>")
    assert _scan(tmp_path).ok


def test_docx_xml_runs_are_joined(tmp_path):
    path = tmp_path / "report.docx"
    body = (
        "<w:document><w:body><w:p><w:r><w:t>Det var svårt att </w:t></w:r>"
        "<w:r><w:t>hitta tider som passade.</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>LI09BA5</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", body)
    report = _scan(tmp_path)
    assert _kinds(report) == [("report.docx", "free_text"), ("report.docx", "raw_code")]
    assert all(leak.location.startswith("word/document.xml") for leak in report.leaks)


def test_pdf_text_is_scanned(tmp_path):
    _write(tmp_path, "report.pdf", pdf_showing(b"Participant R_kCIoLwTaIBGY5gt"))
    report = _scan(tmp_path)
    assert [(leak.kind, leak.location) for leak in report.leaks] == [("response_id", "page 1")]


def _png_with_text(key: bytes, text: bytes, chunk: bytes = b"tEXt") -> bytes:
    def part(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    body = key + b"\0" + text if chunk == b"tEXt" else key + b"\0\0" + zlib.compress(text)
    return (
        b"\x89PNG\r\n\x1a\n"
        + part(b"IHDR", ihdr)
        + part(chunk, body)
        + part(b"IDAT", zlib.compress(b"\0\0"))
        + part(b"IEND", b"")
    )


@pytest.mark.parametrize("chunk", [b"tEXt", b"zTXt"])
def test_png_metadata_is_scanned(tmp_path, chunk):
    _write(tmp_path, "fig.png", _png_with_text(b"Title", b"code LI09BA5", chunk))
    report = _scan(tmp_path)
    assert [(leak.kind, leak.location) for leak in report.leaks] == [("raw_code", "PNG metadata")]


def test_small_counts_in_tables(tmp_path):
    _write(
        tmp_path,
        "tables/shares.csv",
        "round_id,gender,indicator,n,numerator,share\n"
        "R01,woman,got_job,40,12,0.3\n"  # fine
        "R01,man,got_job,3,<5,\n"  # n = 3 shown
        "R02,man,got_job,20,18,0.9\n"  # n − numerator = 2 derivable
        "R03,other,got_job,0,0,\n",  # zero is published
    )
    report = _scan(tmp_path)
    places = [leak.location for leak in report.leaks]
    assert places == [
        "row 2, column 'n'",
        "row 3, columns 'n' − 'numerator'",
        "row 3, columns 'share' × 'n'",
    ]
    assert {leak.kind for leak in report.leaks} == {"small_count"}


def test_share_of_small_n_reveals_count(tmp_path):
    _write(tmp_path, "t.csv", "indicator,n,share\ngot_job,40,0.975\n")
    report = _scan(tmp_path)
    assert [leak.location for leak in report.leaks] == ["row 1, columns 'share' × 'n'"]


def test_suppressed_table_passes(tmp_path):
    _write(
        tmp_path,
        "t.csv",
        "round_id,n,numerator,participants,missing,share\nR01,<5,..,12,..,\nR02,30,10,40,10,0.33\n",
    )
    assert _scan(tmp_path).ok


def test_count_columns_by_name_and_mark():
    header = ["indicator", "n_treatment", "women_n", "yes", "estimate", "flag", "share"]
    header += ["share_linked", "n_covariates"]
    rows = [
        ["a", "12", "3", "7", "0.5", "..", "0.4", "1.0", "3"],
        ["b", "8", "9", "1", "1.2", "3", "0.1", "0.0", "3"],
    ]
    assert count_columns(header, rows) == ["n_treatment", "women_n", "yes", "flag"]


def test_bundles_without_person_counts_are_not_checked_for_counts(tmp_path):
    for kind in ("power", "programme"):
        _write(tmp_path, f"{kind}/results.json", json.dumps({"kind": kind, "numbers": {}}))
        _write(tmp_path, f"{kind}/tables/plan.csv", "n,mde\n3,0.2\n")
    report = _scan(tmp_path)
    assert [leak.file for leak in report.leaks] == ["programme/tables/plan.csv"]


def test_results_json_counts(tmp_path):
    numbers = {
        "respondents": {"value": 3, "unit": "count", "n": None},
        "share_job": {"value": 0.5, "unit": "share", "n": 4},
        "share_ok": {"value": 0.5, "unit": "share", "n": 40},
    }
    _write(tmp_path, "results.json", json.dumps({"kind": "programme", "numbers": numbers}))
    _write(tmp_path, "codebook.json", json.dumps({"kind": "codebook", "numbers": numbers}))
    report = _scan(tmp_path)
    assert [leak.location for leak in report.leaks] == [
        "numbers.respondents",
        "numbers.share_job.n",
    ]


def test_private_folder_excluded_and_several_roots(tmp_path):
    _write(tmp_path, "out/private/panel.csv", "person,code\n1,LI09BA5\n")
    _write(tmp_path, "out/bundles/t.csv", "n\n40\n")
    _write(tmp_path, "out/reports/r.md", "R_kCIoLwTaIBGY5gt")
    report = _scan(tmp_path / "out")
    assert _kinds(report) == [("reports/r.md", "response_id")]
    both = _scan([tmp_path / "out" / "bundles", tmp_path / "out" / "reports", tmp_path / "none"])
    assert _kinds(both) == [("reports/r.md", "response_id")]
    assert both.scanned == ["bundles/t.csv", "reports/r.md"]


# ------------------------------------------------------------ files the scan cannot read


def _docx(tmp_path: Path, parts: dict[str, bytes | str], name: str = "report.docx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:p>Rapport</w:p></w:document>")
        for part, data in parts.items():
            archive.writestr(part, data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("data.parquet", b"PAR1\0\0", "impact publishes no '.parquet' files"),
        ("README", b"LI09BA5", "impact publishes no files without a suffix"),
        ("report.pdf", b"%PDF-1.7\n1 0 obj garbage", "the PDF could not be read"),
        ("report.pdf", pdf_showing(None), "no text could be extracted from the PDF"),
        ("report.docx", b"PK\3\4 not really a zip", "not a readable zip archive"),
        ("t.csv", "code,n\nLI09BA5,12\n".encode("utf-16"), "the file is not UTF-8 text (byte 1)"),
        ("fig.png", b"GIF89a", "not a PNG image"),
        ("results.json", b'{"numbers": {"n": ', "not valid JSON (line 1, column 19"),
        ("page.html", b'<img src="data:image/png;base64,AAAA">', "not a PNG image"),
    ],
)
def test_a_file_that_cannot_be_read_fails_the_scan(tmp_path, name, data, reason):
    _write(tmp_path, "tables/ok.csv", "indicator,n\ngot_job,40\n")
    _write(tmp_path, name, data)
    report = _scan(tmp_path)
    assert not report.ok and not report.leaks
    assert list(report.unreadable) == [name] and reason in report.unreadable[name]
    assert name not in report.scanned and "tables/ok.csv" in report.scanned
    assert report.tidy().to_dict("records") == [
        {"file": name, "kind": "unreadable", "location": "", "detail": report.unreadable[name]}
    ]
    with pytest.raises(PrivacyError) as caught:
        assert_private(tmp_path, raw_codes=CODES)
    message = str(caught.value)
    assert "1 file(s) that could not be scanned" in message
    assert f"  - {name}: could not be scanned — {reason}" in message
    assert "LI09BA5" not in message


def test_empty_files_of_published_types_hold_nothing_to_find(tmp_path):
    for name in ("fig.png", "fig.svg", "report.pdf", "results.json", "t.csv"):
        _write(tmp_path, name, b"")
    _write(tmp_path, "extra.bin", b"")
    report = _scan(tmp_path)
    assert sorted(report.scanned) == ["fig.png", "fig.svg", "report.pdf", "results.json", "t.csv"]
    assert list(report.unreadable) == ["extra.bin"] and not report.ok


def test_docx_with_media_that_cannot_be_checked_fails(tmp_path):
    _docx(tmp_path, {"word/media/image1.jpeg": b"\xff\xd8\xff"})
    report = _scan(tmp_path)
    assert report.unreadable == {
        "report.docx": "it holds the part word/media/image1.jpeg, whose content cannot be "
        "checked for identifiers"
    }


def test_images_embedded_in_docx_and_html_are_scanned(tmp_path):
    png = _png_with_text(b"Title", b"code LI09BA5")
    _docx(tmp_path, {"word/media/rId9.png": png})
    svg = b"<svg><text>R_kCIoLwTaIBGY5gt</text></svg>"
    page = (
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}">'
    )
    _write(tmp_path, "page.html", page)
    report = _scan(tmp_path)
    assert report.ok is False and not report.unreadable
    assert [(leak.file, leak.kind, leak.location) for leak in report.leaks] == [
        ("page.html", "raw_code", "embedded image 1 (PNG metadata)"),
        ("page.html", "response_id", "embedded image 2, line 1"),
        ("report.docx", "raw_code", "word/media/rId9.png, line 1"),
    ]


def test_a_leak_names_where_the_value_came_from_never_the_value(tmp_path):
    _write(tmp_path, "t.csv", "x\nhu 14 he 3\n")
    _write(tmp_path, "r.html", f"<p>{COMMENT}</p>")
    report = scan_outputs(
        tmp_path,
        raw_codes={"hu 14 he 3": "baseline.csv, response 2"},
        free_texts={COMMENT: "result.csv, response 7"},
    )
    assert [leak.describe() for leak in report.leaks] == [
        "r.html, line 1: a free-text answer (comments) (from result.csv, response 7)",
        "t.csv, line 2: a raw linking code (from baseline.csv, response 2)",
    ]


def test_short_values_are_not_searched_but_counted(tmp_path):
    _write(tmp_path, "t.csv", "a\n1234\nBra!\n")
    report = scan_outputs(tmp_path, raw_codes=["AB1"], response_ids=["1234"], free_texts=["Bra!"])
    assert report.ok and report.unchecked == 3


def test_assert_private_lists_every_leak(tmp_path):
    _write(tmp_path, "a.csv", "x,n\nLI09BA5,2\n")
    _write(tmp_path, "b.html", f"<p>{COMMENT}</p>")
    with pytest.raises(PrivacyError) as caught:
        assert_private(tmp_path, raw_codes=CODES, response_ids=IDS, free_texts=[COMMENT])
    message = str(caught.value)
    assert isinstance(caught.value, ImpactError)
    assert "3 privacy problem(s)" in message
    assert "a.csv, line 2: a raw linking code" in message
    assert "a.csv, row 1, column 'n'" in message
    assert "b.html" in message and "free-text answer" in message
    assert "LI09BA5" not in message and "svårt" not in message


@pytest.mark.parametrize("threshold", [0, -1, 2.5, True])
def test_bad_threshold(tmp_path, threshold):
    with pytest.raises(ImpactError, match="threshold"):
        scan_outputs(tmp_path, threshold=threshold)


# --------------------------------------------------------------------------- the demo outputs


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from bad_inputs.pipeline_runs import pipeline_runs

    return pipeline_runs(tmp_path_factory.mktemp("pipeline-runs"))


def _forbidden(study_dir: Path) -> dict[str, list[str]]:
    """Raw codes, response ids and comments read from the study's inputs (not from the run)."""
    from impact.ingest import load_study
    from impact.ingest.config import load_config

    tables = load_study(load_config(study_dir / "study.yaml")).tables()

    def values(column: str) -> list[str]:
        found = set()
        for frame in tables.values():
            if column in frame.columns:
                found |= {str(v) for v in frame[column].dropna()}
        return sorted(found)

    return {
        "raw_codes": values("link_code"),
        "response_ids": values("response_id"),
        "free_texts": values("comments"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["programme", "randomised"])
def test_every_published_output_of_the_demo_is_private(runs, name):
    study = runs.studies[name]
    forbidden = _forbidden(study.study)
    assert forbidden["raw_codes"] and forbidden["response_ids"]
    published = [study.a / "bundles", study.a / "reports"]
    report = scan_outputs(published, threshold=5, **forbidden)
    assert report.ok, report.summary()
    suffixes = {Path(name).suffix for name in report.scanned}
    assert {".csv", ".json", ".html", ".docx", ".pdf"} <= suffixes, suffixes
    assert not report.unreadable, report.summary()


@pytest.mark.slow
def test_the_guard_finds_a_code_planted_in_a_real_output(runs, tmp_path):
    study = runs.studies["programme"]
    forbidden = _forbidden(study.study)
    copy = tmp_path / "bundles"
    shutil.copytree(study.a / "bundles", copy)
    table = sorted(copy.rglob("*.csv"))[0]
    table.write_text(table.read_text(encoding="utf-8") + f"# {forbidden['raw_codes'][0]}\n")
    with pytest.raises(PrivacyError, match="a raw linking code"):
        assert_private(copy, **forbidden)


@pytest.mark.slow
def test_a_round_gender_cell_of_three_is_refused(runs, tmp_path):
    """A round × gender × outcome table whose cell shows 3 people cannot be published."""
    copy = tmp_path / "bundles"
    shutil.copytree(runs.studies["programme"].a / "bundles", copy)
    table = copy / "project" / "tables" / "round_gender_outcome.csv"
    table.parent.mkdir(parents=True, exist_ok=True)
    table.write_text(
        "round_id,gender,indicator,n,numerator,share\nR01,man,got_job,12,3,0.25\n",
        encoding="utf-8",
    )
    with pytest.raises(PrivacyError) as caught:
        assert_private(copy, threshold=5)
    assert "round_gender_outcome.csv, row 1, column 'numerator'" in str(caught.value)
