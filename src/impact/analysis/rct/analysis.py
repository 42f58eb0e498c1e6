"""``analyse_rct``: the whole RCT analysis in one call, and the bundle that writes it to disk."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.escaping import write_csv
from impact.figures import save_figures
from impact.i18n import Lang
from impact.outputs import result_folder
from impact.outputs.result_texts import write_summary_and_settings
from impact.results import Result
from impact.validation import check_choice

from ._steps import (
    DEFAULT_COMPONENTS,  # noqa: F401  (re-exported: the step components used by default)
    _checked_request,
    _flow_and_balance,
    _multiple_testing,
    _randomisation_inference,
    _settings,
    _subgroups_and_components,
)
from .balance import BalanceResult
from .cace import CaceResult, cace
from .components import ComponentsResult
from .consort import ConsortFlow
from .design import Adjustment, SeType, resolve_se_type
from .figures import consort_figure, effects_figure, subgroup_figure
from .figures_cace import cace_figure
from .heterogeneity import HeterogeneityResult
from .itt import IttResult, itt
from .multiple import MultipleTestingResult
from .randomisation import FisherResult, RandomisationResult, Statistic, fisher_tests
from .tables import results_table

log = logging.getLogger(__name__)

DEFAULT_COVARIATES = ("gender", "age", "education_level", "years_in_sweden")


@dataclass(frozen=True)
class RctAnalysis(Result):
    """Every part of an RCT analysis; ``write(directory)`` saves tables and figures."""

    consort: ConsortFlow
    balance: BalanceResult
    itt: IttResult
    fisher: FisherResult
    randomisation: RandomisationResult | None
    multiple_testing: list[MultipleTestingResult]
    heterogeneity: dict[str, HeterogeneityResult]
    components: ComponentsResult | None
    cace: CaceResult | None = None
    settings: dict = field(default_factory=dict)
    lang: Lang = "en"
    title: str = "Randomised study: analysis"

    def results_table(self, *, formatted: bool = False, lang: Lang | None = None) -> pd.DataFrame:
        """Outcome × specification table with Fisher, RI and adjusted p-values."""
        return results_table(
            self.itt,
            fisher=self.fisher,
            randomisation=self.randomisation,
            adjusted=self.multiple_testing,
            cace=self.cace,
            formatted=formatted,
            lang=lang or self.lang,
        )

    def tidy(self) -> pd.DataFrame:
        """The numeric results table (one row per outcome)."""
        return self.results_table()

    def multiple_testing_table(self) -> pd.DataFrame:
        """All families' adjusted p-values, one row per family × test.

        ``p_value`` is the raw p-value of the main specification and ``ri_p`` the
        randomisation-inference p-value the Westfall–Young adjustment starts from.
        """
        per_family: dict[str, pd.DataFrame] = {}
        for res in self.multiple_testing:
            t = res.tidy().drop(columns="note")
            if "westfall_young_p" in t.columns:
                t = t.rename(columns={"p_value": "ri_p"})
            if res.family in per_family:
                t = per_family[res.family].merge(t, on=["family", "test"], how="outer")
            per_family[res.family] = t
        if not per_family:
            return pd.DataFrame(columns=["family", "test"])
        return pd.concat(per_family.values(), ignore_index=True)

    def summary(self) -> str:
        """CONSORT counts, balance, ITT effects and the main second tests."""
        parts = [self.title, self.consort.summary(), self.balance.summary(), self.itt.summary()]
        if self.cace is not None:
            parts.append(self.cace.summary())
        if self.randomisation is not None:
            ri = self.randomisation.tidy()
            parts.append(
                "Randomisation inference ("
                + self.randomisation.statistic
                + "): "
                + ", ".join(
                    f"{o} p = {p:.3f}" for o, p in zip(ri["outcome"], ri["p_value"], strict=True)
                )
            )
        parts += [h.summary() for h in self.heterogeneity.values()]
        if self.components is not None:
            c = self.components.tidy()
            parts.append(
                self.components.title
                + ": "
                + ", ".join(
                    f"{r.component} {r.estimate_pp:+.1f} pp (Holm p = {r.holm_p:.3f})"
                    for r in c.itertuples()
                    if "holm_p" in c.columns
                )
            )
        return "\n\n".join(parts)

    def write(
        self, directory: str | os.PathLike[str], *, formats: Sequence[str] = ("png", "svg")
    ) -> Path:
        """Write CSV tables, figures and a summary into ``directory`` (replaced atomically).

        Files: ``consort.csv``, ``consort_reasons.csv``, ``balance.csv``,
        ``balance_joint.csv``, ``itt.csv``, ``fisher.csv``, ``randomisation.csv``,
        ``multiple_testing.csv``, ``heterogeneity_<g>.csv`` and ``..._tests.csv``,
        ``components_job.csv``, with a take-up column ``cace.csv`` and ``compliers.csv``,
        ``results_table.csv`` (numeric) and
        ``results_table_<lang>.csv`` (formatted), ``summary.txt``, ``settings.json``, and the
        figures ``consort_<lang>``, ``effects_<lang>``, ``heterogeneity_<g>_<lang>`` (and
        ``cace_<lang>``) in each of ``formats``.
        """
        for fmt in formats:
            check_choice("formats", fmt, ["png", "svg", "pdf"])
        with result_folder(directory) as out:
            tables = {
                "consort": self.consort.tidy(),
                "consort_reasons": self.consort.reasons,
                "balance": self.balance.tidy(),
                "balance_joint": self.balance.joint,
                "itt": self.itt.tidy(),
                "fisher": self.fisher.tidy(),
                "multiple_testing": self.multiple_testing_table(),
                "results_table": self.results_table(),
                f"results_table_{self.lang}": self.results_table(formatted=True),
            }
            if self.randomisation is not None:
                tables["randomisation"] = self.randomisation.tidy()
            for g, het in self.heterogeneity.items():
                tables[f"heterogeneity_{g}"] = het.tidy()
                tables[f"heterogeneity_{g}_tests"] = het.tests
            if self.components is not None:
                tables["components_job"] = self.components.tidy()
            if self.cace is not None:
                tables["cace"] = self.cace.tidy()
                tables["compliers"] = self.cace.compliers
            for name, table in tables.items():
                write_csv(table, out / f"{name}.csv", index=False)
            figures = {
                f"consort_{self.lang}": consort_figure(self.consort, self.lang),
                f"effects_{self.lang}": effects_figure(self.itt, lang=self.lang),
            }
            if self.cace is not None:
                figures[f"cace_{self.lang}"] = cace_figure(self.cace, self.lang)
            for g, het in self.heterogeneity.items():
                if len(het.tidy()):
                    figures[f"heterogeneity_{g}_{self.lang}"] = subgroup_figure(het, self.lang)
            save_figures(figures, out, formats)
            write_summary_and_settings(out, self.summary(), self.settings)
        return Path(directory)


def analyse_rct(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    strata: str | None = "stratum",
    subgroups: Sequence[str] = ("gender",),
    components: Sequence[str] | None = None,
    job: str = "got_job",
    arm: str = "arm",
    adjustments: Sequence[Adjustment] = ("unadjusted", "additive", "lin"),
    main_specification: Adjustment | None = None,
    se_type: SeType | None = None,
    cluster: str | None = None,
    ri_draws: int = 10_000,
    ri_statistic: Statistic = "studentised",
    seed: int | None = None,
    confidence_level: float = 0.95,
    reason_column: str | None = None,
    take_up: str | None = None,
    lang: Lang = "en",
) -> RctAnalysis:
    """Run the full analysis of a randomised study.

    Parameters
    ----------
    data : DataFrame
        Indicator table: one row per randomised person (``arm``, ``stratum``,
        ``responded_*`` flags, covariates, boolean outcomes with ``pd.NA`` when missing).
    outcomes : sequence of str
        Primary outcome family (e.g. ``got_job, took_steps, job_or_steps, expanded_network``);
        the first one defines the analysed sample in the CONSORT flow and balance table.
    covariates : sequence of str
        Baseline covariates (balance table and adjusted specifications).
    strata : str or None
        Randomisation stratum column (fixed effects; RI permutes within strata).
    subgroups : sequence of str
        Heterogeneity analyses (interaction tests) for each of these columns.
    components : sequence of str or None
        Step components: a second outcome family and the regressors of the components → job
        associations. ``None``: those of :data:`DEFAULT_COMPONENTS` present in ``data``.
    job : str
        Job outcome for the component associations (skipped when absent from ``data``).
    arm : str
        Arm column.
    adjustments : sequence of {"unadjusted", "additive", "lin"}
        ITT specifications.
    main_specification : {"unadjusted", "additive", "lin"}, optional
        Specification whose p-values are adjusted with Holm/BH (default ``lin`` when there are
        covariates, else ``unadjusted``).
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}, optional
        Robust SEs of every regression (ITT, CACE, heterogeneity, components). Default
        ``"HC2"``, or ``"CR2"`` with ``cluster`` (``"stata"``: CR1).
    cluster : str, optional
        Cluster column. Randomisation inference permutes individuals, so it is skipped for
        clustered designs (with a note in ``settings``).
    ri_draws : int
        Randomisation-inference draws.
    ri_statistic : {"studentised", "coefficient"}
        RI test statistic.
    seed : int, optional
        Seed of the RI draws.
    confidence_level : float
        CI level.
    reason_column : str, optional
        Known drop-out reasons for the CONSORT flow.
    take_up : str, optional
        Boolean take-up column (e.g. ``started``): adds the effect on those who take part
        when offered (:func:`~impact.analysis.rct.cace.cace`) for the primary outcomes, with
        the complier characteristics.
    lang : {"en", "sv"}
        Language of the formatted table and the figures.

    Returns
    -------
    RctAnalysis
    """
    components, main = _checked_request(
        data, outcomes, covariates, strata, subgroups, components, arm, adjustments,
        main_specification, lang,
    )  # fmt: skip
    everything = list(dict.fromkeys([*outcomes, *components]))
    se_type = resolve_se_type(se_type, cluster)
    flow, bal = _flow_and_balance(data, outcomes[0], covariates, strata, arm, reason_column)
    effects = itt(
        data, everything, arm=arm, covariates=covariates, strata=strata, adjustments=adjustments,
        se_type=se_type, cluster=cluster, confidence_level=confidence_level,
    )  # fmt: skip
    fisher = fisher_tests(data, everything, arm=arm)
    ri, notes = _randomisation_inference(
        data, everything, arm, strata, cluster, ri_statistic, ri_draws, seed
    )
    multiple = _multiple_testing(effects, main, outcomes, components, ri)
    het, comp = _subgroups_and_components(
        data, outcomes, subgroups, components, job, arm, covariates, strata, se_type, cluster,
        confidence_level,
    )  # fmt: skip
    cace_result = None
    if take_up is not None:
        cace_result = cace(
            data, outcomes=outcomes, take_up=take_up, arm=arm, covariates=covariates,
            strata=strata, cluster=cluster, se_type=se_type, confidence_level=confidence_level,
        )  # fmt: skip
    settings = _settings(
        outcomes, components, covariates, strata, subgroups, job, adjustments, main, se_type,
        cluster, ri_draws, ri_statistic, seed, confidence_level, lang, notes,
    )  # fmt: skip
    settings["take_up"] = take_up
    log.info("RCT analysis done: %d outcomes, %d components", len(outcomes), len(components))
    return RctAnalysis(
        flow, bal, effects, fisher, ri, multiple, het, comp, cace_result, settings, lang
    )
