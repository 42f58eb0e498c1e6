"""Study config: validation with dotted keys and suggestions, defaults, paths, round trip."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from impact.errors import InputError
from impact.ingest.config import StudyConfig, load_config

FULL = """
study:
  name: "Jobbsteget Tillsammans (synthetic demo)"
  organisation: Belong
  design: randomised
inputs:
  mapping: belong_sv
  baseline: raw/baslinje.csv
  followup: [raw/uppfoljning_1.csv, raw/uppfoljning_2.csv]
  result: raw/resultat.csv
  randomisation: raw/randomisering.csv
  register_persons: register/personer.csv
  register_months: register/manader.csv
  sheets: {baseline: "Blad1"}
linking:
  secret_env: IMPACT_LINK_SECRET
  secret: null
  threshold: 0.9
  code_elements: [[letters, 2], [digits, 2], [letters, 2], [digits, 1]]
indicators:
  definitions: null
  params: {min_extra_interviews: 2, min_small_steps: 5}
analysis:
  covariates: [age, education_level, years_in_sweden]
  groups: [round_id]
  targets: {job_or_steps: 0.90, expanded_network: 0.80}
  confidence_level: 0.95
  suppression_threshold: 5
  outcomes: [got_job, took_steps, job_or_steps, expanded_network]
  attrition_boundary: cautious
  ri_draws: 10000
  seed: 20231101
report:
  languages: [sv, en]
  formats: [html, docx, pdf]
  per_round: true
