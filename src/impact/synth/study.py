"""The :class:`SyntheticStudy` object: canonical tables, truth, and writing a ready study folder.

``study.write(directory)`` lays out a folder that ``impact run`` can read directly::

    study.yaml                  the study config (shared format)
    mapping_belong_sv.yaml      a copy of the mapping the raw files follow
    raw/baslinje.csv            survey exports (raw kind), or canonical/<table>.csv
    raw/uppfoljning_1.csv …     one file per follow-up (randomised studies)
    raw/resultat.csv
    raw/randomisering.csv       randomised studies
    register/personer.csv       when a register extract is attached
    register/manader.csv
    truth/…                     the known truth — never an input of the analysis
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, get_args

import pandas as pd
import yaml

from impact.errors import ImpactError
from impact.results import Result
from impact.synth.exports import ExportKind, write_table
from impact.synth.labels import MAPPING_NAME, mapping_path

Design = Literal["programme", "randomised"]

RAW_NAMES = {
    "baseline": "raw/baslinje.csv",
    "result": "raw/resultat.csv",
    "randomisation": "raw/randomisering.csv",
    "register_persons": "register/personer.csv",
    "register_months": "register/manader.csv",
}
#: The planned design of the demo's randomised study (``power:``): the plan the demo printed
#: before the study file declared it — 500 randomised in two equal arms, 30 % attrition,
#: R² 0, 0.1 and 0.2, and as control rates the published outcome rates of Jobbsteget
#: Tillsammans (seed 001; :data:`impact.analysis.power.planning.PROGRAMME_RATES`).
DEMO_POWER: dict = {
    "n_total": 500,
    "ratio": 1.0,
    "control_rates": {"got_job": 0.29, "took_steps": 0.49, "job_or_steps": 0.79,
                      "expanded_network": 0.74},
    "alpha": 0.05,
    "power": 0.8,
    "r2": [0.0, 0.1, 0.2],
    "attrition": 0.3,
    "method": "unpooled",
    # for the design diagnosis (`impact power diagnose --study`): an effect of taking part
    # worth finding (10 pp), and the take-up and crossover the randomised demo shows (about
    # 73 % of those offered started, about 5 % of controls did)
    "effect_pp": 10.0,
    "take_up": 0.73,
    "crossover": 0.05,
}  # fmt: skip

#: The demo's programme costs (``costs:``). The source documents give no amounts: Belong's
#: report calls mentoring "ett kostnadseffektivt sätt" (seed 001, line 268; the handbook,
#: seed 000, line 129, says the same) and names the funder (EU AMIF), but no budget. The
#: figure is therefore an illustrative assumption of the order of an AMIF-funded mentoring
#: project (about 9 million SEK for 500 participants over three years, mostly staff for
#: matching, workshops and follow-up; mentors are volunteers): 18,000 SEK per participant at
#: 2025 prices.
DEMO_COSTS: dict = {"per_participant": 18000, "currency": "SEK", "price_year": 2025}
COSTS_NOTE = (
    "# costs: illustrative — the source documents (seeds 000, 001) give no budget amounts;\n"
    "# 18,000 SEK per participant is an assumed figure for an AMIF-funded mentoring project.\n"
)

RCT_OUTCOMES = [
    "got_job",
    "took_steps",
    "job_or_steps",
    "expanded_network",
    "learned_social_codes",
    "improved_cv",
    "got_reference",
    "more_interviews",
    "improved_professional_swedish",
    "got_internship",
    "started_relevant_education",
]


def _check_kind(kind: str) -> None:
    if kind not in get_args(ExportKind):
        raise ImpactError(f"unknown export kind {kind!r}; expected 'raw' or 'canonical'")


@dataclass
class SyntheticStudy(Result):
    """A simulated study: the canonical input tables and the truth behind them.

    Attributes
    ----------
    name : str
        Study name used in the config.
    design : {"programme", "randomised"}
        Study design.
    tables : dict of str to pandas.DataFrame
        Canonical tables (``baseline``, ``followup`` with ``followup_number``, ``result``,
        ``randomisation``, ``register_persons``, ``register_months``), dtypes as after ingest.
    truth : dict of str to pandas.DataFrame
        ``persons`` (one row per true person), ``responses`` (whose each response is), and for
        randomised studies ``effects`` and ``potential_outcomes``; register extracts add
        ``register_effects`` and ``register_twins``.
    params : dict
        Every generation parameter (written to ``truth/params.json``).
    """

    name: str
    design: Design
    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    params: dict = field(default_factory=dict)
    title: str = "Synthetic study"

    def tidy(self) -> pd.DataFrame:
        """Return one row per table: ``part`` (input/truth), ``table``, ``rows``, ``columns``."""
        rows = [("input", k, len(v), v.shape[1]) for k, v in self.tables.items()]
        rows += [("truth", k, len(v), v.shape[1]) for k, v in self.truth.items()]
        return pd.DataFrame(rows, columns=["part", "table", "rows", "columns"])

    def with_register(self, extract: RegisterExtract) -> SyntheticStudy:
        """Return a copy with a register extract's tables and truth attached."""
        return replace(
            self,
            tables={**self.tables, **extract.tables},
            truth={**self.truth, **extract.truth},
            params={**self.params, "register": extract.params},
        )

    def input_files(self, kind: ExportKind = "raw") -> dict[str, str | list[str]]:
        """Return ``{table: relative path(s)}`` of the input files :meth:`write` creates."""
        _check_kind(kind)
        files: dict[str, str | list[str]] = {}
        for table, frame in self.tables.items():
            if table == "followup":
                numbers = sorted(int(k) for k in frame["followup_number"].dropna().unique())
                stem = "raw/uppfoljning_{}.csv" if kind == "raw" else "canonical/followup_{}.csv"
                files[table] = [stem.format(k) for k in numbers]
            elif kind == "raw" or table.startswith("register"):
                files[table] = RAW_NAMES[table]
            else:
                files[table] = f"canonical/{table}.csv"
        return files

    def config(self, kind: ExportKind = "raw") -> dict:
        """Return the study config (shared format) for the files :meth:`write` creates."""
        files = self.input_files(kind)
        inputs: dict = {"mapping": f"mapping_{MAPPING_NAME}.yaml" if kind == "raw" else None}
        for table in ("baseline", "followup", "result", "randomisation"):
            if table in files:
                inputs[table] = files[table]
        for table in ("register_persons", "register_months"):
            if table in files:
                inputs[table] = files[table]
        noise = self.params.get("noise", {})
        analysis: dict = {
            "covariates": ["age", "education_level", "years_in_sweden"],
            "groups": ["round_id"],
            "targets": {"job_or_steps": 0.90, "expanded_network": 0.80},
            "confidence_level": 0.95,
            "suppression_threshold": 5,
        }
        if self.design == "randomised":
            analysis["outcomes"] = list(RCT_OUTCOMES)
            analysis["attrition_boundary"] = "cautious"
            analysis["attrition_tighten_by"] = "stratum"
            analysis["ri_draws"] = 10000
        analysis["seed"] = int(self.params.get("seed", 20231101))
        declared = {"costs": dict(DEMO_COSTS)}
        if self.design == "randomised":
            declared = {"power": dict(DEMO_POWER), **declared}
        return {
            "study": {"name": self.name, "organisation": "Belong", "design": self.design},
            "inputs": inputs,
            "linking": {
                "secret_env": "IMPACT_LINK_SECRET",
                "secret": "synthetic-demo-secret-not-for-real-data",
                "threshold": 0.5,
                "code_elements": noise.get(
                    "elements", [["letters", 2], ["digits", 2], ["letters", 2], ["digits", 1]]
                ),
            },
            "indicators": {
                "definitions": None,
                "params": {
                    "min_extra_interviews": int(self.params.get("min_extra_interviews", 2)),
                    "min_small_steps": int(self.params.get("min_small_steps", 5)),
                },
            },
            "analysis": analysis,
            "report": {
                "languages": ["sv", "en"],
                "formats": ["html", "docx", "pdf"],
                "per_round": True,
            },
            **declared,
            "output": "output",
        }

    def write(self, directory: str | Path, kind: ExportKind = "raw") -> Path:
        """Write inputs, mapping copy, ``study.yaml`` and truth into ``directory``.

        Parameters
        ----------
        directory : path
            Target folder (created; existing files with the same names are overwritten).
            Use :class:`impact.outputs.OutputFolder` around this for safe, atomic output.
        kind : {"raw", "canonical"}
            Organisation-style exports through ``belong_sv.yaml``, or canonical CSV.

        Returns
        -------
        Path
            The study config file written.
        """
        _check_kind(kind)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        files = self.input_files(kind)
        for table, frame in self.tables.items():
            if table == "followup":
                for rel in files[table]:
                    number = int(Path(rel).stem.rsplit("_", 1)[1])
                    part = frame[frame["followup_number"] == number].reset_index(drop=True)
                    write_table(part, directory / rel, table, kind)
            else:
                write_table(frame, directory / files[table], table, kind)
        if kind == "raw":
            shutil.copyfile(mapping_path(), directory / f"mapping_{MAPPING_NAME}.yaml")
        write_truth(self.truth, self.params, directory / "truth")
        config_path = directory / "study.yaml"
        header = (
            "# Synthetic study written by `impact synth`: every file under truth/ is the known\n"
            "# truth for checking methods and is never read as input.\n" + COSTS_NOTE
        )
        body = yaml.safe_dump(self.config(kind), sort_keys=False, allow_unicode=True)
        config_path.write_text(header + body, encoding="utf-8")
        return config_path


