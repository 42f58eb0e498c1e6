"""Run a study end to end and write everything into one output folder, atomically.

Layout of the output folder::

    bundles/<name>/       results bundles (results.json, tables/*.csv, figures/*) — publishable
    reports/...           rendered reports (HTML, DOCX, PDF per language) — publishable
    private/              analyst-only, personal data: linked panel, indicator table, link
                          pairs and review list, unsuppressed analysis tables
    run_summary.csv       what was written

The new files appear (replacing the previous run's) only when everything succeeded, and only
files impact wrote are ever replaced (the output contract, :mod:`impact.outputs.folder`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.escaping import write_csv
from impact.ingest.config import StudyConfig, load_config
from impact.outputs import OutputFolder
from impact.pipeline.analyse import StudyAnalyses, analyse_study
from impact.pipeline.bundles import write_bundles
from impact.pipeline.forbidden import forbidden_values
from impact.pipeline.prepare import PreparedStudy, prepare_study, with_engine
from impact.pipeline.private import write_private
from impact.privacy import PrivacyReport, assert_private
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
    privacy : PrivacyReport or None
        The privacy scan of the published folders (a run whose scan fails raises
        :class:`~impact.privacy.PrivacyError` instead of returning).
    """

    out_dir: Path
    bundles: dict[str, Path] = field(default_factory=dict)
    reports: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    privacy: PrivacyReport | None = None
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
        Output folder (default: the config's ``output``): new, empty or written by impact
        before; checked before any work, locked during the run, replaced as a whole on success.
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
    folder = OutputFolder(
        final,
        inputs=config.input_paths(),
        command=f"run_study({str(config.source or config.study.name)!r})",
        study=config.study.name,
    )
    with folder:
        summary = write_run(
            config,
            folder.staging,
            final,
            render=render,
            languages=languages,
            formats=formats,
            workers=workers,
            progress=progress,
        )
    return summary


def write_run(
    config: StudyConfig,
    staging: Path,
    final: Path,
    *,
    render: bool = True,
    languages: list[str] | None = None,
    formats: list[str] | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Run the study and write every output into ``staging`` (an empty folder that will become
    ``final``); paths in the returned summary are under ``final``. :func:`run_study` calls this
    inside the output contract; the demo calls it for each study of its one folder."""
    logger.info("preparing the study (validate, link, indicators)")
    prepared: PreparedStudy = prepare_study(config)
    logger.info("analysing")
    analyses: StudyAnalyses = analyse_study(prepared)
    summary = RunSummary(out_dir=final, notes=list(analyses.notes))
    staging.mkdir(parents=True, exist_ok=True)
    logger.info("writing the analyst-only tables and the results bundles")
    write_private(prepared, analyses, staging / "private")
    bundles = write_bundles(prepared, analyses, staging / "bundles")
    reports = pd.DataFrame()
    if render:
        logger.info("rendering the reports")
        batch = render_all(
            list(bundles.values()),
            langs=languages or list(config.report.languages),
            formats=formats or list(config.report.formats),
            out_dir=staging / "reports",
            workers=workers,
            progress=progress,
        )
        reports = _report_rows(batch.tidy())
    logger.info("checking the publishable outputs for personal data")
    summary.privacy = assert_private(
        [staging / "bundles", staging / "reports"],
        threshold=config.analysis.suppression_threshold,
        **forbidden_values(prepared.data),
    )
    summary.bundles = {name: Path(relocate(p, staging, final)) for name, p in bundles.items()}
    if len(reports):
        reports["path"] = [relocate(p, staging, final) for p in reports["path"]]
    summary.reports = reports
    write_csv(summary.tidy(), staging / "run_summary.csv", index=False)
    logger.info("putting the output in place")
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
