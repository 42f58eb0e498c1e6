"""The two text files every analysis folder ends with: ``summary.txt`` and ``settings.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def write_summary_and_settings(out: Path, summary: str, settings: Mapping[str, Any]) -> None:
    """Write ``summary`` (with a final newline) and ``settings`` (indented JSON) into ``out``."""
    (out / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    (out / "settings.json").write_text(
        json.dumps(settings, indent=2, default=str), encoding="utf-8"
    )
