"""impact — outcome evaluation and impact analysis of employment programmes.

The public API is what this package's face gives (everything else is internal, even when it
can be imported):

* :func:`load_study` — a study file → validated, linked tables with the indicators computed;
* :func:`load_config` — a study file → its validated settings;
* one namespace per stage, each a few verbs returning :class:`~impact.results.Result`
  objects (``tidy()``, ``summary()``, ``to_dict()``, HTML in notebooks):
  :mod:`impact.ingest`, :mod:`impact.link`, :mod:`impact.indicators`,
  :mod:`impact.outcomes`, :mod:`impact.rct`, :mod:`impact.attrition`, :mod:`impact.power`,
  :mod:`impact.timing`, :mod:`impact.matching`, :mod:`impact.report`, and
  :mod:`impact.synth` (synthetic studies with known truth);
* :func:`open_session` — a DuckDB or Spark session to reuse across calls with ``engine=``;
* :class:`ImpactError` (a mistake in the input: the message says how to fix it) and
  :class:`InputError` (every problem found in the inputs, as a table).

>>> import impact                                                   # doctest: +SKIP
>>> study = impact.load_study("study.yaml")                         # doctest: +SKIP
>>> impact.outcomes.indicator_shares(study.table, ["got_job"], by="gender")  # doctest: +SKIP

Names are imported on first use, so ``import impact`` itself is quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from impact._lazy import lazy_attributes
from impact._version import __version__

if TYPE_CHECKING:
    from impact import (
        attrition,
        indicators,
        ingest,
        link,
        matching,
        outcomes,
        power,
        rct,
        report,
        synth,
        timing,
    )
    from impact._study import load_config, load_study
    from impact.engines import open_session
    from impact.errors import ImpactError, InputError

#: The namespaces of the public API, in pipeline order.
NAMESPACES: tuple[str, ...] = (
    "ingest",
    "link",
    "indicators",
    "outcomes",
    "rct",
    "attrition",
    "power",
    "timing",
    "matching",
    "report",
    "synth",
)

__all__ = [
    "ImpactError",
    "InputError",
    "__version__",
    "attrition",
    "indicators",
    "ingest",
    "link",
    "load_config",
    "load_study",
    "open_session",
    "matching",
    "outcomes",
    "power",
    "rct",
    "report",
    "synth",
    "timing",
]

if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute
    __getattr__, __dir__ = lazy_attributes(
        __name__,
        {
            **{name: f"{__name__}.{name}" for name in NAMESPACES},
            "load_study": "impact._study",
            "load_config": "impact._study",
            "ImpactError": "impact.errors",
            "InputError": "impact.errors",
            "open_session": "impact.engines",
        },
        eager=["__version__", "NAMESPACES"],
    )
