"""Benchmark: time and peak memory of reading a big raw export, against pandas' plain read_csv.

A synthetic programme study's baseline export (Belong's raw format: Swedish question texts and
answer labels, semicolon CSV in Windows-1252) is scaled up to each size by repeating its rows
with distinct response ids, in a temporary folder. Each measurement runs in a fresh process,
so its peak resident set size (``ru_maxrss``) is its own:

``impact``
    :func:`impact.ingest.read_table` — the whole ingest: encoding and delimiter detection,
    survey-tool adapter, mapping, type conversion, pandera validation (duplicate response
    ids) and the answer counts, in chunks of rows (CSV exports of 64 MB or more).
``impact whole``
    The same, read whole as before chunked reading existed (only at the smallest size: its
    memory grows about 30-fold the file size).
``pandas read_csv``
    ``pandas.read_csv(path, sep=";", encoding="cp1252")``: parsing only, no mapping or checks.

The sizes run side by side (so one run of all three fits in half an hour on a shared
machine); each measurement is still its own process, so its peak memory is its own, while its
time includes waiting for the cores. Run (one run measures every size; writes
benchmarks/results/ingest_memory.md)::

    .venv/bin/python benchmarks/ingest_memory.py            # 100 MB, 500 MB, 1 GB
    .venv/bin/python benchmarks/ingest_memory.py 20 50      # other sizes, in MB

or one measurement (prints one JSON line)::

    .venv/bin/python benchmarks/ingest_memory.py run impact FILE MAPPING
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "ingest_memory.md"
SIZES_MB = (100, 500, 1000)
WHOLE_UP_TO_MB = 100
ENCODING = "cp1252"


def make_export(source: Path, target: Path, size_mb: float) -> int:
    """Write ``target``: the header of ``source``, then its rows repeated up to ``size_mb``.

    Each copy of a row gets a distinct response id (the first column). Returns the data rows.
    """
    lines = source.read_text(encoding=ENCODING).splitlines()
    header, rows = lines[0], [line.split(";", 1)[1] for line in lines[1:] if line.strip()]
    limit = int(size_mb * 1_000_000)
    written, count = 0, 0
    with target.open("w", encoding=ENCODING, newline="") as handle:
        handle.write(header + "\r\n")
        written += len(header) + 2
        while written < limit:
            block = []
            for row in rows:
                line = f"R_{count:010d};{row}\r\n"
                block.append(line)
                written += len(line.encode(ENCODING))
                count += 1
                if written >= limit:
                    break
            handle.write("".join(block))
    return count


def _measure(kind: str, path: str, mapping: str) -> dict:
    """One measurement in this process: seconds (imports excluded), peak MB and rows."""
    import pandas as pd

    if kind == "pandas":
        start = time.perf_counter()
        rows = len(pd.read_csv(path, sep=";", encoding=ENCODING))
    else:
        import impact.ingest.single_file as single_file
        from impact.ingest import read_table

        if kind == "whole":
            single_file.CHUNKED_BYTES = 1 << 62
        start = time.perf_counter()
        rows = len(read_table(path, "baseline", mapping))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "seconds": round(seconds, 1), "peak_mb": round(peak), "rows": rows}


def _run(kind: str, path: Path, mapping: Path) -> dict:
    command = [sys.executable, __file__, "run", kind, str(path), str(mapping)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


_LABELS = {"impact": "impact (chunks)", "whole": "impact whole", "pandas": "pandas read_csv"}


def _size(base: Path, source: Path, mapping: Path, size: float) -> list[dict]:
    """Every measurement at one size, one after the other."""
    export = base / f"baseline-{size:g}MB.csv"
    count = make_export(source, export, size)
    file_mb = export.stat().st_size / 1_000_000
    rows = []
    for kind in ["impact", "pandas"] + (["whole"] if size <= WHOLE_UP_TO_MB else []):
        result = _run(kind, export, mapping)
        assert result["rows"] == count, (result, count)
        row = {"file_mb": round(file_mb), **result, "load": round(os.getloadavg()[0], 1)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    export.unlink()
    return rows


def main(sizes: list[float]) -> None:
    """Measure every size; the sizes run side by side (each measurement its own process)."""
    from impact.synth.demo import write_synthetic

    with tempfile.TemporaryDirectory(prefix="impact-ingest-memory-") as folder:
        base = Path(folder)
        write_synthetic("programme", base / "study", n=2000, seed=5)
        source = base / "study" / "raw" / "baslinje.csv"
        mapping = base / "study" / "mapping_belong_sv.yaml"
        with ThreadPoolExecutor(max_workers=len(sizes)) as pool:
            done = pool.map(lambda size: _size(base, source, mapping, size), sizes)
            rows = [row for rows in done for row in rows]
    _write(rows)


def _write(rows: list[dict]) -> None:
    lines = [
        "# Reading big exports: time and peak memory against file size",
        "",
        "Script: `benchmarks/ingest_memory.py` (`.venv/bin/python benchmarks/ingest_memory.py`,",
        "one run for every size). A synthetic baseline export in Belong's raw format (semicolon,",
        "Windows-1252, Swedish labels; ~225 bytes a row) repeated up to each size with distinct",
        "response ids. `impact (chunks)` is the whole `read_table` (adapter, mapping, types,",
        "pandera validation, answer counts) reading in chunks of 100,000 rows; `impact whole` the",
        "same read whole, as before; `pandas read_csv` parses only. Each run in a fresh process;",
        "peak = highest resident set size; load = 1-minute load average (the machine is shared).",
        "The sizes run side by side, so the seconds include waiting for the two cores.",
        "",
        "| file MB | reader | rows | seconds | peak MB | peak / file | load |",
        "|---|---|---|---|---|---|---|",
    ]
    order = list(_LABELS)
    for r in sorted(rows, key=lambda r: (r["file_mb"], order.index(r["kind"]))):
        ratio = r["peak_mb"] / max(r["file_mb"], 1)
        lines.append(
            f"| {r['file_mb']:,} | {_LABELS[r['kind']]} | {r['rows']:,} | {r['seconds']} | "
            f"{r['peak_mb']:,} | {ratio:.1f} | {r['load']} |"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        print(json.dumps(_measure(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main([float(a) for a in sys.argv[1:]] or list(SIZES_MB))
