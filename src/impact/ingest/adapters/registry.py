"""The registry of adapters: every tool impact reads, by the name a mapping's ``source:`` uses."""

from __future__ import annotations

from impact.errors import InputError, Problem
from impact.ingest.adapters.base import Adapter
from impact.ingest.adapters.tools import (
    generic,
    google_forms,
    kobo,
    limesurvey,
    microsoft_forms,
    netigate,
    odk,
    qualtrics,
    surveymonkey,
    typeform,
)
from impact.ingest.yaml_problems import suggest

__all__ = ["ADAPTERS", "AUTO", "adapter_names", "get_adapter"]

#: ``source: auto`` (or no ``source``) detects the tool from the file's header.
AUTO = "auto"

ADAPTERS: dict[str, Adapter] = {
    module.ADAPTER.name: module.ADAPTER
    for module in (
        generic,
        google_forms,
        microsoft_forms,
        surveymonkey,
        qualtrics,
        limesurvey,
        kobo,
        odk,
        netigate,
        typeform,
    )
}


def adapter_names() -> list[str]:
    """Names accepted by a mapping's ``source:`` key (``auto`` included)."""
    return [AUTO, *ADAPTERS]


def get_adapter(name: str, source: str = "mapping") -> Adapter:
    """The adapter called ``name``.

    Raises
    ------
    InputError
        When no adapter has that name (the message lists them and suggests the closest).
    """
    try:
        return ADAPTERS[name]
    except KeyError:
        names = adapter_names()
        raise InputError(
            f"Unknown survey tool '{name}'",
            [
                Problem(
                    source=source,
                    column="source",
                    value=name,
                    expected=f"one of {', '.join(names)}{suggest(name, names)}",
                )
            ],
        ) from None
