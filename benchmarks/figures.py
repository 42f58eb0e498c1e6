"""Time writing one programme results bundle (almost all of it: drawing and saving figures).

Run ``.venv/bin/python benchmarks/figures.py [--profile]``. The bundle is built from the
synthetic programme table of ``tests/report_fixtures.py`` (150 people, 2 rounds, 6 figures in
two languages, PNG and SVG); one warm-up bundle is written first (imports, font cache), then
three timed ones. Prints wall and CPU seconds per bundle; ``--profile`` adds a cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from impact.analysis.outcomes import outcomes_by_round
from impact.report.api import write_programme_bundle
from report_fixtures import PROVENANCE, STUDY, programme_table


def main() -> None:
    """Write the bundles and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one bundle")
    parser.add_argument("--repeat", type=int, default=3, help="timed bundles (default 3)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    targets = {"job_or_steps": 0.9, "expanded_network": 0.8}
    outcomes = outcomes_by_round(programme_table(), targets=targets)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_programme_bundle(out / "warm", outcomes=outcomes["R01"], study=STUDY,
                               provenance=PROVENANCE, round_id="R01")  # fmt: skip
        for i in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            write_programme_bundle(out / f"programme{i}", outcomes=outcomes["all"], study=STUDY,
                                   provenance=PROVENANCE)  # fmt: skip
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"programme bundle {i + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            write_programme_bundle(out / "profiled", outcomes=outcomes["all"], study=STUDY,
                                   provenance=PROVENANCE)  # fmt: skip
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
