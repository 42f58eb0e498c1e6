"""The rule language: parsing, canonical text, JSON form, readable rendering and evaluation."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.indicators import expr_ast as A
from impact.indicators import expr_tree
from impact.indicators.expr_eval import EvaluationError, Evaluator, classify
from impact.indicators.expr_parser import ExpressionError, parse

# ---------------------------------------------------------------- parsing


def test_precedence_and_binds_tighter_than_or():
    node = parse("a and b or not c and d")
    assert node == A.Logical(
        "or",
        (
            A.Logical("and", (A.Ref("a"), A.Ref("b"))),
            A.Logical("and", (A.Not(A.Ref("c")), A.Ref("d"))),
        ),
    )


def test_fields_params_lists_and_arithmetic():
    node = parse("r.interviews_3m - b.interviews_3m >= $min_extra_interviews")
    assert node == A.Compare(
        ">=",
        A.Arith("-", A.Field("r", "interviews_3m"), A.Field("b", "interviews_3m")),
        A.Param("min_extra_interviews"),
    )
    node = parse("r.employment not in ['part_time', \"full_time\"]")
    assert node == A.In(
        A.Field("r", "employment"), (A.Literal("part_time"), A.Literal("full_time")), True
    )
    assert parse("x in [-1, 2.5, true]").items == (A.Literal(-1), A.Literal(2.5), A.Literal(True))


def test_field_columns_and_person_fields():
    assert A.Field("b", "employment").column == "b_employment"
    assert A.Field("f2", "employment").column == "f2_employment"
    assert parse("person.age >= 30").left == A.Field("person", "age")
    assert A.Field("person", "age").column == "age"


def test_calls_and_options():
    node = parse("count(a, b, missing='strict')")
    assert node == A.Call("count", (A.Ref("a"), A.Ref("b")), (("missing", A.Literal("strict")),))
    assert parse("is_missing(b.x)") == A.Call("is_missing", (A.Field("b", "x"),))


def test_placeholders_are_substituted_into_field_names():
    node = parse("r.interviews_{period}m > b.interviews_{period}m")
    assert A.params(node) == ["period"]
    bound = expr_tree.substitute_placeholders(node, {"period": 6})
    assert [f.column for f in A.fields(bound)] == ["r_interviews_6m", "b_interviews_6m"]


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("", "the rule is empty", 0),
        ("a and", "expected a value", 5),
        ("a == b == c", "comparisons cannot be chained", 7),
        ("x.employment == 'none'", "unknown wave prefix 'x'", 0),
        ("__import__('os')", "unknown function '__import__'", 0),
        ("count(a, missing='x', b)", "positional arguments must come before options", 22),
        ("count(a, mode='x')", "'count' has no option 'mode'", 9),
        ("is_missing(a, b)", "'is_missing' takes 1 argument", 0),
        ("a ; b", "unexpected character ';'", 2),
        ("(a or b", "expected ')'", 7),
        ("x in [b.y]", "list items must be", 6),
        ("a{p} > 1", "{placeholders} are only allowed in field names", 0),
    ],
)
def test_syntax_errors_name_the_reason_and_position(text, reason, position):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert reason in info.value.reason
    assert info.value.position == position


def test_no_python_is_ever_evaluated():
    for text in ["__import__('os').system('x')", "a.__class__", "lambda: 1", "a[0]"]:
        with pytest.raises(ExpressionError):
            parse(text)


# ---------------------------------------------------------------- text round trip

_names = st.sampled_from(["got_job", "took_steps", "a", "b_x"])
_leaves = st.one_of(
    st.builds(A.Literal, st.booleans()),
    st.builds(A.Literal, st.integers(-50, 50)),
    st.builds(A.Literal, st.floats(0.25, 100, allow_nan=False).map(lambda v: round(v, 2))),
    st.builds(A.Literal, st.text("ab'\\ _x", max_size=6)),
    st.builds(A.Param, st.sampled_from(["min_small_steps", "k"])),
    st.builds(A.Field, st.sampled_from(["b", "r", "f1", "person"]), st.sampled_from(["x", "cv"])),
    st.builds(A.Ref, _names),
)


def _extend(children):
    two = st.tuples(children, children)
    return st.one_of(
        st.builds(A.Not, children),
        st.builds(
            A.Logical,
            st.sampled_from(["and", "or"]),
            st.lists(children, min_size=2, max_size=3).map(tuple),
        ),
        st.builds(lambda op, ab: A.Compare(op, *ab), st.sampled_from(A.COMPARE_OPS), two),
        st.builds(lambda op, ab: A.Arith(op, *ab), st.sampled_from(["+", "-"]), two),
        st.builds(A.Negate, children.filter(lambda n: not isinstance(n, A.Literal))),
        st.builds(
            A.In,
            children,
            st.lists(st.builds(A.Literal, st.integers(-3, 3)), min_size=1, max_size=3).map(tuple),
            st.booleans(),
        ),
        st.builds(A.Call, st.just("count"), st.lists(children, min_size=1, max_size=3).map(tuple)),
    )


@settings(max_examples=200, deadline=None)
@given(st.recursive(_leaves, _extend, max_leaves=12))
def test_canonical_text_parses_back_to_the_same_tree(node):
    # Chained comparisons are not valid syntax, so the writer must parenthesise them.
    assert parse(A.to_text(node)) == node


def test_to_dict_is_json_ready():
    import json

    node = parse("b.employment == 'none' and count(a, missing=$m) >= 5")
    data = expr_tree.to_dict(node)
    assert json.loads(json.dumps(data)) == data
    assert data["node"] == "and"
    assert data["operands"][0]["left"] == {
        "node": "field",
        "wave": "b",
        "name": "employment",
        "column": "b_employment",
    }


def test_render_is_readable_in_both_languages():
    node = parse("not b.has_reference and r.x >= $k")
    assert A.render(node, "en", {"k": 2}) == "not has_reference [baseline] and x [result] ≥ k (= 2)"
    assert (
        A.render(node, "sv", {"k": 2}) == "inte has_reference [baslinje] och x [resultat] ≥ k (= 2)"
    )


# ---------------------------------------------------------------- evaluation


def _evaluate(text, columns, params=None, indicators=None):
    frame = pd.DataFrame(columns)
    evaluator = Evaluator(
        frame.index, lambda name: classify(frame[name], name), indicators or {}, params or {}
    )
    return evaluator.evaluate(parse(text)).data.tolist()


NA = pd.NA
BOOLS = pd.array([True, True, True, False, False, False, None, None, None], dtype="boolean")
OTHER = pd.array([True, False, None] * 3, dtype="boolean")


def test_and_or_not_follow_kleene_logic():
    cols = {"person_a": BOOLS, "person_b": OTHER}
    # Truth tables of SQL / Kleene three-valued logic.
    assert _evaluate("person.person_a and person.person_b", cols) == [
        True, False, NA, False, False, False, NA, False, NA,
    ]  # fmt: skip
    assert _evaluate("person.person_a or person.person_b", cols) == [
        True, True, True, True, False, NA, True, NA, NA,
    ]  # fmt: skip
    assert _evaluate("not person.person_a", cols) == [False] * 3 + [True] * 3 + [NA] * 3


def test_comparisons_arithmetic_and_lists_propagate_missing():
    cols = {
        "b_n": pd.array([1, 2, None], dtype="Int64"),
        "r_n": pd.array([3, 3, 3], dtype="Int64"),
        "r_s": pd.array(["none", None, "full_time"], dtype="string"),
    }
    assert _evaluate("r.n - b.n >= 2", cols) == [True, False, NA]
    assert _evaluate("r.s in ['part_time', 'full_time']", cols) == [False, NA, True]
    assert _evaluate("r.s not in ['part_time', 'full_time']", cols) == [True, NA, False]
    assert _evaluate("r.s != 'none'", cols) == [False, NA, True]
    assert _evaluate("is_missing(b.n)", cols) == [False, False, True]
    assert _evaluate("-b.n + 1 == 0", cols) == [True, False, NA]


def test_numpy_and_object_columns_are_accepted():
    cols = {
        "b_n": [1.0, float("nan"), 3.0],
        "r_flag": pd.Series([True, None, False], dtype=object),
        "r_s": ["a", None, "b"],
    }
    assert _evaluate("b.n > 2", cols) == [False, NA, True]
    assert _evaluate("r.flag", cols) == [True, NA, False]
    assert _evaluate("r.s == 'a'", cols) == [True, NA, False]


def test_a_column_without_answers_adapts_to_its_use():
    cols = {"b_x": [None, None], "r_x": pd.array([1, 2], dtype="Int64")}
    assert _evaluate("r.x > b.x", cols) == [NA, NA]
    assert _evaluate("b.x or true", cols) == [True, True]


def test_count_answered_and_strict():
    cols = {
        "a": pd.array([True, True, None, None], dtype="boolean"),
        "b": pd.array([True, None, False, None], dtype="boolean"),
    }
    assert _evaluate("count(person.a, person.b)", cols) == [2, 1, 0, NA]
    assert _evaluate("count(person.a, person.b, missing='strict')", cols) == [2, NA, NA, NA]
    assert _evaluate("count(person.a, person.b, missing=$m)", cols, {"m": "strict"}) == [
        2,
        NA,
        NA,
        NA,
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("r.s > 1", "cannot compare text with numbers"),
        ("r.s > 'a'", "'>' needs numbers, got text"),
        ("r.n and true", "a true/false condition needs true/false, got numbers"),
        ("r.s + 1", "'+' needs numbers, got text"),
        ("r.n in ['a']", "cannot look for text among numbers"),
        ("count(r.n)", "a true/false condition needs true/false"),
        ("count(r.b, missing='most')", "count's option missing must be one of answered, strict"),
        ("r.n > $nope", "unknown parameter $nope"),
        ("unknown_indicator", "indicator 'unknown_indicator' is not computed"),
    ],
)
def test_kind_errors_are_clear(text, reason):
    cols = {
        "r_s": pd.array(["a"], dtype="string"),
        "r_n": pd.array([1], dtype="Int64"),
        "r_b": pd.array([True], dtype="boolean"),
    }
    with pytest.raises(EvaluationError) as info:
        _evaluate(text, cols)
    assert reason in str(info.value)


def test_dates_and_mixed_columns_are_refused():
    with pytest.raises(EvaluationError, match="dates"):
        classify(pd.Series(pd.to_datetime(["2024-01-01"])), "b_submitted_at")
    with pytest.raises(EvaluationError, match="mixes kinds"):
        classify(pd.Series(["a", 1], dtype=object), "b_x")
