"""Rounds still in progress: baseline answers are in, result answers are not yet.

This is normal in the middle of a project (a round started last month). Such a round has no
outcomes yet, and its people are not *missing* outcomes either: counting them would lower the
project's response rate and mix a round that has not ended into the project's figures. The rule
(docs/outcomes.md):

* a round is **in progress** when no result answer carries its label (when the result export
  has no round labels: when none of its people answered the result survey);
* the project's figures (and the randomised analyses) cover only the rounds with result
  answers; the project report names each round in progress and its number of participants;
* each round in progress gets its own short report saying it has no result answers yet;
* a study with no result answers at all is refused with a clear message (there is nothing to
  report but the baseline, which ``impact validate`` checks).
* a round whose result answers all failed to link is refused too (a linking problem, not a
  round in progress).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pandas as pd

from impact.errors import ImpactError

if TYPE_CHECKING:
    from impact.ingest import StudyData
    from impact.ingest.config import StudyConfig

__all__ = [
    "completed_rounds",
    "require_linked_results",
    "require_result_answers",
    "rounds_in_progress",
]

logger = logging.getLogger(__name__)

ROUND = "round_id"


def require_result_answers(config: StudyConfig, data: StudyData) -> None:
    """Refuse a study without any result answer: no outcome can be computed yet.

    Raises
    ------
    ImpactError
        Naming the study file, the baseline's rounds and participants, and what to do.
    """
    if data.result is not None and len(data.result):
        return
    where = str(config.source) if config.source is not None else "the study file"
    baseline = data.baseline
    rounds = []
    if baseline is not None and ROUND in baseline.columns:
        rounds = sorted(baseline[ROUND].dropna().astype(str).unique())
    answered = f"{len(baseline) if baseline is not None else 0} baseline answer(s)"
    if rounds:
        answered += f" in round(s) {', '.join(rounds)}"
    why = "inputs.result names no file" if data.result is None else "the result export is empty"
    raise ImpactError(
        f"{where}: the study has no result answers yet ({why}), so no "
        f"outcome can be computed ({answered}). impact reports the outcomes of rounds with "
        "result answers. Fix: add the result export under inputs.result once the result survey "
        f"has answers; until then `impact validate {where}` checks the baseline files."
    )


def rounds_in_progress(table: pd.DataFrame, result: pd.DataFrame | None) -> dict[str, int]:
    """Rounds of the indicator table without result answers, with their participants.

    Parameters
    ----------
    table : DataFrame
        The indicator table (one row per person, ``round_id``, ``responded_r``).
    result : DataFrame or None
        The canonical result table; its round labels say which rounds have result answers.
        Without round labels there, a round has result answers when one of its people
        answered the result survey (``responded_r``).

    Returns
    -------
    dict of str → int
        Round → number of its participants (people in the table), in label order.
    """
    if ROUND not in table.columns:
        return {}
    rounds = table[ROUND].astype("string")
    labels = None
    if result is not None and ROUND in result.columns:
        labels = result[ROUND].dropna().astype(str)
    if labels is not None and len(labels):
        answered = set(labels)
    else:
        responded = table.get("responded_r", pd.Series(False, index=table.index))
        answered = set(rounds[responded.astype("boolean").fillna(False).to_numpy(bool)].dropna())
    counts = rounds.dropna().value_counts()
    found = {str(r): int(n) for r, n in sorted(counts.items()) if str(r) not in answered}
    for round_id, participants in found.items():
        logger.info("round %s is in progress: %d participant(s), no result answers", round_id,
                    participants)  # fmt: skip
    return found


def completed_rounds(table: pd.DataFrame, in_progress: dict[str, int]) -> pd.DataFrame:
    """The rows of rounds with result answers (all rows when no round is in progress).

    Raises
    ------
    ImpactError
        When every round is in progress (result answers exist but none belongs to a round).
    """
    if not in_progress:
        return table
    keep = ~table[ROUND].astype("string").isin(list(in_progress)).fillna(False).to_numpy(bool)
    if not keep.any():
        raise ImpactError(
            "no round has result answers linked to its people (rounds "
            f"{', '.join(in_progress)}): check that the result export belongs to this study "
            "and that its linking codes and round labels match the baseline's"
        )
    return table[keep].reset_index(drop=True)


def require_linked_results(table: pd.DataFrame, result: pd.DataFrame | None) -> None:
    """Refuse a round whose result answers exist but none was linked to its people.

    Such a round is not in progress (it has result answers) and has no outcomes either: its
    answers could not be matched to the baseline, which is a linking problem to fix, not a
    result to publish.

    Raises
    ------
    ImpactError
        Naming each such round and how many result answers it has.
    """
    if result is None or ROUND not in result.columns or "responded_r" not in table.columns:
        return
    answers = result[ROUND].dropna().astype(str).value_counts()
    responded = table["responded_r"].astype("boolean").fillna(False).to_numpy(bool)
    linked = set(table.loc[responded, ROUND].dropna().astype(str))
    people = set(table[ROUND].dropna().astype(str))
    stranded = [r for r in sorted(answers.index) if r in people and r not in linked]
    if stranded:
        rounds = ", ".join(f"{r} ({int(answers[r])} result answer(s))" for r in stranded)
        raise ImpactError(
            f"round(s) {rounds}: the result export has answers for the round but none could be "
            "linked to the round's baseline answers, so the round has no outcomes. Check that "
            "the result export's linking codes belong to the same people (the link report of "
            "`impact link study.yaml --out …` shows how many answers were linked per wave)."
        )
