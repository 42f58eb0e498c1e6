"""Programme outcomes: every outcome table and figure of a funder's report, in one call.

:func:`programme_outcomes` bundles the parts, each available on its own:

* :func:`~impact.analysis.outcomes.indicator_shares` — shares with Wilson CIs, overall / by gender
  / by round / by any configured group;
* :func:`~impact.analysis.outcomes.gender_comparison` — women vs men: difference (Newcombe),
  χ²/Fisher by Cochran's rule, covariate-adjusted AME;
* :func:`~impact.analysis.outcomes.target_attainment` — targets against observed shares;
* :func:`~impact.analysis.outcomes.response_rates` — respondents, response and linked rates;
* :func:`~impact.analysis.outcomes.attribution` — "did the programme contribute?";
* :func:`~impact.analysis.outcomes.trajectories` — shares across waves.

``tidy()`` of the bundle is the one-row-per-indicator headline table; ``tables()`` gives every
part unsuppressed (for analysts) and ``publishable()`` every part with small cells suppressed
(checked by :func:`~impact.analysis.outcomes.assert_publishable`). :func:`outcomes_by_round`
produces one bundle for the whole project and one per round. These are **outcomes**, not
effects: nothing here compares with what would have happened without the programme.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd
from matplotlib.figure import Figure

from impact.analysis.outcomes.attribution import DEFAULT_ATTRIBUTION, Attribution, attribution
from impact.analysis.outcomes.comparison import (
    DEFAULT_COVARIATES,
    GroupComparison,
    gender_comparison,
)
from impact.analysis.outcomes.figures import (
    COMPONENTS,
    plot_attribution,
    plot_components,
    plot_shares,
    plot_targets,
    plot_trajectories,
)
from impact.analysis.outcomes.inputs import (
    OVERALL,
    RESPONDED,
    check_group_columns,
    check_table,
    check_threshold,
    group_levels,
    resolve_indicators,
)
from impact.analysis.outcomes.proportions import DifferenceMethod, TestRule
from impact.analysis.outcomes.response import ResponseRates, response_rates
from impact.analysis.outcomes.shares import COUNT_AND_SHARE, IndicatorShares, indicator_shares
from impact.analysis.outcomes.targets import TargetAttainment, target_attainment
from impact.analysis.outcomes.trajectories import (
    DEFAULT_ITEMS,
    Trajectories,
    item_waves,
    trajectories,
)
from impact.errors import InputError
from impact.figures import DEFAULT_FORMATS, save_figure
from impact.i18n import Lang, check_lang
from impact.i18n.labels import label
from impact.results import Result
from impact.validation import check_level

logger = logging.getLogger(__name__)

HEADLINE_COLUMNS: tuple[str, ...] = (
    "scope",
    "indicator",
    "label",
    *COUNT_AND_SHARE,
    "target",
    "target_status",
    "p_below_target",
    "group_a",
    "share_a",
    "group_b",
    "share_b",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    "test",
    "p_value",
    "adjusted_difference",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "caution",
    "level",
)


@dataclass(frozen=True, repr=False)
class ProgrammeOutcomes(Result):
    """All outcome analyses of one scope (the whole project or one round).

    Attributes
    ----------
    scope : str
        ``"all"`` or the round id.
    shares, comparison, targets, response, attribution, trajectories
        The part results; a part is ``None`` when the table lacks what it needs (the reason is
        in ``notes``).
    level : float
        Confidence level.
    suppression_threshold : int
        Small-cell threshold for publication.
    lang : {"en", "sv"}
        Default language of labels and figures.
    notes : tuple of str
        Why a part is absent.
    """

    scope: str
    shares: IndicatorShares
    comparison: GroupComparison | None
    targets: TargetAttainment | None
    response: ResponseRates | None
    attribution: Attribution | None
    trajectories: Trajectories | None
    level: float
    suppression_threshold: int
    lang: str = "en"
    notes: tuple[str, ...] = field(default_factory=tuple)
    title: ClassVar[str] = "Programme outcomes"

    def parts(self) -> dict[str, Result]:
        """The part results that are present, by name."""
        names = ("shares", "comparison", "targets", "response", "attribution", "trajectories")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every part's full (unsuppressed) tidy table, by part name, plus ``headline``."""
        out = {"headline": self.tidy()}
        out.update({name: part.tidy() for name, part in self.parts().items()})
        return out

    def publishable(self, threshold: int | None = None) -> dict[str, pd.DataFrame]:
        """Every part's table with small cells suppressed, by part name.

        Each table is checked by :func:`impact.analysis.outcomes.assert_publishable` before
        it is returned. The headline table is not included: it repeats the parts' numbers.
        """
        threshold = check_threshold(threshold or self.suppression_threshold)
        return {name: part.publishable(threshold) for name, part in self.parts().items()}

    def tidy(self) -> pd.DataFrame:
        """One row per indicator: overall share, target, women vs men and the adjusted AME."""
        overall = self.shares.overall().reset_index()
        table = pd.DataFrame({"scope": self.scope, "indicator": overall["indicator"]})
        table["label"] = [label(i, self.lang) for i in overall["indicator"]]
        for col in ("n", "numerator", "missing", "share", "ci_low", "ci_high"):
            table[col] = overall[col].to_numpy()
        if self.targets is not None:
            t = self.targets.table[self.targets.table["group_var"] == OVERALL]
            t = t.set_index("indicator")
            table["target"] = table["indicator"].map(t["target"])
            table["target_status"] = table["indicator"].map(t["status"])
            table["p_below_target"] = table["indicator"].map(t["p_below"])
        if self.comparison is not None:
            c = self.comparison.table.set_index("indicator")
            for col in (
                "group_a", "share_a", "group_b", "share_b", "difference", "diff_ci_low",
                "diff_ci_high", "test", "p_value", "adjusted_difference", "adjusted_ci_low",
                "adjusted_ci_high", "caution",
            ):  # fmt: skip
                table[col] = table["indicator"].map(c[col])
        table["level"] = self.level
        return table.reindex(columns=list(HEADLINE_COLUMNS))

    def summary(self) -> str:
        """The parts' summaries, one after another."""
        head = f"{self.title} — {'whole project' if self.scope == 'all' else self.scope}"
        blocks = [head] + [part.summary() for part in self.parts().values()]
        blocks += [f"note: {n}" for n in self.notes]
        return "\n\n".join(blocks)

    def _repr_html_(self) -> str:
        blocks = [Result._repr_html_(self)]
        blocks += [part._repr_html_() for part in self.parts().values()]
        return "\n".join(blocks)

    def figures(self, lang: Lang | None = None, publishable: bool = True) -> dict[str, Figure]:
        """The report figures (matplotlib Figures, never shown) in ``lang`` (default: ``lang``)."""
        lang = check_lang(lang or self.lang)
        figs = {
            "shares": plot_shares(self.shares, lang=lang, publishable=publishable),
        }
        if (self.shares.table["group_var"] == "gender").any():
            figs["shares_by_gender"] = plot_shares(
                self.shares, by="gender", lang=lang, publishable=publishable
            )
        indicators = set(self.shares.table["indicator"])
        if {"got_job", "took_steps"} <= indicators or indicators & set(COMPONENTS):
            figs["components"] = plot_components(self.shares, lang=lang, publishable=publishable)
        if self.targets is not None:
            figs["targets"] = plot_targets(self.targets, lang=lang, publishable=publishable)
        if self.trajectories is not None:
            figs["trajectories"] = plot_trajectories(
                self.trajectories, lang=lang, publishable=publishable
            )
        if self.attribution is not None:
            figs["attribution"] = plot_attribution(
                self.attribution, lang=lang, publishable=publishable
            )
        return figs

    def save_figures(
        self,
        directory: str | os.PathLike[str],
        lang: Lang | None = None,
        formats: Sequence[str] = DEFAULT_FORMATS,
    ) -> list[Path]:
        """Write every (publishable) figure as ``<directory>/<name>_<scope>_<lang>.<fmt>``."""
        lang = check_lang(lang or self.lang)
        written = []
        for name, fig in self.figures(lang).items():
            stem = Path(directory) / f"{name}_{self.scope}_{lang}"
            written += save_figure(fig, stem, formats)
        return written


