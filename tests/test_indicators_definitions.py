"""Definition files, the registry, overrides and parameters."""

from __future__ import annotations

import textwrap

import pytest

from impact.errors import InputError
from impact.indicators import builtin_registry, load_definitions, load_registry
from impact.indicators.definitions import parse_definitions

BUILTIN_IDS = [
    "got_job",
    "job_from_none",
    "job_upgraded",
    "job_changed_other",
    "took_steps",
    "got_internship",
    "started_relevant_education",
    "more_interviews",
    "small_steps_count",
    "improved_cv",
    "expanded_network",
    "got_reference",
    "visited_workplace",
    "learned_education_paths",
    "learned_social_codes",
    "improved_swedish",
    "improved_professional_swedish",
    "job_or_steps",
    "knows_labour_market_more",
    "programme_contributed_job",
    "programme_contributed_internship",
    "programme_contributed_education",
    "job_relevant_and_contributed",
]


def _definition(**changes):
    base = {
        "id": "my_indicator",
        "version": 1,
        "section": "job",
        "label": {"sv": "Min", "en": "Mine"},
        "definition": {"sv": "Min", "en": "Mine"},
        "rule": "r.employment == 'full_time'",
    }
    base.update(changes)
    return base


def _write(tmp_path, text):
    path = tmp_path / "defs.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_builtin_set_is_complete_and_versioned():
    registry = builtin_registry()
    assert registry.ids == BUILTIN_IDS
    for definition in registry.definitions:
        assert definition.version >= 1
        assert definition.label.sv and definition.label.en
        assert definition.definition.sv and definition.definition.en


def test_builtin_defaults_are_the_domain_defaults():
    params = builtin_registry().resolve_params()
    assert params["took_steps"] == {"min_small_steps": 5}
    assert params["more_interviews"] == {"min_extra_interviews": 2, "reference_period_months": 3}
    assert params["small_steps_count"] == {"small_steps_missing": "answered"}


def test_evaluation_order_puts_dependencies_first():
    order = builtin_registry().evaluation_order()
    for definition in builtin_registry().definitions:
        for ref in definition.references():
            assert order.index(ref) < order.index(definition.id)


def test_bound_indicators_know_their_columns_and_waves():
    bound = {b.id: b for b in builtin_registry().bind()}
    assert bound["job_from_none"].columns == ("b_employment", "r_employment")
    assert bound["more_interviews"].columns == ("r_interviews_3m", "b_interviews_3m")
    assert bound["got_internship"].waves == {"r"}
    assert bound["took_steps"].waves == {"b", "r"}
    assert bound["programme_contributed_internship"].waves == {"r"}


def test_reference_period_parameter_selects_the_interview_fields():
    bound = {b.id: b for b in builtin_registry().bind({"reference_period_months": 6})}
    assert bound["more_interviews"].columns == ("r_interviews_6m", "b_interviews_6m")


def test_params_plain_scoped_and_text_values():
    registry = builtin_registry()
    values = registry.resolve_params({"min_small_steps": "4", "took_steps.min_small_steps": 3})
    assert values["took_steps"]["min_small_steps"] == 3  # the scoped override wins
    values = registry.resolve_params({"small_steps_missing": "strict"})
    assert values["small_steps_count"]["small_steps_missing"] == "strict"


@pytest.mark.parametrize(
    ("params", "column", "expected"),
    [
        ({"min_smal_steps": 4}, "min_smal_steps", "a declared parameter"),
        ({"min_small_steps": "four"}, "min_small_steps", "of type integer"),
        ({"min_small_steps": -1}, "min_small_steps", "a value from 0 to 8"),
        ({"min_small_steps": 9}, "min_small_steps", "a value from 0 to 8"),
        ({"min_extra_interviews": "0"}, "min_extra_interviews", "a value of at least 1"),
        ({"small_steps_missing": "some"}, "small_steps_missing", "one of answered, strict"),
        ({"got_job.min_small_steps": 4}, "got_job.min_small_steps", "a declared parameter"),
    ],
)
def test_bad_params_are_named(params, column, expected):
    with pytest.raises(InputError) as info:
        builtin_registry().resolve_params(params)
    problem = info.value.problems[0]
    assert problem.column == column
    assert expected in problem.expected


