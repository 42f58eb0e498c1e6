"""Write the results bundle of a programme (funder) report from :class:`ProgrammeOutcomes`.

Every table is the analysis' ``publishable()`` table (small cells suppressed by
:mod:`impact.analysis.outcomes.suppression`); key numbers come from those same tables, so a
number the report quotes is never one a published table hides.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from impact.analysis.outcomes.suppression import suppress_small_cells
from impact.i18n import pair, table
from impact.i18n.labels import label
from impact.indicators.components import JOB_AND_STEP_COMPONENTS as COMPONENTS
from impact.report.bundle import BundleError, bundle_writer
from impact.report.exporters_cost import write_cost, write_programme_costs

if TYPE_CHECKING:
    from impact.analysis.outcomes import ProgrammeOutcomes

#: Indicators shown in the headline table, in this order, when present.
HEADLINE = (
    "got_job",
    "took_steps",
    "job_or_steps",
    "expanded_network",
    "knows_labour_market_more",
    "improved_cv",
    "got_reference",
    "job_relevant_and_contributed",
)
GROUP_CODES = ("woman", "man", "other", "not_stated", "all", "overall")
_FIGURE_CAPTIONS: dict[str, dict[str, str]] = table("labels.bundles.programme.captions")
_TITLES: dict[str, dict[str, str]] = table("labels.bundles.programme.titles")
_COMPARISON_COLUMNS = (
    "indicator", "group_a", "group_b", "n_a", "x_a", "share_a", "n_b", "x_b", "share_b",
    "difference", "diff_ci_low", "diff_ci_high", "test", "p_value", "adjusted_difference",
    "adjusted_ci_low", "adjusted_ci_high", "adjusted_p_value", "small_group", "suppressed",
)  # fmt: skip


def _both(key: str) -> dict[str, str]:
    return {"sv": label(key, "sv"), "en": label(key, "en")}


def _number(value: Any) -> float | None:
    """A published cell as a float, ``None`` when hidden, missing or a suppression label."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else float(number)


