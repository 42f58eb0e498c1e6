"""The study file: one YAML file describing a study's inputs, linking, analysis and report.

:func:`load_config` reads it into a validated :class:`StudyConfig`. Unknown keys are errors
(with a "did you mean" suggestion), relative paths are resolved against the config file's
folder, and every problem is reported at once in one :class:`~impact.errors.InputError`
naming the dotted key (``analysis.targets.job_or_steps``), the file and what was expected.
See ``docs/ingest.md`` for the full reference.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    field_serializer,
    field_validator,
    model_validator,
)

from impact.ingest.config_costs import CostsConfig
from impact.ingest.config_power import PowerConfig
from impact.ingest.schema import TABLES, TableName
from impact.ingest.yamlfile import load_yaml, validated_model

__all__ = [
    "AnalysisConfig",
    "CostsConfig",
    "IndicatorsConfig",
    "InputsConfig",
    "LinkingConfig",
    "RandomisationConfig",
    "PowerConfig",
    "ReportConfig",
    "StudyConfig",
    "StudySection",
    "load_config",
]

TableKey = TableName
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _as_list(value: Any) -> Any:
    """One path or a list of paths → a list (``None`` → empty)."""
    if value is None:
        return []
    if isinstance(value, str | os.PathLike):
        return [value]
    return value


class StudySection(_Strict):
    """What the study is: ``study:``."""

    name: str = Field(min_length=1)
    organisation: str = ""
    design: Literal["programme", "randomised"] = "programme"


class InputsConfig(_Strict):
    """Where the data are: ``inputs:`` (paths relative to the config file)."""

    mapping: str | None = None
    baseline: list[Path] = Field(min_length=1)
    followup: list[Path] = []
    result: list[Path] = []
    randomisation: list[Path] = []
    register_persons: list[Path] = []
    register_months: list[Path] = []
    sheets: dict[TableKey, str] = {}

    @field_validator(*TABLES, mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _as_list(value)

    def files(self) -> dict[str, list[Path]]:
        """``{table: [paths]}`` for every table with at least one input file."""
        return {t: list(getattr(self, t)) for t in TABLES if getattr(self, t)}


DEFAULT_CODE_ELEMENTS: list[tuple[Literal["letters", "digits"], int]] = [
    ("letters", 2),
    ("digits", 2),
    ("letters", 2),
    ("digits", 1),
]


class LinkingConfig(_Strict):
    """How waves are linked: ``linking:``."""

    secret_env: str = "IMPACT_LINK_SECRET"
    secret: SecretStr | None = None
    threshold: float = Field(0.5, gt=0.0, le=1.0)  # chosen on synthetic truth: docs/linking.md
    blocking: Literal["thorough", "linear"] = "thorough"
    code_elements: list[tuple[Literal["letters", "digits"], Annotated[int, Field(ge=1)]]] = Field(
        default_factory=lambda: list(DEFAULT_CODE_ELEMENTS), min_length=1
    )

    @field_serializer("secret")
    def _reveal(self, secret: SecretStr | None) -> str | None:
        return secret.get_secret_value() if secret is not None else None

    def resolve_secret(self) -> str | None:
        """The HMAC key: ``secret`` if given, else the environment variable (None if unset)."""
        if self.secret is not None:
            return self.secret.get_secret_value()
        return os.environ.get(self.secret_env) or None


class IndicatorsConfig(_Strict):
    """Indicator definitions and parameters: ``indicators:``."""

    definitions: Path | None = None
    params: dict[str, bool | int | float | str] = {}


DEFAULT_OUTCOMES = ["got_job", "took_steps", "job_or_steps", "expanded_network"]


class AnalysisConfig(_Strict):
    """Analysis choices: ``analysis:``."""

    covariates: list[str] = Field(
        default_factory=lambda: ["age", "education_level", "years_in_sweden"]
    )
    groups: list[str] = Field(default_factory=lambda: ["round_id"])
    targets: dict[str, Share] = Field(
        default_factory=lambda: {"job_or_steps": 0.90, "expanded_network": 0.80}
    )
    confidence_level: float = Field(0.95, gt=0.0, lt=1.0)
    suppression_threshold: int = Field(5, ge=0)
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES), min_length=1)
    attrition_boundary: Literal["cautious", "optimistic"] = "cautious"
    attrition_tighten_by: str | None = None  # a discrete covariate known for everyone
    ri_draws: int = Field(10000, ge=100)
    attrition_bootstrap: int = Field(500, ge=50)
    attrition_permutations: int = Field(10000, ge=100)
    seed: int = 20231101


class RandomisationConfig(_Strict):
    """How the study randomised: ``randomisation:`` (see ``docs/ingest.md`` and ``docs/rct.md``).

    ``procedure`` follows randomizr: ``complete`` (exactly round(N·p) of all N people treated;
    when N·p is not whole, the floor or the ceiling), ``blocked`` (the same in every block),
    ``clustered`` (whole clusters), ``blocked_and_clustered`` (whole clusters within blocks).
    ``probability: null`` keeps the observed number treated per block (no count check).
    """

    procedure: Literal["complete", "blocked", "clustered", "blocked_and_clustered"] = "blocked"
    blocks: str | None = Field("stratum", min_length=1)
    clusters: str | None = Field(None, min_length=1)
    probability: float | None = Field(0.5, gt=0.0, lt=1.0)
    block_probabilities: dict[str, Annotated[float, Field(gt=0.0, lt=1.0)]] = {}

    @model_validator(mode="after")
    def _columns_for_procedure(self) -> RandomisationConfig:
        if self.procedure.startswith("blocked") and not self.blocks:
            raise ValueError(
                f"randomisation.blocks: a block column, because procedure is {self.procedure}; "
                "fix: name the block (stratum) column, or use procedure: complete / clustered"
            )
        if "clustered" in self.procedure and not self.clusters:
            raise ValueError(
                f"randomisation.clusters: a cluster column, because procedure is "
                f"{self.procedure}; fix: name the cluster column (e.g. clusters: cluster), or "
                "use procedure: complete / blocked"
            )
        if self.block_probabilities and not self.procedure.startswith("blocked"):
            raise ValueError(
                "randomisation.block_probabilities: only for blocked procedures; fix: use "
                "probability, or procedure: blocked / blocked_and_clustered"
            )
        return self


class ReportConfig(_Strict):
    """Report languages and formats: ``report:``."""

    languages: list[Literal["sv", "en"]] = Field(default_factory=lambda: ["sv", "en"], min_length=1)
    formats: list[Literal["html", "docx", "pdf"]] = Field(
        default_factory=lambda: ["html", "docx", "pdf"], min_length=1
    )
    per_round: bool = True

    @field_validator("languages", "formats")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        repeated = sorted({v for v in value if value.count(v) > 1})
        if repeated:
            raise ValueError(f"each entry once; repeated: {', '.join(repeated)}")
        return value


class StudyConfig(_Strict):
    """A whole study file.

    Attributes
    ----------
    study, inputs, linking, indicators, analysis, report
        The sections (see ``docs/ingest.md``); all but ``study`` and ``inputs`` have defaults.
    randomisation : RandomisationConfig or None
        The declared randomisation procedure of a randomised study (None: blocked by stratum,
        keeping the observed numbers treated per stratum).
    power, costs : PowerConfig, CostsConfig or None
        The planned randomised design and the programme's costs, when the study declares
        them (:mod:`impact.ingest.config_power`, :mod:`impact.ingest.config_costs`).
    output : Path
        Default output directory.
    engine : {"pandas", "duckdb", "spark"}
        Where linking, indicators and exact/CEM register matching run (``docs/scale.md``):
        ``pandas`` in memory (default, small studies), ``duckdb`` in an embedded database,
        ``spark`` on Apache Spark (needs pyspark and Java). Results are the same.
    """

    study: StudySection
    inputs: InputsConfig
    linking: LinkingConfig = Field(default_factory=LinkingConfig)
    indicators: IndicatorsConfig = Field(default_factory=IndicatorsConfig)
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    randomisation: RandomisationConfig | None = None
    power: PowerConfig | None = None
    costs: CostsConfig | None = None
    output: Path = Path("output")
    engine: Literal["pandas", "duckdb", "spark"] = "pandas"

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("engine", mode="before")
    @classmethod
    def _engine_name(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _design_needs_randomisation(self) -> StudyConfig:
        if self.study.design == "randomised" and not self.inputs.randomisation:
            raise ValueError(
                "inputs.randomisation: a randomisation list, because study.design is randomised"
                "; fix: name the randomisation list file under inputs.randomisation, or set "
                "study.design: programme"
            )
        return self

    @property
    def source(self) -> Path | None:
        """The file this config was read from (None when built in code)."""
        return self._source

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths are resolved against."""
        return self._source.parent if self._source is not None else Path.cwd()

    def input_paths(self) -> list[Path]:
        """Every file the study reads: the study file, each export, the mapping file and the
        indicator definitions (an output folder may not be, contain or sit inside any)."""
        paths = [path for files in self.inputs.files().values() for path in files]
        if self._source is not None:
            paths.append(self._source)
        mapping = self.inputs.mapping
        if mapping is not None and Path(mapping).is_absolute():
            paths.append(Path(mapping))
        if self.indicators.definitions is not None:
            paths.append(self.indicators.definitions)
        return paths

    def resolved(self, base: str | os.PathLike[str]) -> StudyConfig:
        """Return a copy with every relative path made absolute against ``base``."""
        base = Path(base)
        data = self.model_dump(mode="python")
        for table, paths in data["inputs"].items():
            if isinstance(paths, list) and table != "sheets":
                data["inputs"][table] = [_absolute(base, p) for p in paths]
        data["inputs"]["mapping"] = _mapping_ref(base, data["inputs"]["mapping"])
        if data["indicators"]["definitions"] is not None:
            data["indicators"]["definitions"] = _absolute(base, data["indicators"]["definitions"])
        data["output"] = _absolute(base, data["output"])
        out = StudyConfig.model_validate(data)
        out._source = self._source
        return out

    def dump(self, path: str | os.PathLike[str] | None = None) -> str:
        """Write the config as YAML; paths are written relative to the file's folder.

        Parameters
        ----------
        path : path, optional
            Where to write. Without it the YAML text is only returned (absolute paths).

        Returns
        -------
        str
            The YAML text.
        """
        data = self.model_dump(mode="json")
        if path is not None:
            base = Path(path).resolve().parent
            for table, paths in data["inputs"].items():
                if isinstance(paths, list) and table != "sheets":
                    data["inputs"][table] = [_relative(base, p) for p in paths]
            mapping = data["inputs"]["mapping"]
            if mapping is not None and Path(mapping).is_absolute():
                data["inputs"]["mapping"] = _relative(base, mapping)
            if data["indicators"]["definitions"] is not None:
                data["indicators"]["definitions"] = _relative(
                    base, data["indicators"]["definitions"]
                )
            data["output"] = _relative(base, data["output"])
        data["linking"]["code_elements"] = [list(e) for e in data["linking"]["code_elements"]]
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        if path is not None:
            from impact.outputs import atomic_file

            with atomic_file(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        return text


def _absolute(base: Path, value: str | os.PathLike[str]) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _relative(base: Path, value: str) -> str:
    try:
        return os.path.relpath(value, base)
    except ValueError:  # another drive on Windows
        return str(value)


def _mapping_ref(base: Path, value: str | None) -> str | None:
    """A mapping path relative to the config becomes absolute; a bundled name stays a name."""
    if value is None:
        return None
    candidate = _absolute(base, value)
    looks_like_path = any(sep in value for sep in "/\\") or value.endswith((".yaml", ".yml"))
    if candidate.is_file() or looks_like_path:
        return str(candidate)
    return value


def load_config(path: str | os.PathLike[str]) -> StudyConfig:
    """Read and validate a study config file.

    Parameters
    ----------
    path : path
        The YAML study file.

    Returns
    -------
    StudyConfig
        With every relative path resolved against the file's folder.

    Raises
    ------
    InputError
        Listing every problem (dotted key, file, what was expected); YAML syntax errors name
        the line and column.
    """
    path = Path(path).resolve()
    source = str(path)
    config = validated_model(
        load_yaml(path, what="study config"),
        StudyConfig,
        title=f"Study config {path.name} is not valid",
        source=source,
        expected="a YAML mapping with the sections study, inputs, analysis, ...",
        fix="start from the example that `impact synth programme --out example` "
        "writes (example/study.yaml)",
    )
    config._source = path
    resolved = config.resolved(path.parent)
    return resolved
