"""The vectorised record preparation gives exactly what the per-value implementation gave.

``make_records``, ``normalise_codes`` and ``Pseudonymiser.hash_many`` were rewritten to work on
distinct values and whole columns (factorize, vectorised look-ups) for speed. The functions
below are *frozen copies* of the per-value implementation they replaced; every test builds
varied inputs (lower case, separators, look-alike characters, empty / missing / too short /
invalid codes, Unicode, odd dtypes and indexes) and requires identical frames, dtypes, index,
invalid counts and identical errors (message and problems).
"""

from __future__ import annotations

import decimal
import hashlib
import hmac
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

from impact.errors import AnalysisError, InputError, Problem
from impact.ingest.codes import CodeLayout, normalise_code, normalise_codes
from impact.link.pseudonymise import PSEUDONYM_HEX_CHARS, Pseudonymiser
from impact.link.records import make_records

SECRET = b"equivalence-test-secret"

# ---------------------------------------------------------------------------------------------
# Frozen reference: the per-value implementation (verbatim apart from names), kept to compare.
# ---------------------------------------------------------------------------------------------
_REF_SEPARATORS = re.compile(r"[\s\-_./\\]+")
_REF_TO_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"}
_REF_TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
_REF_GENDER_CODES = ("woman", "man", "other", "not_stated")
_REF_MAX_UNUSABLE_SHARE = 0.5
_REF_MAX_LISTED = 20


def _ref_read_char(char, alphabet):
    if alphabet == "digits":
        char = _REF_TO_DIGIT.get(char, char)
        return char if char in "0123456789" else None
    if alphabet == "letters":
        char = _REF_TO_LETTER.get(char, char)
        return char if char.isalpha() else None
    return char if char.isalnum() else None


def _ref_shape(text):
    return "".join("D" if c.isdigit() else "L" if c.isalpha() else "?" for c in text)


def ref_normalise_code(raw, layout):
    if raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw):
        return None, "empty code"
    text = unicodedata.normalize("NFKC", str(raw)).upper()
    text = _REF_SEPARATORS.sub("", text)
    if text == "":
        return None, "empty code"
    if len(text) != layout.length:
        return None, f"{len(text)} characters (shape {_ref_shape(text)}), expected {layout.length}"
    out = []
    pos = 0
    for alphabet, length in layout.elements:
        for char in text[pos : pos + length]:
            read = _ref_read_char(char, alphabet)
            if read is None:
                return None, (
                    f"character {pos + 1} is not in the alphabet '{alphabet}' "
                    f"(shape {_ref_shape(text)}, expected {layout.describe()})"
                )
            out.append(read)
            pos += 1
    return "".join(out), None


def ref_normalise_codes(codes, layout):
    results = [ref_normalise_code(value, layout) for value in codes.tolist()]
    code = pd.Series([c for c, _ in results], index=codes.index, dtype="string")
    frame = pd.DataFrame({"code": code}, index=codes.index)
    pos = 0
    for name, (_, length) in zip(layout.names, layout.elements, strict=True):
        frame[name] = code.str.slice(pos, pos + length)
        pos += length
    frame["code_problem"] = pd.Series([p for _, p in results], index=codes.index, dtype="string")
    return frame


def _ref_hash(key, value, purpose):
    message = f"{purpose}\x1f{value}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_CHARS]


def ref_hash_many(key, values, purpose):
    cache = {}
    out = []
    for value in values:
        if value is None or pd.isna(value):
            out.append(None)
            continue
        text = str(value)
        digest = cache.get(text)
        if digest is None:
            digest = cache[text] = _ref_hash(key, text, purpose)
        out.append(digest)
    return out


def _ref_problem_rows(wave, column, mask, reasons):
    rows = [i + 1 for i, bad in enumerate(mask.tolist()) if bad]
    listed = reasons[mask].tolist()
    problems = [
        Problem(wave, f"a code laid out as expected ({reason})", row=row, column=column)
        for row, reason in zip(rows[:_REF_MAX_LISTED], listed[:_REF_MAX_LISTED], strict=True)
    ]
    if len(rows) > _REF_MAX_LISTED:
        problems.append(
            Problem(wave, f"valid codes ({len(rows) - _REF_MAX_LISTED} more rows)", column=column)
        )
    return problems


