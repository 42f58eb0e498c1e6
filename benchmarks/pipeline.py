"""Benchmark of the study file's ``engine`` setting: ``prepare_study`` on pandas, DuckDB, Spark.

Run: ``.venv/bin/python benchmarks/pipeline.py [sizes…]`` (default 2,000, 10,000, 30,000 and
100,000 participants; the synthetic generator draws distinct codes, so about 150,000 is its
limit). Each measurement runs in its own process: a synthetic programme study
(:func:`impact.synth.programme_study`, 10 rounds, ~71 % answer the result survey, Belong's raw
export format) is written once per size, then ``prepare_study`` — reading and validating the
exports, linking the waves (``linking.blocking: thorough`` and ``linear``) and computing every
indicator — runs with ``engine: pandas``, ``duckdb`` and (smallest size only) ``spark``.
The stages are timed separately; the indicator table's digest shows the engines agree.
Writes ``benchmarks/results/pipeline.md`` (then run ``benchmarks/collect.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "benchmarks" / "results" / "pipeline.md"
#: Every measurement, one JSON line each; the page shows the latest per size/engine/blocking.
RAW = Path(os.environ.get("IMPACT_PIPELINE_RAW", "/tmp/impact_pipeline_benchmarks.jsonl"))
DEFAULT_SIZES = [2_000, 10_000, 30_000, 100_000]
SPARK_MAX = 2_000
SECRET = "benchmark-secret"


def _digest(table: pd.DataFrame) -> str:
    """A short digest of the indicator columns (equal tables, equal digests)."""
    ids = [d["id"] for d in table.attrs["indicators"]["definitions"]]
    text = table[ids].astype("string").fillna("NA").to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def measure(study_file: str, engine: str, blocking: str) -> dict:
    """One run of the three stages of ``prepare_study`` (called in a fresh process)."""
    from impact.indicators.compute import compute_indicators
    from impact.ingest import load_study
    from impact.ingest.config import load_config
    from impact.link import link_study

    config = load_config(study_file)
    seconds = {}
    clock = time.perf_counter()
    data = load_study(config)
    seconds["ingest"] = time.perf_counter() - clock
    clock = time.perf_counter()
    links = link_study(
        data.baseline,
        data.followup,
        data.result,
        None,
        secret=SECRET,
        engine=engine,
        blocking=blocking,
    )
    seconds["link"] = time.perf_counter() - clock
    clock = time.perf_counter()
    table = compute_indicators(links.panel, engine=engine)
    seconds["indicators"] = time.perf_counter() - clock
    waves = links.report.waves.set_index("wave")
    return {
        "engine": engine,
        "blocking": blocking,
        "rows": int(sum(len(t) for t in data.tables().values())),
        "persons": len(table),
        "linked": int(waves.loc["r", "linked"]),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "total": round(sum(seconds.values()), 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "digest": _digest(table),
    }


def _write_study(size: int, folder: Path) -> Path:
    from impact.synth import programme_study

    return programme_study(seed=20261122, n_participants=size).write(folder / f"study-{size}")


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            study = _write_study(size, Path(tmp))
            runs = [("pandas", "thorough"), ("duckdb", "thorough"), ("duckdb", "linear")]
            runs += [("pandas", "linear")]
            if size <= SPARK_MAX:
                runs.append(("spark", "thorough"))
            for engine, blocking in runs:
                command = [sys.executable, __file__, "run", str(study), engine, blocking]
                env = dict(os.environ, IMPACT_LINK_SECRET=SECRET)
                done = subprocess.run(command, capture_output=True, text=True, env=env)
                lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
                if not lines:
                    raise SystemExit(f"{engine} {size}: {done.stderr[-2000:]}")
                record = json.loads(lines[-1]) | {"size": size, "load": os.getloadavg()[0]}
                print(record, flush=True)
                with RAW.open("a", encoding="utf-8") as raw:
                    raw.write(json.dumps(record) + "\n")
    _write_page(_latest())


def _latest() -> list[dict]:
    """The latest measurement per (size, engine, blocking), by size."""
    latest: dict[tuple, dict] = {}
    for line in RAW.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        latest[(record["size"], record["engine"], record["blocking"])] = record
    return [latest[k] for k in sorted(latest, key=lambda k: k[0])]


def _write_page(rows: list[dict]) -> None:
    lines = [
        "# `impact run`'s engine setting: reading, linking and indicators",
        "",
        "Script: `benchmarks/pipeline.py` (`.venv/bin/python benchmarks/pipeline.py`). A synthetic",
        "programme study in Belong's raw export format (10 rounds, ~71 % answer the result survey)",
        "through the three stages of `prepare_study`, each run in a fresh process; `digest` is a",
        "hash of the indicator columns (equal digests: identical indicator tables).",
        "",
        "| participants | engine | blocking | rows read | persons | linked | ingest s | link s "
        "| indicators s | total s | peak MB | load | digest |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s = r["seconds"]
        lines.append(
            f"| {r['size']:,} | {r['engine']} | {r['blocking']} | {r['rows']:,} | "
            f"{r['persons']:,} | {r['linked']:,} | {s['ingest']} | {s['link']} | "
            f"{s['indicators']} | {r['total']} | {r['peak_mb']:,} | {r['load']:.1f} | "
            f"`{r['digest']}` |"
        )
    PAGE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "run":
        print(json.dumps(measure(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main([int(a) for a in sys.argv[1:]] or DEFAULT_SIZES)