def _count(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _link_table(link_report: Any, threshold: int) -> pd.DataFrame:
    """Per-wave link counts (records, linked, share linked), small counts suppressed."""
    report = getattr(link_report, "report", link_report)
    waves = getattr(report, "waves", None)
    if not isinstance(waves, pd.DataFrame):
        raise BundleError(
            "link_report: expected a LinkReport or LinkResult (impact.link), got "
            f"{type(link_report).__name__}"
        )
    table = waves[waves["role"] != "spine"][["wave", "records", "linked", "share_linked"]].copy()
    table["records"] = table["records"].astype("Float64")
    table["linked"] = table["linked"].astype("Float64")
    table["share_linked"] = table["share_linked"].astype("Float64")
    return suppress_small_cells(
        table.reset_index(drop=True), ["records", "linked"], ["share_linked"], threshold
    )


def _costs(w, costs: Any) -> None:
    """The costs section: descriptive (no control group) or per additional outcome."""
    if costs is None:
        return
    if "effect" in costs.tidy().columns:
        write_cost(w, costs)
    else:
        write_programme_costs(w, costs)


def write_programme_bundle(
    directory: str | os.PathLike[str],
    *,
    outcomes: ProgrammeOutcomes,
    link_report: Any = None,
    study: Mapping[str, Any],
    provenance: Mapping[str, Any],
    round_id: str | None = None,
    rounds_in_progress: Mapping[str, int] | None = None,
    costs: Any = None,
) -> Path:
    """Write the bundle of a programme report (whole project, or one round).

    Parameters
    ----------
    directory : path
        Bundle directory (replaced atomically).
    outcomes : ProgrammeOutcomes
        From :func:`impact.analysis.outcomes.programme_outcomes` (or ``outcomes_by_round``).
    link_report : LinkReport or LinkResult, optional
        Adds the linking section (per-wave link counts).
    study : mapping
        ``name``, ``organisation`` and anything else the title page should show.
    provenance : mapping
        See :func:`impact.report.bundle.make_provenance`.
    round_id : str, optional
        The round this bundle describes (default: the outcomes' scope when it is not ``all``).
    rounds_in_progress : mapping of str → int, optional
        Rounds left out of ``outcomes`` because they have no result answers yet, with their
        participants; the report names them (counts below the suppression threshold hidden).
    costs : ProgrammeCosts or CostEffectiveness, optional
        When the study file has ``costs:``: descriptive costs per participant (a programme
        study, :func:`impact.analysis.cost.programme_costs`) or the cost per additional
        outcome (a randomised study, :func:`impact.analysis.cost.cost_effectiveness`).

    Returns
    -------
    Path
        The bundle directory.
    """
    if not hasattr(outcomes, "publishable") or not hasattr(outcomes, "shares"):
        raise BundleError(
            "outcomes: expected a ProgrammeOutcomes (impact.analysis.outcomes.programme_outcomes)"
            f", got {type(outcomes).__name__}"
        )
    scope = str(outcomes.scope)
    if round_id is None and scope != "all":
        round_id = scope
    threshold = int(outcomes.suppression_threshold)
    published = outcomes.publishable(threshold)
    with bundle_writer(
        directory, "programme", study=study, provenance=provenance, scope=scope,
        round_id=round_id, name="programme" if scope == "all" else f"programme_{scope}",
    ) as w:  # fmt: skip
        shares = published["shares"]
        _overview(w, outcomes, shares, threshold)
        _in_progress(w, rounds_in_progress or {}, threshold)
        _shares(w, shares)
        _optional_sections(w, outcomes, published, link_report, threshold)
        _costs(w, costs)
        figures = {lang: outcomes.figures(lang) for lang in ("sv", "en")}
        for name in figures["en"]:
            w.figure(name, {lang: figures[lang][name] for lang in figures},
                     caption=_FIGURE_CAPTIONS.get(name, {"sv": name, "en": name}))  # fmt: skip
    return Path(directory)


def _overview(w, outcomes, shares, threshold: int) -> None:
    """Labels of the indicators and groups, the bundle's data and the analyses' notes."""
    indicators = list(dict.fromkeys(shares["indicator"].astype(str)))
    for ident in [*indicators, *GROUP_CODES]:
        w.label(ident, _both(ident))
    w.data.update(
        {
            "level": outcomes.level,
            "suppression_threshold": threshold,
            "indicators": indicators,
            "headline": [i for i in HEADLINE if i in indicators],
            "components": [i for i in COMPONENTS if i in indicators],
        }
    )
    w.notes.extend(outcomes.notes)


def _optional_sections(w, outcomes, published, link_report: Any, threshold: int) -> None:
    """The sections present only when their analysis ran: response, linking, targets, gender
    comparison, attribution and trajectories."""
    if outcomes.response is not None:
        _response(w, published["response"])
    if link_report is not None:
        w.section("link")
        w.table("link", _link_table(link_report, threshold), title=_TITLES["link"],
                suppressed=True)  # fmt: skip
    if outcomes.targets is not None:
        _targets(w, published["targets"])
    if outcomes.comparison is not None:
        _comparison(w, published["comparison"])
    if outcomes.attribution is not None:
        w.section("attribution")
        w.table("attribution", published["attribution"], title=_TITLES["attribution"],
                suppressed=True)  # fmt: skip
    if outcomes.trajectories is not None:
        w.section("trajectories")
        w.table("trajectories", published["trajectories"], title=_TITLES["trajectories"],
                suppressed=True)  # fmt: skip
        for event in published["trajectories"]["event"].astype(str).unique():
            w.label(event, _both(event))


def _participants(w, round_id: str, participants: int, threshold: int) -> None:
    """The participants of a round in progress (hidden when below the threshold)."""
    shown = participants if participants == 0 or participants >= threshold else None
    w.number(f"in_progress_participants.{round_id}", shown, unit="count",
             label=pair("labels.bundles.programme.numbers.round_participants",
                        round_id=round_id))  # fmt: skip


def _in_progress(w, rounds: Mapping[str, int], threshold: int) -> None:
    """Name the rounds left out because they have no result answers yet."""
    w.data["rounds_in_progress"] = [str(r) for r in rounds]
    if rounds:
        w.section("in_progress")
    for round_id, participants in rounds.items():
        _participants(w, str(round_id), int(participants), threshold)


def write_round_in_progress_bundle(
    directory: str | os.PathLike[str],
    *,
    round_id: str,
    participants: int,
    suppression_threshold: int,
    study: Mapping[str, Any],
    provenance: Mapping[str, Any],
) -> Path:
    """Write the bundle of a round that has no result answers yet.

    Its report (the programme template) says that the round is still in progress and how
    many participants answered the baseline; there are no outcomes to show yet.

    Parameters
    ----------
    directory : path
        Bundle directory (replaced atomically).
    round_id : str
        The round.
    participants : int
        Its participants (people who answered the baseline); hidden in the report when
        below ``suppression_threshold``.
    suppression_threshold : int
        Small-cell threshold.
    study, provenance : mapping
        As for :func:`write_programme_bundle`.

    Returns
    -------
    Path
        The bundle directory.
    """
    round_id = str(round_id)
    with bundle_writer(
        directory, "programme", study=study, provenance=provenance, scope=round_id,
        round_id=round_id, name=f"programme_{round_id}",
    ) as w:  # fmt: skip
        w.data.update(
            {
                "in_progress": True,
                "suppression_threshold": int(suppression_threshold),
                "indicators": [],
                "headline": [],
                "components": [],
            }
        )
        w.section("in_progress")
        _participants(w, round_id, int(participants), int(suppression_threshold))
    return Path(directory)


def _shares(w, shares: pd.DataFrame) -> None:
    overall = shares[shares["group_var"] == "overall"].reset_index(drop=True)
    w.table("shares", overall, title=_TITLES["shares"], suppressed=True)
    headline = overall[overall["indicator"].isin(w.data["headline"])]
    w.table("headline", headline, title=_TITLES["headline"], suppressed=True)
    for row in overall.itertuples(index=False):
        ident = str(row.indicator)
        n = _count(row.n)
        w.number(f"share.{ident}", _number(row.share), unit="share", n=n, label=_both(ident))
        for bound in ("ci_low", "ci_high"):
            w.number(f"{bound}.{ident}", _number(getattr(row, bound)), unit="share", n=n,
                     label=_both(ident))  # fmt: skip
        w.number(f"numerator.{ident}", _count(row.numerator), unit="count", n=n,
                 label=_both(ident))  # fmt: skip
    by_gender = shares[shares["group_var"] == "gender"].reset_index(drop=True)
    if len(by_gender):
        w.section("gender_shares")
        w.table("shares_by_gender", by_gender, title=_TITLES["shares_by_gender"], suppressed=True)
    by_round = shares[shares["group_var"] == "round_id"].reset_index(drop=True)
    if len(by_round):
        w.section("rounds")
        w.table("shares_by_round", by_round, title=_TITLES["shares_by_round"], suppressed=True)
        for code in by_round["group"].astype(str).unique():
            w.label(code, pair("labels.outcomes.round", k=code))


def _response(w, response: pd.DataFrame) -> None:
    w.section("response")
    w.table("response", response, title=_TITLES["response"], suppressed=True)
    overall = response[response["group_var"] == "overall"].set_index("wave")
    if len(overall):
        # the first wave whose participant count is published (a wave's count may be hidden
        # by complementary suppression while another wave's row shows it)
        counts = [_count(value) for value in overall["participants"]]
        shown = next((count for count in counts if count is not None), None)
        w.number("participants", shown, unit="count",
                 label=pair("labels.bundles.programme.numbers.participants"))  # fmt: skip
    if "r" in overall.index:
        row = overall.loc["r"]
        respondents = pair("labels.bundles.programme.numbers.respondents_result")
        w.number("respondents_result", _count(row["respondents"]), unit="count",
                 n=_count(row["participants"]), label=respondents)  # fmt: skip
        w.number("response_rate_result", _number(row["response_rate"]), unit="share",
                 n=_count(row["participants"]),
                 label=pair("labels.bundles.programme.numbers.response_rate_result"))  # fmt: skip


def _targets(w, targets: pd.DataFrame) -> None:
    w.section("targets")
    w.table("targets", targets, title=_TITLES["targets"], suppressed=True)
    overall = targets[targets["group_var"] == "overall"]
    for row in overall.itertuples(index=False):
        ident = str(row.indicator)
        w.number(f"target.{ident}", _number(row.target), unit="share", label=_both(ident))
        status = None if pd.isna(row.status) else str(row.status)
        w.number(f"target_status.{ident}", status, unit="text", label=_both(ident))
        w.number(f"target_p_below.{ident}", _number(row.p_below), unit="p", n=_count(row.n),
                 label=_both(ident))  # fmt: skip


def _comparison(w, comparison: pd.DataFrame) -> None:
    w.section("gender")
    table = comparison[[c for c in _COMPARISON_COLUMNS if c in comparison.columns]]
    w.table("gender_comparison", table, title=_TITLES["gender_comparison"], suppressed=True)
    level = float(w.data["level"])
    alpha = 1 - level
    significant, adjusted_significant = [], []
    for row in table.itertuples(index=False):
        ident = str(row.indicator)
        p = _number(row.p_value)
        for key, unit in (("share_a", "share"), ("share_b", "share"), ("difference", "share"),
                          ("p_value", "p"), ("adjusted_difference", "share"),
                          ("adjusted_p_value", "p")):  # fmt: skip
            w.number(f"gender.{ident}.{key}", _number(getattr(row, key)), unit=unit,
                     label=_both(ident))  # fmt: skip
        if p is not None and p < alpha:
            significant.append(ident)
        adjusted = _number(row.adjusted_p_value)
        if adjusted is not None and adjusted < alpha:
            adjusted_significant.append(ident)
    first = table.iloc[0] if len(table) else None
    w.data.update(
        {
            "alpha": alpha,
            "gender_groups": [str(first["group_a"]), str(first["group_b"])] if first is not None
            else [],
            "gender_significant": significant,
            "gender_adjusted_significant": adjusted_significant,
            "gender_small_group": bool(table["small_group"].fillna(False).astype(bool).any()),
        }
    )  # fmt: skip
