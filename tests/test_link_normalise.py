"""Code normalisation: case, separators, look-alike characters by alphabet, bad layouts."""

import pandas as pd
import pytest

from impact.errors import InputError
from impact.ingest.codes import CodeLayout, normalise_code, normalise_codes

LAYOUT = CodeLayout()


@pytest.mark.parametrize(
    "typed",
    ["FA07KA2", "fa07ka2", " fa-07-ka-2 ", "FA 07 KA 2", "fa_07.ka/2", "FAO7KAZ", "FAO7KA2"],
)
def test_typings_of_one_code_normalise_identically(typed):
    assert normalise_code(typed, LAYOUT) == ("FA07KA2", None)


def test_lookalikes_resolved_by_the_elements_alphabet():
    # letter positions read digits as letters; digit positions read letters as digits
    assert normalise_code("5A1OB1l", LAYOUT) == ("SA10BI1", None)
    assert normalise_code("0I2s8Oz", LAYOUT) == ("OI25BO2", None)


def test_swedish_letters_are_letters():
    assert normalise_code("åÄ01öa0", LAYOUT) == ("ÅÄ01ÖA0", None)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("FA07KA", "6 characters"),
        ("FA07KA22", "8 characters"),
        ("FA0XKA2", "character 4 is not in the alphabet 'digits'"),
        ("F?07KA2", "character 2 is not in the alphabet 'letters'"),
        ("", "empty code"),
        (None, "empty code"),
        (pd.NA, "empty code"),
        ("  - ", "empty code"),
    ],
)
def test_invalid_codes_get_a_reason_without_the_code(typed, fragment):
    code, reason = normalise_code(typed, LAYOUT)
    assert code is None
    assert fragment in reason
    if isinstance(typed, str) and typed.strip(" -"):
        assert typed not in reason


def test_normalise_codes_splits_elements():
    frame = normalise_codes(pd.Series(["fa-07-ka-2", "bad", pd.NA], dtype="string"), LAYOUT)
    assert frame.loc[0, ["e1", "e2", "e3", "e4"]].tolist() == ["FA", "07", "KA", "2"]
    assert frame["code"].isna().tolist() == [False, True, True]
    assert frame["code_problem"].notna().tolist() == [False, True, True]


def test_custom_layout():
    layout = CodeLayout.from_config([["digits", 4], ["alphanumeric", 2]])
    assert layout.length == 6
    assert normalise_code("2024-a1", layout) == ("2024A1", None)


@pytest.mark.parametrize(
    "elements", [[], [["letters", 0]], [["runes", 2]], [["letters"]], [["digits", True]]]
)
def test_bad_layouts_raise_input_error(elements):
    with pytest.raises(InputError, match="code layout"):
        CodeLayout.from_config(elements)
