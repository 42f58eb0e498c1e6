"""Benchmark: render a whole project's funder reports (10 rounds + project) in sv and en.

Steps: simulate the Jobbsteget-sized programme (511 participants, 10 rounds) with
:mod:`impact.synth`, link and compute indicators, run ``outcomes_by_round``, write 11 results
bundles, then ``render_all`` them in 2 languages × 3 formats (66 reports) with 2 worker
processes through the fallback renderer (Jupyter kernel + Pandoc + Typst).

Run::

    .venv/bin/python benchmarks/reports.py [--workers 2] [--out /tmp/impact-bench-reports]

Target (issue): under 3 minutes on a 2-core machine for the rendering.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from impact.analysis.outcomes import outcomes_by_round
from impact.indicators import compute_indicators
from impact.link import link_study
from impact.report.api import render_all, write_programme_bundle
from impact.synth import programme_study

STUDY = {"name": "Jobbsteget Tillsammans (synthetic)", "organisation": "Belong"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="impact-bench-reports-"))
    if root.exists():
        shutil.rmtree(root)
    warnings.simplefilter("ignore")

    t0 = time.perf_counter()
    study = programme_study(seed=20231101)
    linked = link_study(
        study.tables["baseline"], None, study.tables["result"], secret="benchmark-secret"
    )
    table = compute_indicators(linked.panel)
    waves = [c for c in linked.panel.columns if c.startswith(("b_", "r_"))]
    table = table.join(linked.panel[waves])
    outcomes = outcomes_by_round(table, targets={"job_or_steps": 0.90, "expanded_network": 0.80})
    t1 = time.perf_counter()
    for scope, result in outcomes.items():
        name = "programme" if scope == "all" else f"programme_{scope}"
        write_programme_bundle(
            root / "bundles" / name, outcomes=result, link_report=linked.report, study=STUDY,
            provenance={"seed": 20231101}, round_id=None if scope == "all" else scope,
        )  # fmt: skip
    t2 = time.perf_counter()
    batch = render_all(
        root / "bundles",
        langs=["sv", "en"],
        formats=["html", "docx", "pdf"],
        out_dir=root / "reports",
        workers=args.workers,
        renderer="fallback",
    )
    t3 = time.perf_counter()
    per_format = {}
    for r in batch.results:
        per_format.setdefault(r.fmt, []).append(r.seconds)
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    print(f"simulate + link + indicators + outcomes: {t1 - t0:.1f} s")
    print(f"write {len(outcomes)} bundles: {t2 - t1:.1f} s")
    print(f"render {len(batch.results)} reports ({len(batch.failures)} failed), "
          f"{args.workers} workers: {t3 - t2:.1f} s")  # fmt: skip
    for fmt, times in per_format.items():
        print(
            f"  {fmt}: mean {sum(times) / len(times):.2f} s per report (execution counted in html)"
        )
    print(f"output: {root}")
    if not batch.ok:
        print(batch.summary())


if __name__ == "__main__":
    main()
