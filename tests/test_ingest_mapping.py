"""Mapping files: loading and checking them, and applying them to raw exports."""

from __future__ import annotations

import textwrap

import pytest

from fixtures.ingest.support import valid_rows, write_csv
from impact.errors import InputError
from impact.ingest import Mapping, load_mapping, read_table
from impact.ingest.mapping import bundled_mappings

MAPPING_YAML = """
name: test_sv
language: sv
description: Testenkät
columns:
  all:
    "Svars-ID": response_id
    " Omgång ": round_id
    "Inskickad": submitted_at
    "Din kod": link_code
    "Födelseår": birth_year
    "Kön": gender
    "Utbildning": education_level
  result:
    "Har du betalt arbete?": employment
    "Bidrog programmet till ditt jobb?": contributed_job
    "Har du en referens?": has_reference
  followup:
    "Arbete nu?": employment
values:
  gender: {"Kvinna": woman, "Man": man, "Annat": other, "Vill inte uppge": not_stated}
  employment: {"Nej": none, "Ja, deltid": part_time, "Ja, heltid": full_time}
  contributed_job: {"Ja": yes, "Nej": no, "Vet inte": dont_know}
  education_level: {"Grundskola": 1, "Gymnasium": 2, 3: 3, "Kandidat": 4, "Master": 5}
  round_id: {"Omgång 1": R01}
booleans: {"Ja": true, "Nej": false}
missing_labels: ["", "Ej besvarad", "-"]
ignore: ["Starttid", "IP-adress"]
"""


