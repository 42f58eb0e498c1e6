"""Recognise the survey tool of an export from its header, with a confidence and reasons.

Each adapter lists headers typical of its tool (``signature``); an export's score for a tool
is the number of those it has (three or more make the tool certain), plus layout evidence:
Qualtrics' ImportId header row, SurveyMonkey's ``Response`` second header row, LimeSurvey's
``Question [Option]`` headers, Kobo's ``group/question`` paths. Below
:data:`MIN_CONFIDENCE` the file is read as a generic export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from impact.ingest.adapters.base import Adapter, normal_text
from impact.ingest.adapters.registry import ADAPTERS

__all__ = ["MIN_CONFIDENCE", "Detection", "detect_source"]

#: Confidence below which the generic adapter is used.
MIN_CONFIDENCE = 0.5
_CERTAIN_HITS = 3


@dataclass(frozen=True)
class Detection:
    """Which tool an export looks like.

    Attributes
    ----------
    adapter : str
        The chosen adapter's name (``generic`` when nothing is recognised).
    confidence : float
        0–1: the share of the evidence needed for certainty that was found.
    reasons : tuple of str
        What was found, in words a user can check.
    runner_up : str or None
        The next best tool with any evidence, if any.
    """

    adapter: str
    confidence: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    runner_up: str | None = None

    def describe(self) -> str:
        """One line: tool, confidence in percent and the reasons (generic: why no tool)."""
        title = ADAPTERS[self.adapter].title
        why = "; ".join(self.reasons) or "no tool's typical columns"
        if self.adapter == "generic":
            return f"{title} ({why}; read with one header row, nothing dropped)"
        return f"{title} ({self.confidence:.0%} confidence: {why})"


def _layout_evidence(adapter: Adapter, headers: list[str], first_rows: list[list[str]]) -> str:
    cells = [normal_text(c) for row in first_rows[:2] for c in row]
    if adapter.name == "qualtrics" and any(c.startswith('{"importid"') for c in cells):
        return "an ImportId header row"
    if (
        adapter.name == "surveymonkey"
        and first_rows
        and "response" in {normal_text(c) for c in first_rows[0]}
    ):
        return "a second header row with 'Response'"
    if adapter.name == "limesurvey" and sum(h.endswith("]") and " [" in h for h in headers) >= 2:
        return "'Question [Option]' headers"
    if adapter.name == "kobo" and sum("/" in h and " " not in h for h in headers) >= 2:
        return "'group/question' headers"
    if (
        adapter.name == "google_forms"
        and headers
        and normal_text(headers[0]) in {normal_text(t) for t in adapter.time_columns}
    ):
        return f"the submission time '{headers[0]}' as the first column"
    return ""


def _score(adapter: Adapter, headers: list[str], first_rows: list[list[str]]) -> tuple[int, str]:
    present = {normal_text(h): h for h in headers}
    hits = [present[normal_text(s)] for s in adapter.signature if normal_text(s) in present]
    hits = list(dict.fromkeys(hits))
    evidence = _layout_evidence(adapter, headers, first_rows)
    count = len(hits) + (1 if evidence else 0)
    parts = []
    if hits:
        parts.append(f"{adapter.title} columns {', '.join(repr(h) for h in hits)}")
    if evidence:
        parts.append(evidence)
    return count, "; ".join(parts)


def detect_source(headers: Sequence[str], first_rows: Sequence[Sequence[str]] = ()) -> Detection:
    """Recognise the tool that wrote an export.

    Parameters
    ----------
    headers : sequence of str
        The first header row.
    first_rows : sequence of sequence of str
        The first rows below it (further header rows of multi-row layouts show there).

    Returns
    -------
    Detection
        The best tool when its confidence is at least :data:`MIN_CONFIDENCE`, else generic.
    """
    headers = [str(h).strip() for h in headers]
    rows = [[str(c) for c in row] for row in first_rows]
    scored = []
    for adapter in ADAPTERS.values():
        if adapter.name == "generic":
            continue
        count, why = _score(adapter, headers, rows)
        if count:
            scored.append((count, adapter.name, why))
    scored.sort(key=lambda item: -item[0])
    if not scored:
        return Detection("generic", 1.0, ("no survey tool's typical columns were found",))
    count, name, why = scored[0]
    confidence = min(1.0, count / _CERTAIN_HITS)
    runner = scored[1][1] if len(scored) > 1 else None
    if len(scored) > 1 and scored[1][0] == count:
        confidence = min(confidence, 0.5 * confidence + 0.25)
        why += f"; {ADAPTERS[scored[1][1]].title} fits as well"
    if confidence < MIN_CONFIDENCE:
        reason = f"best guess {ADAPTERS[name].title} is too uncertain ({why})"
        return Detection("generic", 1.0 - confidence, (reason,), name)
    return Detection(name, confidence, (why,), runner)