@dataclass
class RegisterExtract(Result):
    """A simulated register extract (persons and monthly employment) with the true effect.

    Attributes
    ----------
    tables : dict
        ``register_persons`` and ``register_months`` (canonical dtypes).
    truth : dict
        ``register_effects`` (true effect on the treated by month) and ``register_twins``
        (which external people were drawn as comparable to which intervention member).
    params : dict
        Generation parameters.
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    params: dict = field(default_factory=dict)
    title: str = "Synthetic register extract"

    def tidy(self) -> pd.DataFrame:
        """Return one row per table: ``part``, ``table``, ``rows``, ``columns``."""
        rows = [("input", k, len(v), v.shape[1]) for k, v in self.tables.items()]
        rows += [("truth", k, len(v), v.shape[1]) for k, v in self.truth.items()]
        return pd.DataFrame(rows, columns=["part", "table", "rows", "columns"])

    def write(self, directory: str | Path) -> Path:
        """Write ``register/personer.csv``, ``register/manader.csv`` and the truth; return dir."""
        directory = Path(directory)
        for table, frame in self.tables.items():
            write_table(frame, directory / RAW_NAMES[table], table, "canonical")
        write_truth(self.truth, {"register": self.params}, directory / "truth")
        return directory


def write_truth(truth: dict[str, pd.DataFrame], params: dict, directory: Path) -> None:
    """Write every truth table as UTF-8 CSV and the parameters as JSON into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in truth.items():
        (directory / f"{name}.csv").write_bytes(
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        )
    text = json.dumps(params, indent=2, sort_keys=True, ensure_ascii=False, default=list)
    (directory / "params.json").write_text(text + "\n", encoding="utf-8")