output: output
"""


def _write(tmp_path: Path, text: str, name: str = "study.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problems(tmp_path, text):
    with pytest.raises(InputError) as info:
        load_config(_write(tmp_path, text))
    return info.value


def test_full_config_loads_and_resolves_paths(tmp_path):
    config = load_config(_write(tmp_path, FULL))
    assert config.study.design == "randomised"
    assert config.inputs.baseline == [tmp_path / "raw" / "baslinje.csv"]
    assert config.inputs.followup[1] == tmp_path / "raw" / "uppfoljning_2.csv"
    assert config.inputs.register_months == [tmp_path / "register" / "manader.csv"]
    assert config.inputs.mapping == "belong_sv"  # a bundled name stays a name
    assert config.inputs.sheets == {"baseline": "Blad1"}
    assert config.output == tmp_path / "output"
    assert config.linking.code_elements[0] == ("letters", 2)
    assert config.analysis.targets["expanded_network"] == 0.8
    assert config.indicators.params["min_small_steps"] == 5
    assert config.source == tmp_path / "study.yaml"
    assert config.base_dir == tmp_path


def test_defaults_for_everything_optional(tmp_path):
    config = load_config(_write(tmp_path, "study: {name: X}\ninputs: {baseline: b.csv}\n"))
    assert config.study.design == "programme"
    assert config.inputs.mapping is None and config.inputs.result == []
    assert config.linking.threshold == 0.5 and config.linking.secret is None
    assert config.linking.secret_env == "IMPACT_LINK_SECRET"
    assert len(config.linking.code_elements) == 4
    assert config.analysis.confidence_level == 0.95
    assert config.analysis.targets == {"job_or_steps": 0.9, "expanded_network": 0.8}
    assert config.analysis.attrition_boundary == "cautious"
    assert config.analysis.ri_draws == 10000 and config.analysis.seed == 20231101
    assert config.report.languages == ["sv", "en"]
    assert config.report.formats == ["html", "docx", "pdf"]
    assert config.output == tmp_path / "output"
    assert config.inputs.files() == {"baseline": [tmp_path / "b.csv"]}


def test_mapping_given_as_relative_path(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "m.yaml").write_text("name: m\n")
    config = load_config(
        _write(tmp_path, "study: {name: X}\ninputs: {baseline: b.csv, mapping: maps/m.yaml}\n")
    )
    assert config.inputs.mapping == str(tmp_path / "maps" / "m.yaml")


def test_misspelt_key_is_named_with_a_suggestion(tmp_path):
    error = _problems(tmp_path, FULL.replace("  targets:", "  targts:"))
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.column == "analysis.targts"
    assert problem.source == str(tmp_path / "study.yaml")
    assert "unknown key; did you mean 'targets'?" in problem.expected
    assert "analysis.targts" in str(error) and "study.yaml" in str(error)


def test_every_problem_is_listed_at_once(tmp_path):
    text = (
        FULL.replace("  targets:", "  targts:")
        .replace("design: randomised", "design: randomized")
        .replace("languages: [sv, en]", "languages: [sv, de]")
        .replace("formats: [html, docx, pdf]", "formats: [html, odt]")
        .replace("confidence_level: 0.95", "confidence_level: 95")
        .replace("threshold: 0.9", "threshold: high")
        .replace('sheets: {baseline: "Blad1"}', 'sheets: {basline: "Blad1"}')
    )
    text += "outptu: x\n"
    error = _problems(tmp_path, text)
    keys = {p.column: p for p in error.problems}
    assert set(keys) == {
        "analysis.targts",
        "study.design",
        "report.languages[1]",
        "report.formats[1]",
        "analysis.confidence_level",
        "linking.threshold",
        "inputs.sheets.basline",
        "outptu",
    }
    assert "did you mean 'randomised'" in keys["study.design"].expected
    assert keys["study.design"].value == "randomized"
    assert "'sv' or 'en'" in keys["report.languages[1]"].expected
    assert "did you mean 'baseline'" in keys["inputs.sheets.basline"].expected
    assert "did you mean 'output'" in keys["outptu"].expected
    assert "less than 1" in keys["analysis.confidence_level"].expected


def test_targets_must_be_shares(tmp_path):
    error = _problems(tmp_path, FULL.replace("job_or_steps: 0.90", "job_or_steps: 90"))
    assert [p.column for p in error.problems] == ["analysis.targets.job_or_steps"]
    assert "less than or equal to 1" in error.problems[0].expected


def test_randomised_design_needs_randomisation_input(tmp_path):
    error = _problems(tmp_path, FULL.replace("  randomisation: raw/randomisering.csv\n", ""))
    assert [p.column for p in error.problems] == ["inputs.randomisation"]
    assert "because study.design is randomised" in error.problems[0].expected


def test_required_sections_and_keys(tmp_path):
    error = _problems(tmp_path, "study: {organisation: Belong}\n")
    assert {p.column for p in error.problems} == {"study.name", "inputs"}
    assert all("required" in p.expected for p in error.problems)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("study: {name: X\ninputs: []\n", "line 2, column"),
        ("study:\n  name: X\n   bad: indent\n", "line 3, column"),
    ],
)
def test_yaml_syntax_errors_name_line_and_column(tmp_path, text, needle):
    error = _problems(tmp_path, text)
    assert needle in str(error)
    assert error.problems[0].row is not None


def test_empty_missing_and_non_mapping_files(tmp_path):
    assert "a YAML mapping" in str(_problems(tmp_path, ""))
    assert "a YAML mapping" in str(_problems(tmp_path, "- a\n- b\n"))
    with pytest.raises(InputError, match="not found"):
        load_config(tmp_path / "missing.yaml")


def test_repeated_languages_and_empty_lists(tmp_path):
    error = _problems(tmp_path, FULL.replace("languages: [sv, en]", "languages: [sv, sv]"))
    assert "repeated: sv" in error.problems[0].expected
    error = _problems(tmp_path, FULL.replace("languages: [sv, en]", "languages: []"))
    assert error.problems[0].column == "report.languages"


def test_dump_round_trip(tmp_path):
    config = load_config(_write(tmp_path, FULL.replace("secret: null", "secret: s3cret")))
    assert "s3cret" not in repr(config)
    target = tmp_path / "copy" / "study.yaml"
    text = config.dump(target)
    assert yaml.safe_load(text)["inputs"]["baseline"] == ["../raw/baslinje.csv"]
    again = load_config(target)
    assert again.model_dump() == config.model_dump()
    assert again.linking.resolve_secret() == "s3cret"
    # without a path: absolute paths, still loadable
    other = _write(tmp_path, config.dump(), name="abs.yaml")
    assert load_config(other).model_dump() == config.model_dump()


def test_secret_from_environment(tmp_path, monkeypatch):
    config = load_config(_write(tmp_path, FULL))
    monkeypatch.setenv("IMPACT_LINK_SECRET", "from-env")
    assert config.linking.resolve_secret() == "from-env"
    monkeypatch.delenv("IMPACT_LINK_SECRET")
    assert config.linking.resolve_secret() is None


def test_models_forbid_extra_keys_in_code():
    with pytest.raises(ValueError, match="extra"):
        StudyConfig.model_validate(
            {"study": {"name": "x"}, "inputs": {"baseline": ["b.csv"]}, "foo": 1}
        )
