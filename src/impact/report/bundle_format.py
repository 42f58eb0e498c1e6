"""The results bundle's format: its kinds, file names, units and languages, the columns no
bundle table may have, and the SHA-256 of its files (see
:mod:`impact.report.bundle`)."""

from __future__ import annotations

import hashlib
import os
from typing import Literal, get_args

from impact.i18n import LANGUAGES

BundleKind = Literal["programme", "rct", "power", "codebook"]
KINDS: tuple[str, ...] = get_args(BundleKind)
FORMAT = "impact-results-bundle"
FORMAT_VERSION = 1
RESULTS_FILE = "results.json"
UNITS = ("share", "pp", "p", "count", "number", "text")
FIGURE_FORMATS = ("png", "svg")
#: Resolution of the PNG figures of a bundle.
FIGURE_DPI = 150
LANGS = LANGUAGES

#: Columns that identify people or hold free text: never allowed in a bundle table.
FORBIDDEN_COLUMNS = frozenset(
    {
        "person_id",
        "link_code",
        "response_id",
        "record",
        "spine_record",
        "study_id",
        "comments",
        "r_comments",
    }
)


#: How to fix a bundle that is incomplete, corrupt or edited.
REWRITE_FIX = (
    "fix: write the bundle again with the command that made it (`impact run`); do not edit "
    "bundle files by hand"
)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (hex), e.g. for the input-file hashes of the provenance."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