def _ref_check_columns(frame, wave, required):
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"Wave '{wave}' is not a table",
            [Problem(wave, "a pandas DataFrame", value=type(frame).__name__)],
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"Wave '{wave}' lacks columns needed for linking",
            [Problem(wave, "this column to be present", column=c) for c in missing],
        )
    if len(frame) == 0:
        raise InputError(
            f"Wave '{wave}' is empty",
            [Problem(wave, "at least one response", column="link_code")],
        )


def _ref_birth_years(frame, wave):
    raw = frame["birth_year"]
    years = pd.to_numeric(raw, errors="coerce")
    bad = years.isna() & raw.notna()
    bad |= years.notna() & (years != years.round())
    if bad.any():
        rows = [i + 1 for i, b in enumerate(bad.tolist()) if b][:_REF_MAX_LISTED]
        raise InputError(
            f"Wave '{wave}': birth_year is not a whole number in some rows",
            [
                Problem(
                    wave,
                    "a birth year such as 1985",
                    row=r,
                    column="birth_year",
                    value=str(raw.iloc[r - 1]),
                )
                for r in rows
            ],
        )
    return years.round().astype("Int64")


def _ref_genders(frame, wave):
    gender = frame["gender"].astype("string")
    bad = gender.notna() & ~gender.isin(_REF_GENDER_CODES)
    if bad.any():
        rows = [i + 1 for i, b in enumerate(bad.tolist()) if b][:_REF_MAX_LISTED]
        raise InputError(
            f"Wave '{wave}': unknown gender codes",
            [
                Problem(
                    wave,
                    f"one of {list(_REF_GENDER_CODES)}",
                    row=r,
                    column="gender",
                    value=str(gender.iloc[r - 1]),
                )
                for r in rows
            ],
        )
    return gender


