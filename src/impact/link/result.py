"""The object :func:`impact.link.link_study` returns: panel, pairs and link report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from impact.escaping import write_csv
from impact.figures import save_figure
from impact.link.report import LinkReport
from impact.outputs import result_folder
from impact.results import Result


@dataclass
class LinkResult(Result):
    """Linked panel, the pairs behind it and the link report.

    Attributes
    ----------
    panel : pandas.DataFrame
        One row per person (contract: "Linked panel" in ``docs/architecture.md``).
    pairs : pandas.DataFrame
        One row per linked wave record: ``wave``, ``spine_wave`` (wave of the person's first
        record), ``person_id``, ``record``/``spine_record`` (pseudonymised response ids),
        ``stage`` (``study_id``, ``exact``, ``splink``), ``match_probability``,
        ``match_weight`` (Splink, log2 odds), ``elements_differing`` and the agreement
        pattern (``agree_e1``…, ``birth_year_agreement``, ``gender_agreement``,
        ``round_agreement``).
    report : LinkReport
        Counts, selectivity, probabilities, clerical review list.
    """

    panel: pd.DataFrame
    pairs: pd.DataFrame
    report: LinkReport
    title: str = "Linked panel"

    def tidy(self) -> pd.DataFrame:
        """The per-wave link counts (see :meth:`LinkReport.tidy`)."""
        return self.report.tidy()

    def summary(self) -> str:
        """Persons in the panel and the link report summary."""
        return f"{len(self.panel)} persons in the linked panel\n{self.report.summary()}"

    def write(self, directory: str | Path) -> Path:
        """Write panel, pairs, report tables, review CSV and figure into ``directory``.

        The files appear only when everything is written, under the output contract
        (:func:`impact.outputs.result_folder`: a folder of the user's is never replaced).
        Files: ``panel.csv``, ``pairs.csv``, ``link_report.csv``, ``link_balance.csv``,
        ``link_duplicates.csv``, ``borderline_pairs.csv``, ``match_probabilities.png`` and
        ``splink_model_<wave>.json`` (the trained Splink settings).
        """
        with result_folder(directory) as out:
            write_csv(self.panel, out / "panel.csv", index=False)
            write_csv(self.pairs, out / "pairs.csv", index=False)
            write_csv(self.report.waves, out / "link_report.csv", index=False)
            write_csv(self.report.balance, out / "link_balance.csv", index=False)
            write_csv(self.report.duplicates, out / "link_duplicates.csv", index=False)
            write_csv(self.report.borderline, out / "borderline_pairs.csv", index=False)
            save_figure(self.report.figure(), out / "match_probabilities.png", ("png",), dpi=120)
            for wave, settings in self.report.splink_settings.items():
                text = json.dumps(settings, indent=2, ensure_ascii=False)
                (out / f"splink_model_{wave}.json").write_text(text, encoding="utf-8")
        return Path(directory)
