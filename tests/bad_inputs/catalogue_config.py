"""Catalogue cases for the study file and the mapping file (``impact validate``)."""

from __future__ import annotations

from bad_inputs.catalogue import Case
from bad_inputs.catalogue_ingest import validate
from bad_inputs.workspace import Workspace, edit_yaml


def _edit(ws: Workspace, change) -> list[str]:
    edit_yaml(ws.config(), change)
    return validate(ws)


def unknown_key(ws: Workspace) -> list[str]:
    """A misspelt key: ``analysis.targts``."""

    def change(doc: dict) -> None:
        doc["analysis"]["targts"] = doc["analysis"].pop("targets")

    return _edit(ws, change)


def yaml_syntax(ws: Workspace) -> list[str]:
    """A YAML syntax error (an unclosed bracket on line 3)."""
    ws.config().write_text(
        "study:\n  name: Demo\ninputs: {baseline: [raw/baslinje.csv\nanalysis:\n  seed: 1\n",
        encoding="utf-8",
    )
    return validate(ws)


def target_out_of_range(ws: Workspace) -> list[str]:
    """A target of 1.5 (targets are shares between 0 and 1)."""
    return _edit(ws, lambda doc: doc["analysis"]["targets"].__setitem__("job_or_steps", 1.5))


def randomised_without_list(ws: Workspace) -> list[str]:
    """``design: randomised`` without a randomisation list."""
    return _edit(ws, lambda doc: doc["study"].__setitem__("design", "randomised"))


def unknown_design(ws: Workspace) -> list[str]:
    """``design: rct`` (not one of programme / randomised)."""
    return _edit(ws, lambda doc: doc["study"].__setitem__("design", "rct"))


def bad_language(ws: Workspace) -> list[str]:
    """A report language the package has no texts for (``de``)."""
    return _edit(ws, lambda doc: doc["report"].__setitem__("languages", ["sv", "de"]))


def not_a_mapping(ws: Workspace) -> list[str]:
    """The study file is a YAML list, not a mapping."""
    ws.config().write_text("- study\n- inputs\n", encoding="utf-8")
    return validate(ws)


def missing_study_file(ws: Workspace) -> list[str]:
    """The study file given on the command line does not exist."""
    return ["validate", ws.root / "studie.yaml", "--out", ws.out]


def bad_threshold(ws: Workspace) -> list[str]:
    """``linking.threshold: 0`` (must be above 0 and at most 1)."""
    return _edit(ws, lambda doc: doc["linking"].__setitem__("threshold", 0))


def unknown_engine(ws: Workspace) -> list[str]:
    """``engine: polars`` and ``linking.blocking: fast`` (not engines / rule sets we have)."""

    def change(doc: dict) -> None:
        doc["engine"] = "polars"
        doc["linking"]["blocking"] = "fast"

    return _edit(ws, change)


def bad_code_elements(ws: Workspace) -> list[str]:
    """A code element of length 0 and an unknown kind."""
    return _edit(
        ws, lambda doc: doc["linking"].__setitem__("code_elements", [["letters", 0], ["runes", 2]])
    )


def confidence_out_of_range(ws: Workspace) -> list[str]:
    """``analysis.confidence_level: 95`` (a share was meant: 0.95)."""
    return _edit(ws, lambda doc: doc["analysis"].__setitem__("confidence_level", 95))


def _edit_mapping(ws: Workspace, change) -> list[str]:
    edit_yaml(ws.study() / "mapping_belong_sv.yaml", change)
    return validate(ws)


def mapping_bad_code(ws: Workspace) -> list[str]:
    """The mapping maps an education label to level 6 (levels are 1–5)."""
    return _edit_mapping(
        ws, lambda doc: doc["values"]["education_level"].__setitem__("Gymnasium", 6)
    )


def mapping_unknown_field(ws: Workspace) -> list[str]:
    """The mapping maps a header onto a field that does not exist."""
    return _edit_mapping(
        ws, lambda doc: doc["columns"]["baseline"].__setitem__("Favoritfärg", "favourite_colour")
    )


def mapping_conflicting_label(ws: Workspace) -> list[str]:
    """One label given two codes ('ja' and 'Ja' differ only in case; labels ignore case)."""

    def change(doc: dict) -> None:
        doc["values"]["employment"]["ja, heltid"] = "part_time"

    return _edit_mapping(ws, change)


