"""The whole chain for a study file: ingest → link → indicators → analyses → bundles → reports.

Public entry points (the work happens in the submodules):

* :func:`prepare_study` — config → validated tables, linked panel and indicator table;
* :func:`analyse_study` — prepared study → every analysis the design calls for;
* :func:`run_study` — the two above, then results bundles and rendered reports on disk;
* :func:`run_demo` — synthetic demo studies through :func:`run_study`.
"""

from impact.pipeline.analyse import StudyAnalyses, analyse_study
from impact.pipeline.demo import run_demo
from impact.pipeline.prepare import PreparedStudy, prepare_study
from impact.pipeline.run import RunSummary, run_study

__all__ = [
    "PreparedStudy",
    "RunSummary",
    "StudyAnalyses",
    "analyse_study",
    "prepare_study",
    "run_demo",
    "run_study",
]