def programme_outcomes(
    indicators: pd.DataFrame,
    *,
    targets: Mapping[str, float] | None = None,
    covariates: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    level: float = 0.95,
    suppression_threshold: int = 5,
    lang: Lang = "en",
    indicator_columns: Sequence[str] | None = None,
    participants: int | Mapping[str, int] | None = None,
    comparison_groups: tuple[str, str] = ("woman", "man"),
    difference_ci: DifferenceMethod = "newcombe",
    test_rule: TestRule = "cochran",
    small_group: int = 30,
    scope: str = "all",
) -> ProgrammeOutcomes:
    """Compute every outcome analysis of a report for one indicator table.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table (one row per person; docs/architecture.md).
    targets : mapping indicator → share, optional
        E.g. ``{"job_or_steps": 0.90, "expanded_network": 0.80}``.
    covariates : sequence of str, optional
        Covariates of the adjusted gender comparison; every one must be a column. Default: those
        of age, education level and years in Sweden that the table has (absent ones are noted).
    groups : sequence of str, optional
        Extra grouping columns for the shares besides gender; every one must be a column.
        Default: ``round_id`` when the table has it.
    level : float
        Confidence level of every interval.
    suppression_threshold : int
        Counts from 1 to threshold − 1 are suppressed in ``publishable()`` and figures.
    lang : {"en", "sv"}
        Default language of labels and figures.
    indicator_columns : sequence of str, optional
        Indicators to report (default all boolean indicator columns).
    participants : int or mapping round → int, optional
        True number of participants for the response rates (see
        :func:`~impact.analysis.outcomes.response_rates`).
    comparison_groups, difference_ci, test_rule, small_group
        Passed to :func:`~impact.analysis.outcomes.compare_groups`.
    scope : str
        Name of the scope in tables and file names (``"all"`` or a round id).

    Returns
    -------
    ProgrammeOutcomes
        Parts whose inputs are absent (no ``responded_*`` columns, no contribution questions,
        no repeated items, a comparison group absent) are ``None`` with a note.
    """
    level = check_level(level)
    threshold = check_threshold(suppression_threshold)
    lang = check_lang(lang)
    indicators = check_table(indicators)
    names = resolve_indicators(indicators, indicator_columns)
    if groups is None:
        groups = [c for c in ("round_id",) if c in indicators.columns]
    extra = check_group_columns(indicators, groups)
    by = [c for c in ("gender", *extra) if c in indicators.columns]
    common = {"level": level, "suppression_threshold": threshold}
    notes: list[str] = []
    shares = indicator_shares(indicators, names, by=by, **common)
    comparison = _gender_part(
        indicators, names, covariates, notes, groups=comparison_groups,
        difference_ci=difference_ci, test_rule=test_rule, small_group=small_group, **common,
    )  # fmt: skip
    target_result = target_attainment(indicators, targets, **common) if targets else None
    response, attribution_result, trajectory = _survey_parts(
        indicators, extra, by, participants, notes, common
    )
    for note in notes:
        logger.info("%s (%s)", note, scope)
    return ProgrammeOutcomes(
        scope=scope,
        shares=shares,
        comparison=comparison,
        targets=target_result,
        response=response,
        attribution=attribution_result,
        trajectories=trajectory,
        level=level,
        suppression_threshold=threshold,
        lang=lang,
        notes=tuple(notes),
    )


