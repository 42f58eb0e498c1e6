"""The manifest of an output folder: what impact wrote there, so that only that is ever replaced.

Every folder impact writes carries ``.impact-manifest.json``: the impact version, the command,
the study, when, and every file impact wrote (relative path, size, modification time and
SHA-256). A later run replaces or removes only files listed there, and only while they are
unchanged; files the user added survive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from impact.errors import ImpactError

log = logging.getLogger(__name__)

MANIFEST_NAME = ".impact-manifest.json"
LOCK_NAME = ".impact-lock"
JOURNAL_NAME = ".impact-journal.json"
STAGING_PREFIX = ".impact-staging-"
FORMAT = "impact-output-manifest/1"


def is_housekeeping(name: str) -> bool:
    """True for the entries impact keeps in an output folder for itself (never user data)."""
    return name in (MANIFEST_NAME, LOCK_NAME, JOURNAL_NAME) or name.startswith(STAGING_PREFIX)


def now_utc() -> str:
    """The current time as ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileRecord:
    """One file impact wrote: size, modification time (ns) and SHA-256 of its bytes."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileRecord:
        """Describe the file at ``path`` as it is now."""
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns, file_sha256(path))

    def matches(self, path: Path) -> bool:
        """True when ``path`` still holds exactly what impact wrote (the hash decides when the
        size is the same but the modification time differs, e.g. after a copy)."""
        try:
            stat = path.lstat()
        except FileNotFoundError:
            return False
        if not path.is_file() or path.is_symlink() or stat.st_size != self.size:
            return False
        return stat.st_mtime_ns == self.mtime_ns or file_sha256(path) == self.sha256


@dataclass
class Manifest:
    """What impact wrote in one output folder.

    Attributes
    ----------
    files : dict of str → FileRecord
        Every file impact wrote, by path relative to the folder (``/``-separated).
    impact_version, command, study, written_at : str
        Which impact, which command line, which study (may be empty) and when (UTC).
    """

    files: dict[str, FileRecord] = field(default_factory=dict)
    impact_version: str = ""
    command: str = ""
    study: str = ""
    written_at: str = ""

    def to_json(self) -> str:
        """The manifest as JSON text (files sorted by path)."""
        content = {
            "format": FORMAT,
            "impact_version": self.impact_version,
            "command": self.command,
            "study": self.study,
            "written_at": self.written_at,
            "files": {
                name: {"size": r.size, "mtime_ns": r.mtime_ns, "sha256": r.sha256}
                for name, r in sorted(self.files.items())
            },
        }
        return json.dumps(content, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: Path) -> Manifest:
        """Read a manifest; a damaged one is an :class:`ImpactError` naming the file."""
        try:
            content = json.loads(text)
            if content.get("format") != FORMAT:
                raise ValueError(f"format {content.get('format')!r}, expected {FORMAT!r}")
            files = {
                safe_relative(name): FileRecord(int(r["size"]), int(r["mtime_ns"]), r["sha256"])
                for name, r in content["files"].items()
            }
            return cls(
                files=files,
                impact_version=str(content.get("impact_version", "")),
                command=str(content.get("command", "")),
                study=str(content.get("study", "")),
                written_at=str(content.get("written_at", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ImpactError(
                f"{source} is damaged ({error}), so impact cannot tell which files in "
                f"{source.parent} it wrote; it will not replace anything there. Choose a new or "
                "empty folder for --out, or move the files you want to keep elsewhere and delete "
                "the folder yourself."
            ) from None


def safe_relative(name: str) -> str:
    """A manifest path must stay inside its folder (no absolute paths, no ``..``)."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts or is_housekeeping(parts[0]):
        raise ValueError(f"the file entry {name!r} points outside the folder")
    return Path(name).as_posix()


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or None when it has none."""
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ImpactError(f"{path} cannot be read ({error}); check its permissions") from None
    return Manifest.from_json(text, path)


def describe_tree(root: Path) -> dict[str, FileRecord]:
    """Every file under ``root`` (relative ``/``-separated path → record)."""
    files = {}
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            files[path.relative_to(root).as_posix()] = FileRecord.of(path)
    return files


def changed_files(folder: Path, manifest: Manifest, names: list[str] | None = None) -> list[str]:
    """Files the manifest lists (or those of ``names`` it lists) that exist but were changed."""
    chosen = manifest.files if names is None else [n for n in names if n in manifest.files]
    return sorted(
        name
        for name in chosen
        if os.path.lexists(folder / name) and not manifest.files[name].matches(folder / name)
    )
