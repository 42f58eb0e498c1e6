"""Linking: anonymous survey waves joined person by person, pseudonymised.

The public namespace ``impact.link`` is the names in ``__all__``:

* :func:`link_study` — every wave of a study → :class:`LinkResult` (the linked panel, the
  pairs behind it and the :class:`LinkReport`);
* :func:`link_waves` — one later wave to the baseline.

Stages: normalise codes → exact links (study id; code + birth year + gender + round) → Splink on
the remainder → one-to-one assignment; duplicates within a wave are resolved first. Raw codes
are replaced by keyed hashes (HMAC-SHA256) as soon as they are read. Every other name
importable from here or from the submodules is internal. See ``docs/linking.md``.
"""

from impact.ingest.codes import CodeLayout as CodeLayout
from impact.ingest.codes import normalise_code as normalise_code
from impact.ingest.codes import normalise_codes as normalise_codes
from impact.link.api import link_study, link_waves
from impact.link.blocking import BLOCKINGS as BLOCKINGS
from impact.link.blocking import Blocking as Blocking
from impact.link.options import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from impact.link.options import LinkOptions as LinkOptions
from impact.link.report import LinkReport
from impact.link.report import standardised_difference as standardised_difference
from impact.link.result import LinkResult

__all__ = [
    "LinkReport",
    "LinkResult",
    "link_study",
    "link_waves",
]
