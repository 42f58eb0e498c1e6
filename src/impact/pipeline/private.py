"""Write the analyst-only outputs of a run: personal data that is never published.

Everything here is pseudonymised (no raw linking codes, no response ids, no free text) but is
still person-level or unsuppressed, so it stays with the evaluator.
"""

from __future__ import annotations

import logging
from pathlib import Path

from impact.escaping import inside, safe_filenames, write_csv
from impact.figures import save_figure
from impact.pipeline.analyse import StudyAnalyses
from impact.pipeline.prepare import PreparedStudy

logger = logging.getLogger(__name__)

README = """\
PRIVATE — personal data about programme participants. Do not publish or share.

panel.parquet        linked panel, one row per person (pseudonymised person_id)
indicators.parquet   indicator table (indicators plus the wave answers analyses read)
linking/             link report tables, pairs (pseudonymised record ids) and the
                     clerical-review list
outcomes/            unsuppressed outcome tables (project and rounds)
rct/, attrition/     full RCT and attrition tables (randomised studies)
timing/, register/   time to job and register comparison (when the data allow them)

Publishable outputs are in ../bundles and ../reports.
"""


def write_private(prepared: PreparedStudy, analyses: StudyAnalyses, directory: Path) -> Path:
    """Write the analyst-only tables of a run into ``directory``.

    Parameters
    ----------
    prepared : PreparedStudy
        Linked panel, indicator table and link result.
    analyses : StudyAnalyses
        The analyses whose full (unsuppressed) tables are kept for the analyst.
    directory : Path
        Target folder (inside the run's staging folder).
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "README.txt").write_text(README, encoding="utf-8")
    prepared.links.panel.to_parquet(directory / "panel.parquet", index=False)
    table = prepared.table.copy()
    table.attrs = {}
    table.to_parquet(directory / "indicators.parquet", index=False)

    linking = directory / "linking"
    linking.mkdir()
    report = prepared.links.report
    write_csv(report.waves, linking / "link_report.csv", index=False)
    write_csv(report.balance, linking / "link_balance.csv", index=False)
    write_csv(report.duplicates, linking / "duplicates.csv", index=False)
    write_csv(report.borderline, linking / "borderline_pairs.csv", index=False)
    write_csv(prepared.links.pairs, linking / "pairs.csv", index=False)
    save_figure(report.figure(), linking / "match_probabilities.png", ("png",), dpi=120)

    outcomes = directory / "outcomes"
    outcomes.mkdir()
    scopes = safe_filenames(analyses.outcomes)  # round labels come from the data
    for scope, result in analyses.outcomes.items():
        for name, frame in result.tables().items():
            target = inside(outcomes, outcomes / f"{name}_{scopes[str(scope)]}.csv")
            write_csv(frame, target, index=False)
    write_randomised_tables(analyses, directory)
    logger.info("wrote analyst-only tables to %s", directory)
    return directory


def write_randomised_tables(analyses: StudyAnalyses, directory: Path) -> None:
    """Write the full tables and figures of the randomised analyses that ran into
    ``directory``: ``rct/``, ``attrition/``, ``timing/`` and ``register/``."""
    if analyses.rct is not None:
        analyses.rct.write(directory / "rct")
    if analyses.attrition is not None:
        analyses.attrition.write(directory / "attrition")
    register = analyses.register
    if register is not None and register.timing is not None:
        register.timing.write(directory / "timing")
    if register is not None and register.comparison is not None:
        register.comparison.write(directory / "register")
