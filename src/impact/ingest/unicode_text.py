"""Unicode normal form for text read from exports and mapping files.

The same letter can be stored two ways: ``å`` as one code point (NFC, what Windows and most
tools write) or as ``a`` plus a combining ring (NFD, what macOS file names and some exports
use). They look identical but compare unequal, so a header or answer label in NFD would not
match the mapping. Every header, every text cell and every string of a mapping file is put in
NFC (:func:`unicodedata.normalize`) when read.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["nfc", "nfc_strings"]


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (ASCII text is returned as is, quickly)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


def nfc_strings(value: Any) -> Any:
    """Every string in a parsed YAML document (keys and values, nested) in normal form C."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_strings(k): nfc_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc_strings(v) for v in value]
    return value
