"""Bad input: clear InputError/AnalysisError naming the wave and column, nothing written."""

import pandas as pd
import pytest

from impact.errors import AnalysisError, InputError
from impact.link import link_study, link_waves
from link_fixtures import SECRET, make_study


@pytest.fixture(scope="module")
def study():
    return make_study(120, seed=21, duplicate_share=0.0)


def test_missing_code_column_names_wave_and_column(study):
    with pytest.raises(InputError) as info:
        link_waves(study.baseline, study.result.drop(columns="link_code"), secret=SECRET)
    assert "result" in str(info.value) and "link_code" in str(info.value)
    assert info.value.problems[0].column == "link_code"


def test_one_wave_empty(study):
    with pytest.raises(InputError, match="Wave 'baseline' is empty"):
        link_waves(study.baseline.iloc[:0], study.result, secret=SECRET)
    with pytest.raises(InputError, match="Wave 'result' is empty"):
        link_study(study.baseline, result=study.result.iloc[:0], secret=SECRET)
    with pytest.raises(InputError, match="followup"):
        link_study(study.baseline, followup=study.result.iloc[:0], secret=SECRET)


def test_all_codes_empty(study):
    later = study.result.assign(link_code=pd.array([pd.NA] * len(study.result), dtype="string"))
    with pytest.raises(InputError, match="no usable linking code") as info:
        link_waves(study.baseline, later, secret=SECRET)
    assert "'result'" in str(info.value) and "link_code" in str(info.value)


def test_some_codes_empty_or_wrong_length_or_alphabet(study):
    later = study.result.copy()
    later.loc[0, "link_code"] = ""
    later.loc[1, "link_code"] = "AB12CD"  # too short
    later.loc[2, "link_code"] = "AB1XCD3"  # letter in a digit element
    with pytest.raises(InputError) as info:
        link_waves(study.baseline, later, secret=SECRET, invalid_codes="error")
    rows = {p.row for p in info.value.problems}
    assert rows == {1, 2, 3}
    message = str(info.value)
    assert "empty code" in message and "6 characters" in message and "'digits'" in message
    assert "AB12CD" not in message and "AB1XCD3" not in message  # codes are never echoed
    # default: kept as unlinked records and counted
    result = link_waves(study.baseline, later, secret=SECRET)
    waves = result.report.waves.set_index("wave")
    assert waves.loc["r", "invalid_codes"] == 3


def test_mostly_wrong_layout_is_an_error_whatever_the_policy(study):
    with pytest.raises(InputError, match="code layout"):
        link_waves(
            study.baseline,
            study.result,
            secret=SECRET,
            code_elements=[["letters", 3], ["digits", 4]],
        )


def test_all_codes_identical(study):
    later = study.result.assign(link_code="AB12CD3")
    with pytest.raises(AnalysisError, match="'result'.*identical"):
        link_waves(study.baseline, later, secret=SECRET)


def test_no_overlap_at_all(study):
    other = make_study(120, seed=99).result
    with pytest.raises(AnalysisError, match="No record of wave 'result' could be linked"):
        link_waves(study.baseline, other.assign(round_id="R99"), secret=SECRET)


def test_no_overlap_leaves_no_partial_output(study, tmp_path):
    target = tmp_path / "linked"
    other = make_study(120, seed=99).result
    with pytest.raises(AnalysisError):
        link_waves(study.baseline, other, secret=SECRET).write(target)
    assert not target.exists()


def test_missing_secret(study, monkeypatch):
    monkeypatch.delenv("IMPACT_LINK_SECRET", raising=False)
    with pytest.raises(InputError, match="No secret"):
        link_waves(study.baseline, study.result, secret=None)
    monkeypatch.setenv("IMPACT_LINK_SECRET", SECRET)
    assert len(link_waves(study.baseline, study.result, secret=None).pairs) > 0


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("threshold", 1.5),
        ("threshold", 0),
        ("invalid_codes", "drop"),
        ("review_band", (0.9, 0.1)),
        ("later_wave", "B!"),
    ],
)
def test_bad_options(study, option, value):
    with pytest.raises(InputError, match="Invalid"):
        link_waves(study.baseline, study.result, secret=SECRET, **{option: value})


def test_bad_gender_and_birth_year(study):
    later = study.result.copy()
    later["gender"] = later["gender"].astype(object)
    later.loc[4, "gender"] = "female"
    with pytest.raises(InputError, match="unknown gender") as info:
        link_waves(study.baseline, later, secret=SECRET)
    assert info.value.problems[0].row == 5
    later = study.result.assign(birth_year=study.result["birth_year"].astype(object))
    later.loc[0, "birth_year"] = "nineteen"
    with pytest.raises(InputError, match="birth_year"):
        link_waves(study.baseline, later, secret=SECRET)


def test_randomisation_list_needs_unique_study_ids():
    study = make_study(80, seed=3, randomised=True)
    rand = study.randomisation.copy()
    rand.loc[1, "study_id"] = rand.loc[0, "study_id"]
    with pytest.raises(InputError, match="study_id must be present and unique"):
        link_study(study.baseline, result=study.result, randomisation=rand, secret=SECRET)


def test_followup_needs_followup_number(study):
    with pytest.raises(InputError, match="followup_number"):
        link_study(study.baseline, followup=study.result, secret=SECRET)
