"""Round labels must be the same in every wave: ``R03`` at baseline is not ``R3`` at the result.

A label that changed between waves (``R03`` → ``R3`` or ``Omgång 3``) would silently split a
round in two: linking compares rounds, so its people would not be linked, the baseline round
would look as if it had no result answers yet, and the per-round reports would be wrong. This
cannot be resolved safely by guessing, so it is an input problem: :func:`round_label_problems`
names both labels, both files and how many people, and says how to map one label onto the
other.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from impact.errors import Problem
from impact.ingest.codes import CodeLayout, normalise_codes

__all__ = ["round_label_problems"]

logger = logging.getLogger(__name__)

#: Waves whose round labels must be rounds of the baseline.
LATER_WAVES = ("followup", "result", "randomisation")
#: Tables written before the baseline: a round of theirs may not have answered the baseline
#: yet, so only a label whose people answered the baseline under another label is a problem.
BEFORE_BASELINE = ("randomisation",)
_NUMBER = re.compile(r"\d+")


def _codes(frame: pd.DataFrame, layout: CodeLayout) -> pd.Series:
    """Normalised linking codes (the linking step's normalisation), NA when invalid."""
    if "link_code" not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return normalise_codes(frame["link_code"], layout)["code"].astype("string")


def _rounds_by_code(baseline: pd.DataFrame, rounds: pd.Series, layout) -> pd.Series:
    """Normalised baseline code → the baseline rounds it answered in."""
    pairs = pd.DataFrame({"code": _codes(baseline, layout), "round": rounds}).dropna()
    return pairs.drop_duplicates().groupby("code")["round"].agg(list)


def _number(label: str) -> int | None:
    digits = _NUMBER.findall(label)
    return int(digits[-1]) if len(digits) == 1 else None


def _quoted(labels: Sequence[str]) -> str:
    return ", ".join(f"'{label}'" for label in labels)


def _explain(
    label: str,
    answers: int,
    linked: Counter,
    baseline_file: str,
    baseline_labels: list[str],
    counts: pd.Series,
) -> tuple[str, str]:
    """What was expected (naming the baseline label this one most likely stands for), and the
    fix."""
    text = (
        f"a round label of the baseline ({baseline_file}); '{label}' ({answers} answer(s) "
        "in this file) is not one"
    )
    if linked:
        (best, people), *_ = linked.most_common()
        text += (
            f" — {people} of these {answers} people gave a linking code that answered the "
            f"baseline in round '{best}' ({int(counts.get(best, 0))} baseline answer(s))"
        )
        others = [b for b, _ in linked.most_common()[1:]]
        if others:
            text += f" and some in {_quoted(others)}"
    else:
        number = _number(label)
        same = [b for b in baseline_labels if number is not None and _number(b) == number]
        if same:
            best = same[0]
            text += f" — it looks like baseline round '{best}'"
        else:
            best = None
            text += " and no code links it to a baseline round (baseline rounds: "
            text += f"{_quoted(baseline_labels[:12])}{' …' if len(baseline_labels) > 12 else ''})"
    target = best or "<the baseline's label>"
    expected = (
        text + ". A round label that changed between waves splits the round in two and leaves "
        "its people unlinked"
    )
    fix = (
        "use one label per round in every wave: correct the export, or map the label in the "
        f"mapping file (inputs.mapping): values: {{round_id: {{'{label}': '{target}'}}}}"
    )
    return expected, fix


def round_label_problems(data, code_elements=None) -> list[Problem]:
    """Round labels of follow-up, result and randomisation files that the baseline lacks.

    Parameters
    ----------
    data : StudyData
        The validated canonical tables of a study (with their sources).
    code_elements : list of [alphabet, length], optional
        The linking code layout (``linking.code_elements``), used to tell which baseline round
        the people with an unknown label answered in.

    Returns
    -------
    list of Problem
        One per file and unknown label: the file, column ``round_id``, the label, and what was
        expected (the baseline round it most likely stands for, how many people, the fix).
        A randomisation list may hold rounds the baseline does not have yet (randomised, not
        yet surveyed); its label is a problem only when its people answered the baseline under
        another label.
    """
    baseline = data.baseline
    if baseline is None or "round_id" not in baseline.columns:
        return []
    rounds = baseline["round_id"].astype("string")
    counts = rounds.value_counts()
    baseline_labels = sorted(counts.index.tolist())
    if not baseline_labels:
        return []
    baseline_file = (
        ", ".join(Path(s.path).name for s in data.sources if s.table == "baseline") or "baseline"
    )
    layout = CodeLayout.from_config(code_elements)
    code_rounds: pd.Series | None = None  # built only when a label is unknown
    problems: list[Problem] = []
    for table in LATER_WAVES:
        frame = getattr(data, table)
        if frame is None or "round_id" not in frame.columns:
            continue
        for path, rows in data.file_rows(table):
            labels = rows["round_id"].astype("string")
            unknown = sorted(set(labels.dropna()) - set(baseline_labels))
            if not unknown:
                continue
            if code_rounds is None:
                code_rounds = _rounds_by_code(baseline, rounds, layout)
            codes = _codes(rows, layout)
            for label in unknown:
                chosen = (labels == label).fillna(False).to_numpy(bool)
                linked: Counter = Counter()
                for code in codes[chosen].dropna():
                    linked.update(code_rounds.get(code, []))
                if table in BEFORE_BASELINE and not linked:
                    continue  # a randomised round whose baseline is still to come
                expected, fix = _explain(
                    label, int(chosen.sum()), linked, baseline_file, baseline_labels, counts
                )
                problems.append(Problem(path, expected, column="round_id", value=label, fix=fix))
                logger.info("%s: round label %r is not a baseline round", path, label)
    return problems