def test_user_file_overrides_and_adds(tmp_path):
    path = _write(
        tmp_path,
        """
        format_version: 1
        sections:
          - id: extra
            label: {sv: Extra, en: Extra}
        definitions:
          - id: more_interviews
            version: 2
            section: steps
            label: {sv: Fler intervjuer, en: More interviews}
            definition: {sv: Minst en fler, en: At least one more}
            rule: r.interviews_3m > b.interviews_3m
          - id: full_time_at_result
            version: 1
            section: extra
            label: {sv: Heltid, en: Full-time}
            definition: {sv: Heltid vid resultat, en: Full-time at result}
            rule: r.employment == 'full_time'
        """,
    )
    registry = load_registry(path)
    assert registry.ids[: len(BUILTIN_IDS)] == BUILTIN_IDS  # the override keeps its place
    assert registry.ids[-1] == "full_time_at_result"
    assert registry.get("more_interviews").version == 2
    assert registry.sources["more_interviews"] == str(path)
    assert registry.sources["got_job"] == "builtin"
    assert builtin_registry().get("more_interviews").version == 1  # built-ins untouched


def test_errors_name_the_definition_and_key(tmp_path):
    path = _write(
        tmp_path,
        """
        format_version: 1
        definitions:
          - id: bad_rule
            version: 1
            section: job
            label: {sv: a, en: b}
            definition: {sv: a, en: b}
            rule: "r.employment == "
          - id: bad_version
            version: 0
            section: job
            label: {sv: a}
            definition: {sv: a, en: b}
            rule: r.x
            colour: red
          - id: undeclared_param
            version: 1
            section: job
            label: {sv: a, en: b}
            definition: {sv: a, en: b}
            rule: r.x > $threshold
        """,
    )
    with pytest.raises(InputError) as info:
        load_definitions(path)
    found = {(p.source.split(": ", 1)[1], p.column) for p in info.value.problems}
    assert ("indicator 'bad_rule'", "rule") in found
    assert ("indicator 'bad_version'", "version") in found
    assert ("indicator 'bad_version'", "label.en") in found
    assert ("indicator 'bad_version'", "colour") in found
    assert ("indicator 'undeclared_param'", "rule") in found
    message = str(info.value)
    assert "expected a value" in message and "threshold" in message


def test_out_of_range_param_names_definition_parameter_value_and_range():
    with pytest.raises(InputError) as info:
        builtin_registry().resolve_params({"min_small_steps": "9"})
    [problem] = info.value.problems
    assert (problem.column, problem.value) == ("min_small_steps", "9")
    assert "took_steps" in problem.source
    assert problem.expected == (
        "a value from 0 to 8 for parameter 'min_small_steps' of indicator 'took_steps'"
    )
    assert builtin_registry().resolve_params({"min_small_steps": 8})["took_steps"] == {
        "min_small_steps": 8
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"default": 9, "minimum": 0, "maximum": 8}, "default 9 is not allowed"),
        ({"default": 1, "minimum": 5, "maximum": 2}, "minimum 5 is above maximum 2"),
    ],
)
def test_param_spec_bounds_are_checked(spec, message):
    bad = _definition(
        params={"k": {"type": "integer", "label": {"sv": "k", "en": "k"}, **spec}},
        rule="r.interviews_3m >= $k",
    )
    with pytest.raises(InputError) as info:
        parse_definitions({"definitions": [bad]}, "test")
    [problem] = info.value.problems
    assert problem.column == "params.k"
    assert message in problem.expected


def test_param_spec_default_must_fit():
    bad = _definition(
        params={"k": {"type": "integer", "default": "x", "label": {"sv": "k", "en": "k"}}}
    )
    with pytest.raises(InputError) as info:
        parse_definitions({"definitions": [bad]}, "test")
    assert info.value.problems[0].column == "params.k"


def test_unknown_reference_cycle_and_section_are_reported():
    with pytest.raises(InputError, match="a reference to a defined indicator"):
        load_registry(parse_definitions({"definitions": [_definition(rule="no_such")]}, "t"))
    cyclic = [
        _definition(id="a", rule="b_ind"),
        _definition(id="b_ind", rule="a"),
    ]
    with pytest.raises(InputError, match="a → b_ind → a"):
        load_registry(parse_definitions({"definitions": cyclic}, "t"))
    with pytest.raises(InputError, match="a declared section"):
        load_registry(parse_definitions({"definitions": [_definition(section="nowhere")]}, "t"))


def test_file_level_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_definitions(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="not valid YAML"):
        load_definitions(_write(tmp_path, "definitions: [unclosed"))
    with pytest.raises(InputError) as info:
        parse_definitions({"format_version": 2, "definitons": []}, "f")
    assert {p.column for p in info.value.problems} == {"format_version", "definitons"}
    with pytest.raises(InputError, match="each id once"):
        parse_definitions({"definitions": [_definition(), _definition()]}, "f")


def test_count_cannot_be_false_outside_population():
    bad = _definition(
        kind="count",
        rule="count(r.a)",
        population={"rule": "r.b", "outside": False, "label": {"sv": "x", "en": "x"}},
    )
    with pytest.raises(InputError) as info:
        parse_definitions({"definitions": [bad]}, "f")
    assert info.value.problems[0].column == "population.outside"
