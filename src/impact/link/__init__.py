"""Link anonymous survey waves person by person and pseudonymise the result.

Stages: normalise codes → exact links (study id; code + birth year + gender + round) → Splink on the
remainder → one-to-one assignment; duplicates within a wave are resolved first. Raw codes are
replaced by keyed hashes (HMAC-SHA256) as soon as they are read. See ``docs/linking.md``.
"""

from impact.link.api import link_study, link_waves
from impact.link.blocking import BLOCKINGS, Blocking
from impact.link.normalise import CodeLayout, normalise_code, normalise_codes
from impact.link.options import DEFAULT_THRESHOLD, LinkOptions
from impact.link.report import LinkReport, standardised_difference
from impact.link.result import LinkResult

__all__ = [
    "BLOCKINGS",
    "DEFAULT_THRESHOLD",
    "Blocking",
    "CodeLayout",
    "LinkOptions",
    "LinkReport",
    "LinkResult",
    "link_study",
    "link_waves",
    "normalise_code",
    "normalise_codes",
    "standardised_difference",
]