def ref_make_records(
    frame, wave, layout, key, *, invalid_codes="unlinked", id_column="response_id", name=None
):
    """The per-value ``make_records``; returns ``(frame, invalid)``."""
    name = name or wave
    required = ("link_code", "birth_year", "gender") + ((id_column,) if id_column else ())
    _ref_check_columns(frame, name, required)
    codes = ref_normalise_codes(frame["link_code"], layout)
    has_study_id = "study_id" in frame.columns
    study_id = (
        frame["study_id"].astype("string")
        if has_study_id
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    invalid_mask = codes["code"].isna()
    unusable = invalid_mask & study_id.isna()
    n = len(frame)
    if invalid_mask.all() and not study_id.notna().any():
        raise InputError(
            f"Wave '{name}': no usable linking code in column 'link_code'",
            _ref_problem_rows(name, "link_code", invalid_mask, codes["code_problem"]),
        )
    if unusable.sum() > _REF_MAX_UNUSABLE_SHARE * n:
        raise InputError(
            f"Wave '{name}': {int(unusable.sum())} of {n} codes in column 'link_code' are empty "
            f"or do not fit the layout {layout.describe()} — is it the right column and "
            "code layout (linking.code_elements)? Fix: map the code question to link_code in "
            "the mapping, or set linking.code_elements to the layout the questionnaire asks for",
            _ref_problem_rows(name, "link_code", invalid_mask, codes["code_problem"]),
        )
    if invalid_codes == "error" and invalid_mask.any():
        raise InputError(
            f"Wave '{name}': empty or invalid linking codes in column 'link_code' (pass "
            "invalid_codes='unlinked' to keep these answers as unlinked records)",
            _ref_problem_rows(name, "link_code", invalid_mask, codes["code_problem"]),
        )
    valid_codes = codes["code"].dropna()
    if len(valid_codes) >= 3 and valid_codes.nunique() == 1:
        raise AnalysisError(
            f"Wave '{name}': all {len(valid_codes)} codes in column 'link_code' are identical "
            "— codes cannot tell respondents apart (was a placeholder exported?). Fix: map the "
            "question holding each respondent's own code to link_code, and export it again"
        )

    out = pd.DataFrame(index=frame.index)
    out["uid"] = [f"{wave}:{i}" for i in range(n)]
    if id_column:
        ids = frame[id_column].astype("string")
    else:
        ids = pd.Series([str(i + 1) for i in range(n)], index=frame.index, dtype="string")
    out["record"] = pd.Series(
        ref_hash_many(key, ids.tolist(), f"record:{wave}"), index=frame.index, dtype="string"
    )
    out["code_h"] = pd.Series(
        ref_hash_many(key, codes["code"].tolist(), "code"), index=frame.index, dtype="string"
    )
    # (the wave's name, not the last element's, names the wave in birth-year and gender errors)
    for i, element in enumerate(layout.names, start=1):
        out[f"h_{element}"] = pd.Series(
            ref_hash_many(key, codes[element].tolist(), f"element{i}"),
            index=frame.index,
            dtype="string",
        )
    out["birth_year"] = _ref_birth_years(frame, name)
    gender = _ref_genders(frame, name)
    out["gender"] = gender
    out["gender_m"] = gender.where(gender != "not_stated")
    out["study_id"] = study_id
    out["round_id"] = (
        frame["round_id"].astype("string")
        if "round_id" in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    out["submitted_at"] = (
        pd.to_datetime(frame["submitted_at"], errors="coerce")
        if "submitted_at" in frame.columns
        else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    )
    answers = frame.drop(columns=[c for c in ("link_code", id_column) if c], errors="ignore")
    out["completeness"] = answers.notna().sum(axis=1).astype("int64")
    out["code_valid"] = ~invalid_mask
    return out, int(invalid_mask.sum())


# ---------------------------------------------------------------------------------------------
# Varied synthetic inputs
# ---------------------------------------------------------------------------------------------
LAYOUTS = [
    CodeLayout(),
    CodeLayout((("digits", 4), ("alphanumeric", 2))),
    CodeLayout((("letters", 1), ("digits", 1), ("alphanumeric", 3), ("letters", 2))),
    CodeLayout((("alphanumeric", 1),)),
]

#: Characters that stress every step: separators of each kind, look-alikes, case, Unicode
#: letters and digits, compatibility forms that NFKC rewrites, characters that change length
#: when upper-cased, combining marks, control and invisible characters.
_POOL = (
    list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    + list("abcdefghijklmnopqrstuvwxyz")
    + list("0123456789")
    + list("OoIl1LSsBbZz0258")  # look-alikes, twice as likely
    + [" ", "-", "_", ".", "/", "\\", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "  "]
    + ["\xa0", "\u2009", "\u3000", "\u200b", "\x85", "\u2028"]  # unusual spaces
    + list("åäöÅÄÖéÉüÜñçøæœ")  # Latin letters
    + list("ЖжДдΩωΣσ")  # Cyrillic, Greek
    + list("ßﬁﬂŉǰİı")  # change length or case oddly
    + list("ＦＡ０７ＫＡ２")  # fullwidth, NFKC → ASCII
    + list("²³¹½ⅣⅫ①")  # superscripts, fractions, Roman numerals, circled
    + list("٣٤۵७")  # Arabic-Indic, Devanagari digits (isdigit, not ASCII)
    + ["e\u0301", "\u0301", "\u0308"]  # combining marks
    + list("!?#*+@%&()[]{}'\"")
    + ["\x00", "\x07", "😀", "中", "ー"]
)


def _typed_code(rng: np.random.Generator) -> str:
    """A default-layout code typed with case, look-alike and separator noise."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ"
    parts = [
        "".join(rng.choice(list(letters), 2)),
        f"{rng.integers(1, 32):02d}",
        "".join(rng.choice(list(letters), 2)),
        str(rng.integers(0, 10)),
    ]
    if rng.random() < 0.4:
        parts = [p.lower() if rng.random() < 0.5 else p for p in parts]
    if rng.random() < 0.3:
        table = str.maketrans({"O": "0", "I": "1", "0": "O", "1": "l", "S": "5", "2": "Z"})
        parts = [p.translate(table) if rng.random() < 0.5 else p for p in parts]
    sep = str(rng.choice(["", "", "-", " ", "_", ".", "/", " - ", "\t"]))
    code = sep.join(parts)
    if rng.random() < 0.2:
        code = " " * int(rng.integers(0, 3)) + code + " " * int(rng.integers(0, 3))
    return code


def _random_code(rng: np.random.Generator) -> str:
    kind = rng.random()
    if kind < 0.45:  # a well-formed default code, sometimes noisy
        return _typed_code(rng)
    if kind < 0.55:  # short or long alphanumeric strings of any length
        return "".join(rng.choice(list("ABCDEFGH0123456789abc"), int(rng.integers(0, 12))))
    # anything from the stress pool
    return "".join(rng.choice(_POOL, int(rng.integers(0, 10))))


def random_codes(n: int, seed: int) -> list[object]:
    """``n`` typed codes: mostly strings, some repeated, some missing or empty."""
    rng = np.random.default_rng(seed)
    codes: list[object] = [_random_code(rng) for _ in range(n)]
    for i in rng.choice(n, size=n // 3, replace=True):  # repeats, so distinct values matter
        codes[int(i)] = codes[int(rng.integers(0, n))]
    for i in rng.choice(n, size=n // 20, replace=False):
        codes[int(i)] = rng.choice(np.array(["", "   ", " - ", "MISSING"], dtype=object))
    for i in rng.choice(n, size=n // 20, replace=False):
        codes[int(i)] = None
    return codes


FIXED_CODES = [
    "FA07KA2",
    "fa07ka2",
    " fa-07-ka-2 ",
    "FA 07 KA 2",
    "fa_07.ka/2",
    "FAO7KAZ",
    "5A1OB1l",
    "0I2s8Oz",
    "åÄ01öa0",
    "ＦＡ０７ＫＡ２",
    "FA07KAß",
    "ßA07KA2",
    "ﬁ07KA2",
    "FA²7KA2",
    "FA٣7KA2",
    "FA07KA٣",
    "FA07K\u0308A2",
    "FA07KA2\x00",
    "FA07KA\x00",
    "\x00\x00\x00\x00\x00\x00\x00",
    "FA\xa007\u3000KA2",
    "FA\u200b07KA2",
    "FA07KA22",
    "FA07KA",
    "FA0XKA2",
    "F?07KA2",
    "ЖД07ΩΣ3",
    "жд07ωσ3",
    "İı07KA2",
    "ŉA07KA2",
    "",
    "   ",
    " - _ . / \\ ",
    "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f",
    "😀A07KA2",
    "中ー07KA2",
]


def _series_variants(values: list[object]) -> dict[str, pd.Series]:
    """The same codes as the column dtypes a wave can carry, on a non-default index."""
    rng = np.random.default_rng(7)
    index = pd.Index(rng.permutation(len(values)) * 3 + 100)
    strings = [v if isinstance(v, str) else None for v in values]
    obj = pd.Series(values, index=index, dtype=object)
    return {
        "string": pd.Series(strings, index=index, dtype="string"),
        "string_python": pd.Series(strings, index=index, dtype=pd.StringDtype("python")),
        "str": pd.Series(strings, index=index, dtype="str"),
        "object": obj,
        "category": pd.Series(strings, index=index, dtype="category"),
    }


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda lay: lay.describe())
def test_normalise_codes_identical_on_varied_codes(layout):
    values = FIXED_CODES + random_codes(3000, seed=11)
    for kind, series in _series_variants(values).items():
        got = normalise_codes(series, layout)
        want = ref_normalise_codes(series, layout)
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=kind)


def test_normalise_code_single_values_identical():
    odd = [None, pd.NA, np.nan, float("nan"), np.float32("nan"), pd.NaT, 1, 1.0, True, 0]
    odd += [decimal.Decimal("NaN"), b"FA07KA2", 1234567, 12.5, "FA07KA2", ("FA", "07")]
    for layout in LAYOUTS:
        for value in odd + FIXED_CODES:
            assert normalise_code(value, layout) == ref_normalise_code(value, layout), value


def test_normalise_codes_identical_on_mixed_object_values():
    # Python objects that are equal but print differently (1, 1.0, True) must not be merged,
    # and missing markers other than None / NA / float NaN are codes that print as text.
    values = [1, 1.0, True, "1", 1234567, 1234567.0, "1234567", b"FA07KA2", "FA07KA2"]
    values += [None, pd.NA, np.nan, np.float32("nan"), pd.NaT, decimal.Decimal("NaN")]
    values += [decimal.Decimal("1234567"), np.int64(7), np.str_("FA07KA2"), ("FA", "07")]
    values += ["FA07KA\ud800", "\udc00A07KA2"]  # lone surrogates (object columns only)
    series = pd.Series(values * 3, dtype=object)
    for layout in [*LAYOUTS, CodeLayout((("digits", 7),)), CodeLayout((("digits", 1),))]:
        pd.testing.assert_frame_equal(
            normalise_codes(series, layout), ref_normalise_codes(series, layout), check_exact=True
        )


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([], dtype="string"),
        pd.Series([], dtype=object),
        pd.Series([None, None], dtype="string"),
        pd.Series([np.nan, np.nan]),
        pd.Series([1234567, 7654321]),
        pd.Series(["FA07KA2"] * 5, index=list("abcde"), dtype="str"),
        pd.Series(["FA07KA2", "fa07ka2"], index=[5, 5], dtype="string"),
    ],
    ids=["empty", "empty-object", "all-missing", "float-nan", "int", "str-index", "dup-index"],
)
def test_normalise_codes_identical_on_edge_columns(series):
    for layout in LAYOUTS:
        pd.testing.assert_frame_equal(
            normalise_codes(series, layout), ref_normalise_codes(series, layout), check_exact=True
        )


def test_hash_many_identical():
    pseud = Pseudonymiser(SECRET)
    values = [
        "FA07KA2",
        "FA07KA2",
        "",
        None,
        pd.NA,
        np.nan,
        pd.NaT,
        1,
        1.0,
        True,
        "1",
        "åÄ01öa0",
        "😀",
        np.int64(3),
        np.str_("x"),
    ]
    values += [f"b-{i}" for i in range(500)] + random_codes(500, seed=3)
    for purpose in ("code", "record:b", "element1", ""):
        assert pseud.hash_many(values, purpose) == ref_hash_many(SECRET, values, purpose)
        assert pseud.hash_many(iter(values), purpose) == ref_hash_many(SECRET, values, purpose)
        series = pd.Series([v if isinstance(v, str) else None for v in values], dtype="string")
        assert pseud.hash_many(series, purpose) == ref_hash_many(SECRET, series, purpose)
    assert pseud.hash_many([], "code") == []


@pytest.mark.parametrize("length", [8, 63, 64, 65, 200])
def test_hashing_gives_the_hmac_for_every_key_length(length):
    # keys longer than SHA-256's 64-byte block are hashed first (RFC 2104); the reference is
    # hmac.new per value
    key = bytes(np.random.default_rng(length).integers(0, 256, length, dtype=np.uint8))
    pseud = Pseudonymiser(key)
    values = ["FA07KA2", "", "åÄ01öa0", "😀" * 40, "x" * 500, "b-1"]
    for purpose in ("code", "record:r", "element4"):
        want = [_ref_hash(key, v, purpose) for v in values]
        assert pseud.hash_many(values, purpose) == want
        assert [pseud.hash(v, purpose) for v in values] == want
        column = pseud.hash_column(pd.Series(values, dtype="string"), purpose)
        assert column.tolist() == want


def _wave(n: int, seed: int, *, with_optional: bool = True) -> pd.DataFrame:
    """A wave with messy codes and every column ``make_records`` reads."""
    rng = np.random.default_rng(seed)
    codes = random_codes(n, seed=seed)
    # keep most codes usable so the wave is not rejected as a whole
    codes = [c if rng.random() < 0.3 else _typed_code(rng) for c in codes]
    frame = pd.DataFrame(
        {
            "response_id": pd.array([f"r-{i}" for i in range(n)], dtype="string"),
            "link_code": pd.array(
                [c if isinstance(c, str) else None for c in codes], dtype="string"
            ),
            "birth_year": pd.array(
                np.where(rng.random(n) < 0.05, None, rng.integers(1950, 2006, n)), dtype="Int64"
            ),
            "gender": pd.array(
                rng.choice(["woman", "man", "other", "not_stated", None], n), dtype="string"
            ),
        },
        index=pd.RangeIndex(250_000, 250_000 + n),  # a later chunk of a large wave
    )
    if with_optional:
        frame["round_id"] = pd.array(rng.choice(["R01", "R02", None], n), dtype="string")
        frame["study_id"] = pd.array(
            np.where(rng.random(n) < 0.3, [f"S{i}" for i in range(n)], None), dtype="string"
        )
        frame["submitted_at"] = pd.Timestamp("2024-01-15") + pd.to_timedelta(
            rng.integers(0, 10_000, n), unit="min"
        )
        frame["employment"] = np.where(rng.random(n) < 0.2, None, "full_time")
    return frame


def _same_outcome(frame, wave, layout, **options):
    pseud = Pseudonymiser(SECRET)
    try:
        want = ref_make_records(frame, wave, layout, SECRET, **options)
    except (InputError, AnalysisError) as error:
        with pytest.raises(type(error)) as info:
            make_records(frame, wave, layout, pseud, **options)
        assert str(info.value) == str(error)
        assert getattr(info.value, "problems", None) == getattr(error, "problems", None)
        return "error"
    got = make_records(frame, wave, layout, pseud, **options)
    pd.testing.assert_frame_equal(got.frame, want[0], check_exact=True)
    assert got.invalid == want[1]
    assert got.wave == wave
    return "ok"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_make_records_identical(seed):
    frame = _wave(2000, seed)
    assert _same_outcome(frame, "r", CodeLayout()) == "ok"
    assert _same_outcome(frame.drop(columns=["study_id", "round_id", "submitted_at"]), "b",
                         CodeLayout()) == "ok"  # fmt: skip
    assert _same_outcome(frame, "f1", CodeLayout(), id_column=None, name="follow-up") == "ok"
    assert _same_outcome(frame, "r", CodeLayout(), invalid_codes="error") == "error"


def test_make_records_identical_on_benchmark_waves():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from scale import make_waves
    finally:
        sys.path.pop(0)
    baseline, later, _, _ = make_waves(5000, seed=4)
    assert _same_outcome(baseline, "b", CodeLayout()) == "ok"
    chunk = later.iloc[1000:3000]
    assert _same_outcome(chunk, "r", CodeLayout()) == "ok"


def test_make_records_identical_errors():
    layout = CodeLayout()
    n = 200
    base = _wave(n, 5, with_optional=False)
    # every code invalid, no study id
    bad = base.assign(link_code=pd.array(["x"] * n, dtype="string"))
    assert _same_outcome(bad, "b", layout) == "error"
    # more than half unusable
    half = base.assign(link_code=pd.array(["x"] * 140 + ["FA07KA2"] * 60, dtype="string"))
    assert _same_outcome(half, "b", layout) == "error"
    # identical codes
    same = base.assign(link_code=pd.array(["fa07ka2", "FA-07-KA-2"] * 100, dtype="string"))
    assert _same_outcome(same, "b", layout) == "error"
    # invalid codes with invalid_codes="error", more than 20 of them
    some = base.copy()
    some.loc[some.index[:25], "link_code"] = "FA0XKA2"
    assert _same_outcome(some, "b", layout, invalid_codes="error") == "error"
    assert _same_outcome(some, "b", layout) == "ok"
    # bad birth years and genders
    years = base.assign(
        birth_year=pd.Series(["1985", "x", 1990.5, 1990] * 50, dtype=object).to_numpy()
    )
    assert _same_outcome(years, "b", layout) == "error"
    genders = base.assign(gender=pd.array(["woman", "female"] * 100, dtype="string"))
    assert _same_outcome(genders, "b", layout) == "error"
    # missing column, empty wave, not a table
    assert _same_outcome(base.drop(columns="gender"), "b", layout) == "error"
    assert _same_outcome(base.iloc[:0], "b", layout) == "error"
    # object columns as read from a CSV without dtypes
    loose = base.astype(object).assign(link_code=lambda f: f["link_code"].astype(object))
    assert _same_outcome(loose, "b", layout) == "ok"
