"""Small counts: published tables and key numbers must not show (or let a reader derive) a count
of 1 to ``threshold − 1`` people.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

from impact.privacy.report import Leak

#: Names of columns that hold counts of people in published tables (exact, before ``_``).
COUNT_WORDS = (
    "n",
    "count",
    "counts",
    "numerator",
    "denominator",
    "participants",
    "respondents",
    "persons",
    "people",
    "events",
    "non_events",
    "answered",
    "missing",
    "linked",
    "unmatched",
    "records",
    "yes",
    "no",
    "dont_know",
    "yes_relevant",
    "with_baseline",
    "randomised",
    "analysed",
)
_COUNT_NAME = re.compile(
    r"^(?:(?:{words})(?:_.+)?|.+_(?:{words}))$".format(words="|".join(COUNT_WORDS))
)
#: Within a row, ``total − part`` is a count of people too (the parts a reader can subtract).
DERIVED_PAIRS = (
    ("n", "numerator"),
    ("participants", "n"),
    ("participants", "respondents"),
    ("participants", "missing"),
    ("n", "events"),
    ("answered", "yes"),
)
#: Words that make a column a statistic rather than a count (``share_linked``, ``linked_rate``).
NOT_COUNT_WORDS = frozenset(
    {"share", "rate", "pct", "percent", "proportion", "ratio", "mean", "median", "sd", "se"}
    | {"ci", "low", "high", "lower", "upper", "p", "estimate", "difference", "diff", "pp"}
    | {"target", "weight", "ame", "or", "z", "t", "stat", "value", "year", "month", "age"}
    # counts of things other than people
    | {"covariates", "rates", "draws", "sims", "bootstrap", "iterations", "parameters"}
    | {"outcomes", "tests", "strata", "rounds", "levels", "groups", "categories", "waves"}
)
#: Bundle kinds that hold no counts of people (indicator versions, planned sample sizes).
NO_PERSON_COUNTS = frozenset({"codebook", "power"})
_SUPPRESSED = re.compile(r"^(?:<\s*\d+|\.\.)$")


def count_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns of a published table that hold counts of people.

    A column is a count column when its name is a count word (``n``, ``numerator``,
    ``participants``, ``yes``, …, alone or as ``n_treatment`` / ``women_n``), has no word of
    a statistic (``share``, ``rate``, ``mean``, ``ci`` …: :data:`NOT_COUNT_WORDS`) and every
    shown value is a whole number; or when it holds a suppression mark (``<5``, ``..``).

    Parameters
    ----------
    header : sequence of str
        Column names.
    rows : sequence of sequences of str
        The cells as published (text).

    Returns
    -------
    list of str
    """
    found = []
    for j, name in enumerate(header):
        cells = [row[j].strip() for row in rows if j < len(row) and row[j].strip()]
        marked = any(_SUPPRESSED.match(c) for c in cells)
        shown = [c for c in cells if not _SUPPRESSED.match(c)]
        whole = all(_whole(c) is not None for c in shown)
        lowered = name.strip().lower()
        statistic = bool(NOT_COUNT_WORDS & set(lowered.split("_")))
        if marked or (_COUNT_NAME.match(lowered) and not statistic and whole):
            found.append(name)
    return found


def _whole(text: str) -> int | None:
    try:
        value = float(text.replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        return None
    return int(value) if value.is_integer() and value >= 0 else None


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 1 <= value < threshold


def table_counts(path: Path, name: str, threshold: int) -> list[Leak]:
    """Small counts shown (or derivable within a row) in a published CSV/TSV table."""
    text = path.read_bytes().decode("utf-8-sig", "replace")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not table:
        return []
    header, rows = table[0], table[1:]
    counts = count_columns(header, rows)
    position = {c: header.index(c) for c in header}
    leaks: list[Leak] = []
    for r, row in enumerate(rows, start=1):

        def cell(column: str, row: list[str] = row) -> int | None:
            j = position.get(column)
            return _whole(row[j].strip()) if j is not None and j < len(row) else None

        for column in counts:
            if _small(cell(column), threshold):
                leaks.append(
                    Leak(
                        name,
                        "small_count",
                        f"row {r}, column '{column}'",
                        f"a count below the suppression threshold {threshold} is shown",
                    )
                )
        for total, part in DERIVED_PAIRS:
            if total in counts and part in counts:
                a, b = cell(total), cell(part)
                if a is not None and b is not None and _small(a - b, threshold):
                    leaks.append(
                        Leak(
                            name,
                            "small_count",
                            f"row {r}, columns '{total}' − '{part}'",
                            f"the difference is a count below the suppression threshold "
                            f"{threshold}",
                        )
                    )
        leaks += _share_leaks(name, header, row, r, cell, threshold)
    return leaks


def _share_leaks(name, header, row, r, cell, threshold) -> list[Leak]:
    """A share shown beside its ``n`` reveals numerator and non-events."""
    if "share" not in header or "n" not in header:
        return []
    n = cell("n")
    try:
        share = float(row[header.index("share")])
    except (ValueError, IndexError):
        return []
    if n is None or n == 0 or share != share:
        return []
    share = share / 100 if share > 1 else share
    events = round(share * n)
    if _small(events, threshold) or _small(n - events, threshold):
        return [
            Leak(
                name,
                "small_count",
                f"row {r}, columns 'share' × 'n'",
                f"the share of n reveals a count below the suppression threshold {threshold}",
            )
        ]
    return []


def bundle_kind(table: Path) -> str | None:
    """The ``kind`` of the results bundle a table belongs to (None outside a bundle)."""
    for folder in (table.parent, table.parent.parent):
        results = folder / "results.json"
        if results.is_file():
            try:
                kind = json.loads(results.read_text(encoding="utf-8")).get("kind")
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                return None
            return kind if isinstance(kind, str) else None
    return None


def json_counts(document: object, name: str, threshold: int) -> list[Leak]:
    """Key numbers of a results bundle with unit ``count`` (or a small ``n``).

    Bundles of the kinds in :data:`NO_PERSON_COUNTS` are not checked: their numbers are not
    about people.
    """
    leaks: list[Leak] = []
    if not isinstance(document, dict) or document.get("kind") in NO_PERSON_COUNTS:
        return leaks
    numbers = document.get("numbers")
    if not isinstance(numbers, dict):
        return leaks
    for key, entry in numbers.items():
        if not isinstance(entry, dict) or entry.get("value") is None:
            continue
        value, n = entry.get("value"), entry.get("n")
        if entry.get("unit") == "count" and isinstance(value, int | float):
            if _small(_whole(str(value)), threshold):
                leaks.append(
                    Leak(
                        name,
                        "small_count",
                        f"numbers.{key}",
                        f"a count below the suppression threshold {threshold} is shown",
                    )
                )
        if isinstance(n, int | float) and _small(_whole(str(n)), threshold):
            leaks.append(
                Leak(
                    name,
                    "small_count",
                    f"numbers.{key}.n",
                    f"a number based on fewer than {threshold} people is shown",
                )
            )
    return leaks
