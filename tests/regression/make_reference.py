"""Regenerate the demo's regression reference (this folder), from a demo run.

Rerun this ONLY when a change in the demo's numbers, tables, figures or reports is intended
(and say so in the commit): the reference is what ``tests/test_regression_demo.py`` holds every
later change to, byte for byte. A refactor must pass that test without regenerating it.

Usage, from the repository root (with impact installed, e.g. ``.venv/bin/python``)::

    python tests/regression/make_reference.py             # runs `impact demo --no-render`
    python tests/regression/make_reference.py --demo DIR  # from its output, made earlier

Review the result with ``git diff --stat tests/regression`` and ``git diff
tests/regression/demo_bundle_tables tests/regression/reports``.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from regression.demo import (
    DIGESTS,
    REPORTS,
    TABLES,
    TEXTS,
    digest_outputs,
    format_digests,
    is_text,
    output_files,
    render_report_texts,
    run_demo,
    text_archive,
)

log = logging.getLogger("make_reference")


def write_reference(demo: Path, work: Path) -> None:
    """Write every reference file from the demo outputs in ``demo`` (scratch space in ``work``)."""
    DIGESTS.write_text(format_digests(digest_outputs(demo)), encoding="utf-8")
    names = output_files(demo)
    TEXTS.write_bytes(
        text_archive(demo, [n for n in names if is_text(n) and not n.startswith("inputs/")])
    )
    shutil.rmtree(TABLES, ignore_errors=True)
    for name in names:
        if "/bundles/" in name and "/tables/" in name and name.endswith(".csv"):
            target = TABLES / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(demo / name, target)
    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir()
    for name, text in render_report_texts(demo, work).items():
        (REPORTS / name).write_text(text, encoding="utf-8")
    log.info("reference written from %s: %d files", demo, len(names))


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and write the reference."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, help="an existing `impact demo --no-render` output")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="impact-reference-") as scratch:
        work = Path(scratch)
        demo = args.demo or run_demo(work / "demo")
        write_reference(demo, work / "reports")


if __name__ == "__main__":
    main()
