"""Checks on an output path before any work starts: is impact allowed to write there?

Refused, each with the reason and what to do: the file system root and the home folder itself;
a path that is, contains or sits inside an input (study file, mapping, raw exports…); a file
where a folder is wanted; an existing folder that impact did not write (no manifest) unless it
is empty; a folder whose impact-written files were changed by the user since.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from impact.errors import ImpactError
from impact.outputs.manifest import Manifest, changed_files, is_housekeeping, read_manifest

_HOW = "Choose a new or empty folder for --out (or one impact wrote before)."


def _absolute(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().resolve()


def overlap(output: Path, source: Path) -> str | None:
    """How ``output`` and the input ``source`` overlap (both resolved), or None."""
    if output == source:
        return "is"
    if output in source.parents:
        return "contains"
    if source in output.parents:
        return "sits inside"
    return None


def check_not_input(output: Path, inputs: Iterable[str | os.PathLike[str]], what: str) -> None:
    """Refuse an output path that is, contains or sits inside any input path."""
    for given in inputs:
        source = _absolute(given)
        how = overlap(output, source)
        if how is not None:
            raise ImpactError(
                f"--out {what} {how} the input {source}; impact would overwrite or delete its own "
                f"input. {_HOW}"
            )


def check_folder_target(folder: Path, given: str | os.PathLike[str]) -> None:
    """Refuse the root, the home folder and a path that is not a folder."""
    if folder == Path(folder.anchor):
        raise ImpactError(f"--out {given} is the root of the file system. {_HOW}")
    if folder == _absolute(Path.home()):
        raise ImpactError(f"--out {given} is your home folder. {_HOW}")
    if os.path.lexists(folder) and not folder.is_dir():
        raise ImpactError(f"--out {given} ({folder}) exists and is not a folder. {_HOW}")


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check_owned(folder: Path, given: str | os.PathLike[str]) -> Manifest | None:
    """An existing folder must be empty or carry impact's manifest; return the manifest."""
    if not folder.is_dir():
        return None
    manifest = read_manifest(folder)
    if manifest is None:
        entries = sorted(e.name for e in folder.iterdir() if not is_housekeeping(e.name))
        if entries:
            raise ImpactError(
                f"--out {given} ({folder}) is a folder impact did not write: it holds "
                f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} ({_listing(entries)}) "
                "and no .impact-manifest.json. impact only replaces what it wrote itself and "
                f"nothing was changed. {_HOW}"
            )
    return manifest


def check_unchanged(
    folder: Path, manifest: Manifest | None, names: list[str] | None = None
) -> None:
    """Refuse when files impact wrote (all, or ``names``) were changed by the user since."""
    if manifest is None:
        return
    changed = changed_files(folder, manifest, names)
    if changed:
        raise ImpactError(
            f"{len(changed)} file(s) impact wrote in {folder} were changed after "
            f"{manifest.written_at or 'the earlier run'} ({_listing(changed)}); impact would "
            "replace them, so nothing was changed. Move your changed copies out of the folder "
            "(or delete them), or choose another --out, and run again."
        )


def check_new_files(folder: Path, manifest: Manifest | None, names: list[str]) -> None:
    """Refuse to replace files of ``names`` that exist in ``folder`` but impact did not write."""
    foreign = [
        n
        for n in names
        if os.path.lexists(folder / n) and (manifest is None or n not in manifest.files)
    ]
    if foreign:
        raise ImpactError(
            f"{_listing([str(folder / n) for n in foreign])} already exist(s) and impact did not "
            "write it; impact will not replace it and nothing was changed. Choose another name "
            "for --out, or move the file away and run again."
        )
