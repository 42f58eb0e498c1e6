"""Run a study end to end and write everything into one output folder, atomically.

Layout of the output folder::

    bundles/<name>/       results bundles (results.json, tables/*.csv, figures/*) — publishable
    reports/...           rendered reports (HTML, DOCX, PDF per language) — publishable
    private/              analyst-only, personal data: linked panel, indicator table, link
                          pairs and review list, unsuppressed analysis tables
    run_summary.csv       what was written

The folder appears (or replaces the previous one) only when everything succeeded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.config import StudyConfig, load_config
from impact.escaping import write_csv
from impact.outputs import atomic_directory
from impact.pipeline.analyse import StudyAnalyses, analyse_study
from impact.pipeline.bundles import write_bundles
from impact.pipeline.prepare import PreparedStudy, prepare_study, with_engine
from impact.pipeline.private import write_private
from impact.privacy import assert_private
from impact.report.api import render_all
from impact.results import Result

logger = logging.getLogger(__name__)


@dataclass
class RunSummary(Result):
    """What one run wrote.

    Attributes
    ----------
    out_dir : Path
        The output folder.
    bundles : dict of str → Path
        Results bundles by name (``project``, ``round-R01``, ``rct``, ``power``, ``codebook``).
    reports : DataFrame
        One row per rendered report: bundle, lang, format, path, renderer, ok, error.
    notes : list of str
        Analyses that were not possible and why.
    """

    out_dir: Path
    bundles: dict[str, Path] = field(default_factory=dict)
    reports: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    title = "Study run"

    def tidy(self) -> pd.DataFrame:
        """One row per report (or per bundle when nothing was rendered)."""
        if len(self.reports):
            return self.reports.copy()
        return pd.DataFrame(
            {"bundle": list(self.bundles), "path": [str(p) for p in self.bundles.values()]}
        )

    @property
    def failed(self) -> pd.DataFrame:
        """Reports that failed to render."""
        if not len(self.reports):
            return self.reports
        return self.reports[~self.reports["ok"]]


def relocate(path: str | Path, staging: Path, final: Path) -> str:
    """Where ``path`` (written under ``staging``) is once ``staging`` has become ``final``.

    Empty paths (reports that failed) stay empty; paths outside ``staging`` are unchanged.
    """
    if not str(path):
        return ""
    try:
        return str(final / Path(path).relative_to(staging))
    except ValueError:
        return str(path)


def run_study(
    config: StudyConfig | str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    render: bool = True,
    languages: list[str] | None = None,
    formats: list[str] | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    engine: str | None = None,
) -> RunSummary:
    """Validate, link, compute indicators, analyse, write bundles and render the reports.

    Parameters
    ----------
    config : StudyConfig or path
        The study file.
    out_dir : path, optional
        Output folder (default: the config's ``output``). Replaced atomically.
    render : bool
        Render the reports (otherwise only the bundles and private tables are written).
    languages, formats : list of str, optional
        Override the config's report languages / formats.
    workers : int
        Parallel rendering processes (``spawn``ed: a script that calls this with
        ``workers > 1`` needs the usual ``if __name__ == "__main__":`` guard; notebooks and
        the command line need nothing).
    progress : callable(done, total), optional
        Called as reports finish rendering (the CLI passes a progress bar).
    engine : {"pandas", "duckdb", "spark"}, optional
        Override the study file's ``engine`` (where linking, indicators and exact/CEM register
        matching run; the results are the same).

    Returns
    -------
    RunSummary
    """
    if not isinstance(config, StudyConfig):
        config = load_config(config)
    if engine is not None:
        config = with_engine(config, engine)
    final = Path(out_dir) if out_dir is not None else Path(config.output)
    prepared: PreparedStudy = prepare_study(config)
    analyses: StudyAnalyses = analyse_study(prepared)
    summary = RunSummary(out_dir=final, notes=list(analyses.notes))
    with atomic_directory(final) as staging:
        write_private(prepared, analyses, staging / "private")
        bundles = write_bundles(prepared, analyses, staging / "bundles")
        reports = pd.DataFrame()
        if render:
            batch = render_all(
                list(bundles.values()),
                langs=languages or list(config.report.languages),
                formats=formats or list(config.report.formats),
                out_dir=staging / "reports",
                workers=workers,
                progress=progress,
            )
            reports = _report_rows(batch.tidy())
        assert_private(
            [staging / "bundles", staging / "reports"],
            raw_codes=_raw_codes(prepared),
            response_ids=_response_ids(prepared),
            free_texts=_free_texts(prepared),
            threshold=config.analysis.suppression_threshold,
        )
        summary.bundles = {name: Path(relocate(p, staging, final)) for name, p in bundles.items()}
        if len(reports):
            reports["path"] = [relocate(p, staging, final) for p in reports["path"]]
        summary.reports = reports
        write_csv(summary.tidy(), staging / "run_summary.csv", index=False)
    return summary


def _report_rows(batch: pd.DataFrame) -> pd.DataFrame:
    """The batch renderer's table in the run summary's columns."""
    return pd.DataFrame(
        {
            "bundle": [Path(b).name for b in batch["bundle"]],
            "lang": batch["lang"],
            "format": batch["fmt"],
            "path": batch["output"],
            "renderer": batch["renderer"],
            "ok": batch["status"] == "ok",
            "error": batch["error"],
        }
    )


def _column_values(prepared: PreparedStudy, column: str) -> list[str]:
    values: set[str] = set()
    for frame in prepared.data.tables().values():
        if column in frame.columns:
            values.update(str(v) for v in frame[column].dropna().unique())
    return sorted(values)


def _raw_codes(prepared: PreparedStudy) -> list[str]:
    return _column_values(prepared, "link_code")


def _response_ids(prepared: PreparedStudy) -> list[str]:
    return _column_values(prepared, "response_id")


def _free_texts(prepared: PreparedStudy) -> list[str]:
    return _column_values(prepared, "comments")