def _gender_part(
    indicators: pd.DataFrame,
    names: list[str],
    covariates: Sequence[str] | None,
    notes: list[str],
    *,
    groups: tuple[str, str],
    **options,
) -> GroupComparison | None:
    """The gender comparison, or ``None`` (with a note) when a group is absent."""
    if covariates is None:
        covariates = [c for c in DEFAULT_COVARIATES if c in indicators.columns]
        absent = [c for c in DEFAULT_COVARIATES if c not in indicators.columns]
        if absent:
            notes.append(f"gender comparison not adjusted for {', '.join(absent)} (not in table)")
    present = set(indicators["gender"].dropna().astype(str)) if "gender" in indicators else set()
    if set(groups) <= present:
        return gender_comparison(indicators, names, groups=groups, covariates=covariates, **options)
    notes.append(f"no gender comparison: the table lacks {' or '.join(groups)}")
    return None


def _survey_parts(
    indicators: pd.DataFrame,
    extra: list[str],
    by: list[str],
    participants: int | Mapping[str, int] | None,
    notes: list[str],
    common: dict,
) -> tuple[ResponseRates | None, Attribution | None, Trajectories | None]:
    """Response rates, attribution and trajectories: each ``None`` (with a note) without its
    inputs."""
    response = None
    if any(isinstance(c, str) and RESPONDED.match(c) for c in indicators.columns):
        response = response_rates(indicators, by=extra, participants=participants, **common)
    else:
        notes.append("no response rates: the table has no responded_<wave> columns")
    attribution_result = None
    if any(k in indicators and v in indicators for k, v in DEFAULT_ATTRIBUTION.items()):
        attribution_result = attribution(indicators, by=["gender"] if by else None, **common)
    else:
        notes.append("no attribution: the table has no r_contributed_* answers")
    trajectory = None
    if any(len(item_waves(indicators, item)) >= 2 for item in DEFAULT_ITEMS):
        trajectory = trajectories(indicators, **common)
    else:
        notes.append("no trajectories: no item is measured in two or more waves")
    return response, attribution_result, trajectory


def outcomes_by_round(
    indicators: pd.DataFrame, *, round_column: str = "round_id", **options
) -> dict[str, ProgrammeOutcomes]:
    """One :class:`ProgrammeOutcomes` for the whole project (key ``"all"``) and one per round.

    Keyword options are those of :func:`programme_outcomes`. Within a round the round column is
    dropped from the groups, and a per-round ``participants`` mapping gives that round's count.
    """
    indicators = check_table(indicators, [round_column])
    results = {"all": programme_outcomes(indicators, scope="all", **options)}
    groups = [g for g in (options.pop("groups", None) or ()) if g != round_column]
    participants = options.pop("participants", None)
    rounds = group_levels(indicators[round_column])
    if not rounds:
        raise InputError(f"indicator table: column '{round_column}' has no values")
    for round_id in rounds:
        part = indicators[(indicators[round_column] == round_id).fillna(False).to_numpy(bool)]
        count = participants.get(round_id) if isinstance(participants, Mapping) else None
        results[str(round_id)] = programme_outcomes(
            part, groups=groups, participants=count, scope=str(round_id), **options
        )
    return results