def _write(tmp_path, text, name="m.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_load_mapping_reads_yes_no_codes_as_text(tmp_path):
    mapping = load_mapping(_write(tmp_path, MAPPING_YAML))
    assert mapping.name == "test_sv" and mapping.language == "sv"
    # YAML 1.1 would read yes/no as booleans; the loader keeps them as codes
    assert mapping.values["contributed_job"] == {"Ja": "yes", "Nej": "no", "Vet inte": "dont_know"}
    assert mapping.values["education_level"]["3"] == 3
    assert mapping.booleans == {"Ja": True, "Nej": False}
    assert mapping.columns_for("result")["Omgång"] == ("round_id", "all")
    assert mapping.value_lookup("employment")["ja, deltid"] == "part_time"


def test_mapping_naming_unknown_fields_lists_every_bad_entry(tmp_path):
    text = MAPPING_YAML.replace(
        '"Har du en referens?": has_reference', '"Har du en referens?": has_referens'
    )
    text = text.replace('"Arbete nu?": employment', '"Arbete nu?": satisfaction')
    text += "values_extra: 1\n"
    text = text.replace("  round_id:", "  gendr: {Kvinna: woman}\n  round_id:")
    with pytest.raises(InputError) as info:
        load_mapping(_write(tmp_path, text))
    assert [p.column for p in info.value.problems] == ["values_extra"]  # structure first
    with pytest.raises(InputError) as info:
        load_mapping(_write(tmp_path, text.replace("values_extra: 1\n", "")))
    problems = {p.column: p for p in info.value.problems}
    assert set(problems) == {
        "columns.result.Har du en referens?",
        "columns.followup.Arbete nu?",
        "values.gendr",
    }
    assert "did you mean 'has_reference'" in problems["columns.result.Har du en referens?"].expected
    assert problems["columns.followup.Arbete nu?"].value == "satisfaction"
    assert "did you mean 'gender'" in problems["values.gendr"].expected
    assert "3 problem(s)" in str(info.value)


def test_unknown_table_section_and_keys(tmp_path):
    text = MAPPING_YAML.replace("  followup:\n", "  folowup:\n") + "colums: {}\n"
    with pytest.raises(InputError) as info:
        load_mapping(_write(tmp_path, text))
    problems = {p.column: p.expected for p in info.value.problems}
    assert "did you mean 'followup'" in problems["columns.folowup"]
    assert "did you mean 'columns'" in problems["colums"]


def test_codes_must_be_valid_for_the_field(tmp_path):
    text = MAPPING_YAML.replace('"Master": 5', '"Master": 6').replace(
        '"Vet inte": dont_know', '"Vet inte": maybe'
    )
    text = text.replace('"Ja": true, "Nej": false', '"Ja": true, "Nej": false, "ja": false')
    with pytest.raises(InputError) as info:
        load_mapping(_write(tmp_path, text))
    problems = {p.column: p for p in info.value.problems}
    assert "between 1 and 5" in problems["values.education_level.Master"].expected
    assert "one of yes, no, dont_know" in problems["values.contributed_job.Vet inte"].expected


def test_bundled_mapping_lookup_and_errors(tmp_path):
    with pytest.raises(InputError, match="bundled mapping name") as info:
        load_mapping("no_such_mapping")
    assert info.value.problems[0].source == "no_such_mapping"
    for name in bundled_mappings():
        assert load_mapping(name).name
    with pytest.raises(InputError, match="at line 3, column 1"):
        load_mapping(_write(tmp_path, "name: x\ncolumns: {all: [\n"))
    with pytest.raises(InputError, match="a YAML mapping"):
        load_mapping(_write(tmp_path, "- just a list\n"))


def _result_rows():
    rows = []
    for i, (gender, job, contributed, ref, edu) in enumerate(
        [
            ("Kvinna", "Nej", "Vet inte", "Ja", "Master"),
            ("  man ", "JA, HELTID", "ja", "nej", "3"),
            ("Vill inte uppge", "Ej besvarad", "-", "", "grundskola"),
        ]
    ):
        rows.append(
            {
                "Svars-ID": f"S{i}",
                "Omgång": "Omgång 1",
                "Inskickad": "2024-05-01 12:00",
                "Din kod": "FA07KA2",
                "Födelseår": "1985",
                "Kön": gender,
                "Har du betalt arbete?": job,
                "Bidrog programmet till ditt jobb?": contributed,
                "Har du en referens?": ref,
                "Utbildning": edu,
                "Starttid": "12:00",
            }
        )
    return rows


def _complete(rows):
    """Add the result fields the test mapping does not cover, with canonical headers."""
    extra = valid_rows("result", n=len(rows))
    covered = {
        "response_id",
        "round_id",
        "submitted_at",
        "link_code",
        "birth_year",
        "gender",
        "employment",
        "contributed_job",
        "has_reference",
        "study_id",
        "comments",
    }
    return [
        {**row, **{k: v for k, v in e.items() if k not in covered}}
        for row, e in zip(rows, extra, strict=True)
    ]


def test_apply_mapping_renames_and_translates(tmp_path):
    mapping = load_mapping(_write(tmp_path, MAPPING_YAML))
    rows = _complete(_result_rows())
    path = write_csv(tmp_path / "r.csv", rows, delimiter=";")
    with pytest.raises(InputError) as info:
        read_table(path, "result", mapping=mapping)
    # 'Utbildning' maps (columns.all) to education_level, which the result table does not have
    assert [p.column for p in info.value.problems] == ["Utbildning"]
    assert "does not have" in info.value.problems[0].expected
    for row in rows:
        row.pop("Utbildning")
    path = write_csv(tmp_path / "r.csv", rows, delimiter=";")
    frame = read_table(path, "result", mapping=mapping)
    assert frame["gender"].tolist() == ["woman", "man", "not_stated"]
    assert frame["employment"].tolist()[:2] == ["none", "full_time"]
    assert frame["employment"].isna().tolist() == [False, False, True]
    assert frame["contributed_job"].tolist()[:2] == ["dont_know", "yes"]
    assert frame["contributed_job"].isna().tolist() == [False, False, True]
    assert frame["has_reference"].tolist()[:2] == [True, False]
    assert frame["round_id"].tolist() == ["R01"] * 3
    assert "Starttid" not in frame.columns
    assert frame["comments"].isna().all()  # optional column absent → all missing


def test_integer_labels_translate_and_numbers_pass(tmp_path):
    mapping = load_mapping(_write(tmp_path, MAPPING_YAML))
    rows = valid_rows("baseline")
    for row, label in zip(rows, ["Master", " 3 ", "gymnasium"], strict=True):
        row.pop("education_level")
        row["Utbildning"] = label
    frame = read_table(write_csv(tmp_path / "b.csv", rows), "baseline", mapping=mapping)
    assert frame["education_level"].tolist() == [5, 3, 2]


def test_unknown_labels_and_columns_are_reported_with_details(tmp_path):
    mapping = load_mapping(_write(tmp_path, MAPPING_YAML))
    rows = _complete(_result_rows())
    for row in rows:
        row.pop("Utbildning")
    rows[0]["Kön"] = "Kvinnа"  # Cyrillic 'а' at the end
    rows[2]["Har du betalt arbete?"] = "Ja, ibland"
    rows[1]["Har du en referens?"] = "Kanske"
    rows[0]["Vad tyckte du?"] = "Bra"
    for row in rows[1:]:
        row["Vad tyckte du?"] = ""
    path = write_csv(tmp_path / "r.csv", rows)
    with pytest.raises(InputError) as info:
        read_table(path, "result", mapping=mapping)
    problems = info.value.problems
    described = [p.describe() for p in problems]
    assert len(problems) == 4, described
    unknown_column = problems[0]
    assert unknown_column.column == "Vad tyckte du?" and unknown_column.row is None
    assert "ignore" in unknown_column.expected
    by_column = {p.column: p for p in problems[1:]}
    gender = by_column["Kön (→ gender)"]
    assert (gender.row, gender.value, gender.source) == (1, "Kvinnа", str(path))
    assert "'Kvinna', 'Man', 'Annat', 'Vill inte uppge'" in gender.expected
    assert "'woman'" in gender.expected
    job = by_column["Har du betalt arbete? (→ employment)"]
    assert (job.row, job.value) == (3, "Ja, ibland")
    assert "'Ja, heltid'" in job.expected
    ref = by_column["Har du en referens? (→ has_reference)"]
    assert (ref.row, ref.value) == (2, "Kanske")
    assert "'Ja', 'Nej'" in ref.expected


def test_canonical_files_need_no_mapping_and_mapping_object_is_checked(tmp_path):
    path = write_csv(tmp_path / "f.csv", valid_rows("followup"))
    assert len(read_table(path, "followup")) == 3
    bad = Mapping(name="bad", columns={"followup": {"X": "employmnet"}})
    with pytest.raises(InputError, match="did you mean 'employment'"):
        read_table(path, "followup", mapping=bad)


def test_two_columns_for_one_field(tmp_path):
    mapping = Mapping(name="m", columns={"all": {"Kön": "gender"}})
    rows = valid_rows("followup")
    for row in rows:
        row["Kön"] = "woman"
    with pytest.raises(InputError) as info:
        read_table(write_csv(tmp_path / "f.csv", rows), "followup", mapping=mapping)
    assert "'gender' already maps to 'gender'" in info.value.problems[0].expected


def test_ignore_per_table(tmp_path):
    mapping = Mapping(name="m", ignore={"followup": ["Starttid"]})
    rows = valid_rows("followup")
    for row in rows:
        row["Starttid"] = "12:00"
    path = write_csv(tmp_path / "f.csv", rows)
    assert "Starttid" not in read_table(path, "followup", mapping=mapping).columns
    assert mapping.ignored_for("baseline") == set()
