"""Adapters: read the exports survey tools actually write.

Each survey tool lays its export out its own way: header rows, the response id and time
columns, rows that are not real responses (previews, tests, unfinished answers), how a
checkbox question is written (one column per option or one cell with every ticked option) and
how dates are written. An :class:`Adapter` declares that layout (one module per tool in
:mod:`impact.ingest.adapters.tools`); :func:`impact.ingest.adapters.export.read_export` applies
it, chosen by a mapping's ``source:`` key or recognised from the header
(:func:`detect_source`, with a confidence and reasons the user sees).
"""

from impact.ingest.adapters.base import Adapter, DropRule, ExportColumn, normal_text
from impact.ingest.adapters.checkbox import RULE_WORDS, CheckboxCounts, CheckboxQuestion
from impact.ingest.adapters.detect import Detection, detect_source
from impact.ingest.adapters.registry import ADAPTERS, AUTO, adapter_names, get_adapter

__all__ = [
    "ADAPTERS",
    "AUTO",
    "RULE_WORDS",
    "Adapter",
    "CheckboxCounts",
    "CheckboxQuestion",
    "Detection",
    "DropRule",
    "ExportColumn",
    "adapter_names",
    "detect_source",
    "get_adapter",
    "normal_text",
]
