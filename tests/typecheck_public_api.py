"""The public API as a user's strictly typed code sees it: checked by mypy, never run.

Listed in ``[tool.mypy] files`` (``pyproject.toml``); ``tests/test_docs_site.py`` runs mypy.
Each verb's result must type as a :class:`~impact.results.Result`, and a name the face does not
list must be an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import impact
from impact import report
from impact.results import Result

if TYPE_CHECKING:
    import pandas as pd


def results_of_every_namespace(table: pd.DataFrame) -> list[Result]:
    """One verb of each namespace; mypy checks that each returns a Result."""
    return [
        impact.load_study("study.yaml"),
        impact.ingest.validate_study("study.yaml"),
        impact.link.link_study(table, secret="a key"),
        impact.indicators.compute_indicators(table),
        impact.outcomes.indicator_shares(table, ["got_job"], by="gender"),
        impact.rct.itt(table, ["got_job"]),
        impact.attrition.attrition_rates(table),
        impact.power.mde(73, 78, control_rate=0.30),
        impact.timing.time_to_job(table),
        impact.timing.competing_risks(table, left_month="left_month"),
        impact.timing.interval_censored(table, distributions=("weibull",)),
        impact.matching.match_persons(table),
        report.render_report("bundle", lang="sv", fmt="html", out_dir="out"),
        impact.synth.programme_study(seed=1),
    ]


def internal_names_are_not_attributes() -> None:
    """The face has no catch-all attribute: an unlisted name is a type error."""
    impact.link_at_scale  # type: ignore[attr-defined]  # noqa: B018
    report.bundle_writer  # type: ignore[attr-defined]  # noqa: B018