def mapping_missing(ws: Workspace) -> list[str]:
    """``inputs.mapping`` names a mapping that is neither a file nor bundled."""
    edit_yaml(ws.config(), lambda doc: doc["inputs"].__setitem__("mapping", "belong_se"))
    return validate(ws)


CASES = [
    Case(
        "config-unknown-key",
        "config",
        "a misspelt key (analysis.targts)",
        unknown_key,
        expect=("study.yaml", "analysis.targts", "did you mean 'targets'"),
        fix="correct the spelling of the key, or delete it",
    ),
    Case(
        "config-yaml-syntax",
        "config",
        "a YAML syntax error",
        yaml_syntax,
        expect=("study.yaml", "line"),
        fix="correct the line named",
    ),
    Case(
        "config-target-out-of-range",
        "config",
        "a target of 1.5",
        target_out_of_range,
        expect=("study.yaml", "analysis.targets.job_or_steps", "1"),
        fix="change the value to one within the limit",
    ),
    Case(
        "config-randomised-without-list",
        "config",
        "design randomised without a randomisation list",
        randomised_without_list,
        expect=("study.yaml", "inputs.randomisation"),
        fix="or set study.design: programme",
    ),
    Case(
        "config-unknown-design",
        "config",
        "design 'rct'",
        unknown_design,
        expect=("study.yaml", "study.design", "programme", "randomised"),
        fix="write one of the values listed",
    ),
    Case(
        "config-bad-language",
        "config",
        "report language 'de'",
        bad_language,
        expect=("study.yaml", "report.languages", "'sv'", "'en'"),
        fix="write one of the values listed",
    ),
    Case(
        "config-not-a-mapping",
        "config",
        "the study file is a YAML list",
        not_a_mapping,
        expect=("study.yaml", "a YAML mapping"),
        fix="impact synth programme --out example",
    ),
    Case(
        "config-file-missing",
        "config",
        "the study file does not exist",
        missing_study_file,
        expect=("studie.yaml",),
        fix="check the path (relative paths are read from the current folder)",
    ),
    Case(
        "config-threshold-zero",
        "config",
        "linking threshold 0",
        bad_threshold,
        expect=("study.yaml", "linking.threshold", "greater than 0"),
        fix="change the value to one within the limit",
    ),
    Case(
        "config-unknown-engine",
        "config",
        "engine 'polars' and blocking 'fast'",
        unknown_engine,
        expect=("study.yaml", "engine", "duckdb", "spark", "linking.blocking", "linear"),
        fix="write one of the values listed",
    ),
    Case(
        "config-bad-code-elements",
        "config",
        "a code element of length 0 and kind 'runes'",
        bad_code_elements,
        expect=("study.yaml", "linking.code_elements", "runes", "letters"),
        fix="write one of the values listed",
    ),
    Case(
        "config-confidence-95",
        "config",
        "confidence level 95 instead of 0.95",
        confidence_out_of_range,
        expect=("study.yaml", "analysis.confidence_level", "less than 1"),
        fix="give a proportion, not a percentage (e.g. 0.95 for 95 %)",
    ),
    Case(
        "mapping-bad-code",
        "config",
        "the mapping maps a label to education level 6",
        mapping_bad_code,
        expect=("mapping_belong_sv.yaml", "education_level", "6"),
        fix="map the label to one of the codes of education_level",
    ),
    Case(
        "mapping-unknown-field",
        "config",
        "the mapping targets a field that does not exist",
        mapping_unknown_field,
        expect=("mapping_belong_sv.yaml", "favourite_colour"),
        fix="write a field name from data_schema/",
    ),
    Case(
        "mapping-conflicting-label",
        "config",
        "one label (ignoring case) given two different codes",
        mapping_conflicting_label,
        expect=("mapping_belong_sv.yaml", "values.employment.ja, heltid", "full_time"),
        fix="keep one of the two entries",
    ),
    Case(
        "mapping-not-found",
        "config",
        "inputs.mapping names no file and no bundled mapping",
        mapping_missing,
        expect=("belong_se", "belong_sv"),
        fix="correct inputs.mapping in the study file",
    ),
]
