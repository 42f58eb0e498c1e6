"""The linking settings, validated once: :class:`LinkOptions`.

:func:`impact.link.link_study` and :func:`impact.link.link_waves` take the same keyword
options; they are gathered here, checked together (every bad option named at once) and handed
to :func:`impact.link.spine.link_to_spine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from impact.engines.selection import check_engine
from impact.errors import InputError, Problem
from impact.link.blocking import Blocking, check_blocking
from impact.link.records import InvalidCodes

#: Default Splink match probability threshold ("more likely than not"), chosen on synthetic
#: truth (benchmarks/link.py threshold sweep): F1 is highest from 0.3 to 0.5 and precision is
#: the same to three decimals up to 0.99, because the one-to-one assignment removes the
#: competing weak candidates; higher thresholds only lose recall.
DEFAULT_THRESHOLD = 0.5
#: Default probability band of the pairs listed for clerical review.
DEFAULT_REVIEW_BAND = (0.2, 0.98)


@dataclass(frozen=True)
class LinkOptions:
    """Every option of :func:`impact.link.link_study` except the tables and the session.

    The meaning of each field is documented there. Creating one validates the options:
    ``engine`` and ``blocking`` are normalised, the rest raise :class:`InputError` listing
    every bad value.
    """

    secret: str | bytes | None
    secret_env: str | None
    allow_ephemeral_secret: bool = False
    threshold: float = DEFAULT_THRESHOLD
    code_elements: Sequence[Sequence[object]] | None = None
    invalid_codes: InvalidCodes = "unlinked"
    review_band: Sequence[float] = DEFAULT_REVIEW_BAND
    m_priors: dict[str, float] | None = None
    engine: str = "pandas"
    blocking: Blocking = "thorough"

    def __post_init__(self) -> None:
        problems = _option_problems(self.threshold, self.invalid_codes, self.review_band)
        if problems:
            raise InputError("Invalid linking options", problems)
        object.__setattr__(self, "engine", check_engine(self.engine, "linking"))
        object.__setattr__(self, "blocking", check_blocking(self.blocking))


def _option_problems(
    threshold: object, invalid_codes: object, review_band: Sequence[float]
) -> list[Problem]:
    problems = []
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not (0 < threshold < 1)
    ):
        problems.append(
            Problem(
                "linking",
                "a probability strictly between 0 and 1",
                column="threshold",
                value=repr(threshold),
            )
        )
    if invalid_codes not in get_args(InvalidCodes):
        problems.append(
            Problem(
                "linking",
                f"one of {list(get_args(InvalidCodes))}",
                column="invalid_codes",
                value=repr(invalid_codes),
            )
        )
    band = tuple(review_band)
    if len(band) != 2 or not (0 <= band[0] <= band[1] <= 1):
        problems.append(
            Problem(
                "linking",
                "two probabilities (low, high) with low ≤ high",
                column="review_band",
                value=repr(review_band),
            )
        )
    return problems
