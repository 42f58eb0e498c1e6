"""The CONSORT 2025 checklist: its 30 items (42 rows with the lettered sub-items), in order.

Source: Hopewell S, Chan A-W, Collins GS, et al. CONSORT 2025 statement: updated guideline for
reporting randomised trials. *BMJ* 2025;389:e081123 (also *Lancet*, *JAMA*, *PLOS Medicine*
2025;22(4):e1004587, Table 1, CC BY). The item wording (English, verbatim; Swedish, the
project's own translation) is in the message catalogue under ``labels.consort2025.items``
with the key ``i<item>``; the section and topic names under ``labels.consort2025.sections`` and
``.topics``.
"""

from __future__ import annotations

from typing import NamedTuple


class ChecklistItem(NamedTuple):
    """One row of the checklist: ``item`` (``"1a"``), ``number`` (1–30), section and topic."""

    item: str
    number: int
    section: str
    topic: str


_ROWS: tuple[tuple[str, str, str], ...] = (
    ("1a", "title_abstract", "title_abstract"),
    ("1b", "title_abstract", "title_abstract"),
    ("2", "open_science", "registration"),
    ("3", "open_science", "protocol"),
    ("4", "open_science", "data_sharing"),
    ("5a", "open_science", "funding"),
    ("5b", "open_science", "funding"),
    ("6", "introduction", "background"),
    ("7", "introduction", "objectives"),
    ("8", "methods", "involvement"),
    ("9", "methods", "design"),
    ("10", "methods", "changes"),
    ("11", "methods", "setting"),
    ("12a", "methods", "eligibility"),
    ("12b", "methods", "eligibility"),
    ("13", "methods", "intervention"),
    ("14", "methods", "outcomes"),
    ("15", "methods", "harms"),
    ("16a", "methods", "sample_size"),
    ("16b", "methods", "sample_size"),
    ("17a", "methods", "sequence"),
    ("17b", "methods", "sequence"),
    ("18", "methods", "concealment"),
    ("19", "methods", "implementation"),
    ("20a", "methods", "blinding"),
    ("20b", "methods", "blinding"),
    ("21a", "methods", "statistics"),
    ("21b", "methods", "statistics"),
    ("21c", "methods", "statistics"),
    ("21d", "methods", "statistics"),
    ("22a", "results", "flow"),
    ("22b", "results", "flow"),
    ("23a", "results", "recruitment"),
    ("23b", "results", "recruitment"),
    ("24a", "results", "delivery"),
    ("24b", "results", "delivery"),
    ("25", "results", "baseline"),
    ("26", "results", "estimation"),
    ("27", "results", "harms"),
    ("28", "results", "ancillary"),
    ("29", "discussion", "interpretation"),
    ("30", "discussion", "limitations"),
)

#: Every row of the checklist, in the published order.
ITEMS: tuple[ChecklistItem, ...] = tuple(
    ChecklistItem(item, int(item.rstrip("abcd")), section, topic) for item, section, topic in _ROWS
)

#: Items the analysis cannot know at all: left to the author.
AUTHOR_ITEMS: frozenset[str] = frozenset(
    {
        "2", "3", "5a", "5b", "6", "8", "10", "11", "12a", "12b", "13", "15", "16b", "18",
        "19", "20a", "20b", "23a", "23b", "24b", "27", "29",
    }
)  # fmt: skip
