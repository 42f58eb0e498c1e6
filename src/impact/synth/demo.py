"""Write synthetic studies to disk atomically: one study, or the whole demo folder.

This is what ``impact synth`` calls. It writes under the output contract
(:class:`impact.outputs.OutputFolder`): the folder must be new, empty or written by impact
before; files appear only when complete, and only impact's own earlier files are replaced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from impact.errors import ImpactError
from impact.outputs import OutputFolder
from impact.results import Result
from impact.synth.exports import ExportKind
from impact.synth.programme import programme_study
from impact.synth.randomised import randomised_study
from impact.synth.register import register_extract
from impact.synth.study import RegisterExtract, SyntheticStudy

log = logging.getLogger(__name__)

What = Literal["programme", "randomised", "register", "all"]


@dataclass
class WrittenSynthetic(Result):
    """What :func:`write_synthetic` wrote: one row per study or extract."""

    root: Path
    rows: list[dict] = field(default_factory=list)
    title: str = "Synthetic data written"

    def tidy(self) -> pd.DataFrame:
        """Columns ``folder``, ``content``, ``config`` (or empty), ``persons``, ``input_rows``."""
        columns = ["folder", "content", "config", "persons", "input_rows"]
        return pd.DataFrame(self.rows, columns=columns)


def _row(folder: str, obj: SyntheticStudy | RegisterExtract, config: str) -> dict:
    persons = obj.truth["persons"] if "persons" in obj.truth else obj.tables["register_persons"]
    rows = sum(len(frame) for frame in obj.tables.values())
    content = obj.design if isinstance(obj, SyntheticStudy) else "register"
    return {
        "folder": folder,
        "content": content,
        "config": config,
        "persons": len(persons),
        "input_rows": rows,
    }


def write_synthetic(
    what: What,
    out: str | Path,
    *,
    seed: int | None = None,
    n: int | None = None,
    kind: ExportKind = "raw",
) -> WrittenSynthetic:
    """Generate and write synthetic data.

    Parameters
    ----------
    what : {"programme", "randomised", "register", "all"}
        One study / extract, or ``all``: ``programme/`` and ``randomised/`` (with the register
        extract attached) side by side, each with a ready ``study.yaml``.
    out : path
        Output folder: new, empty, or written by impact before (then its earlier files are
        replaced; files you added stay).
    seed : int, optional
        Seed; for ``all`` the randomised study uses ``seed + 1`` and the register ``seed + 2``.
        Default: each generator's own default seed.
    n : int, optional
        Size: participants (programme), people randomised (randomised), external pool
        (register). Not allowed with ``all``.
    kind : {"raw", "canonical"}
        Organisation-style exports or canonical CSV.
    """
    if what not in get_args(What):
        raise ImpactError(f"unknown synthetic data {what!r}; expected one of {get_args(What)}")
    if kind not in get_args(ExportKind):
        raise ImpactError(f"unknown --kind {kind!r}; expected 'raw' or 'canonical'")
    if n is not None and (what == "all" or n < 1):
        raise ImpactError("--n must be a positive number and cannot be used with 'all'")
    with OutputFolder(out, command=f"write_synthetic({what!r})", study=f"synthetic {what}") as f:
        written = write_synthetic_into(what, f.staging, seed=seed, n=n, kind=kind)
    written.root = Path(out)
    log.info("wrote synthetic %s data to %s", what, out)
    return written


def write_synthetic_into(
    what: What,
    directory: Path,
    *,
    seed: int | None = None,
    n: int | None = None,
    kind: ExportKind = "raw",
) -> WrittenSynthetic:
    """Write synthetic data into ``directory`` directly (created if needed), with no output
    checks: for a folder that is itself being staged (:func:`write_synthetic` and the demo)."""
    seeds = {} if seed is None else {"seed": seed}
    shifted = (lambda k: {"seed": seed + k}) if seed is not None else (lambda k: {})
    written = WrittenSynthetic(root=directory)
    tmp = Path(directory)
    tmp.mkdir(parents=True, exist_ok=True)
    if what == "programme":
        study = programme_study(**seeds, **({"n_participants": n} if n else {}))
        config = study.write(tmp, kind)
        written.rows.append(_row(".", study, config.name))
    elif what == "randomised":
        study = randomised_study(**seeds, **({"n_randomised": n} if n else {}))
        config = study.write(tmp, kind)
        written.rows.append(_row(".", study, config.name))
    elif what == "register":
        extract = register_extract(**seeds, **({"n_external": n} if n else {}))
        extract.write(tmp)
        written.rows.append(_row(".", extract, ""))
    else:
        programme = programme_study(**seeds)
        programme.write(tmp / "programme", kind)
        written.rows.append(_row("programme", programme, "programme/study.yaml"))
        rct = randomised_study(**shifted(1)).with_register(register_extract(**shifted(2)))
        rct.write(tmp / "randomised", kind)
        written.rows.append(_row("randomised", rct, "randomised/study.yaml"))
    return written
