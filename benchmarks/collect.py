"""Collect the benchmark result pages (benchmarks/results/*.md) into docs/benchmarks.md.

Run after a benchmark script has updated its page: ``.venv/bin/python benchmarks/collect.py``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
ORDER = ["link", "rct", "power", "cost", "reports", "scale"]
HEADER = """# Benchmarks

Measured on demand, never in timed tests. Each section is written by its script in
`benchmarks/` (run it with `.venv/bin/python benchmarks/<name>.py`); this page is assembled by
`benchmarks/collect.py`. Machine: 2 cores, 24 GiB, x86_64, Python 3.11 — the CI machine's kind.
"""


def main() -> None:
    pages = sorted((ROOT / "results").glob("*.md"))
    rank = {name: i for i, name in enumerate(ORDER)}
    pages.sort(key=lambda p: (rank.get(p.stem, len(ORDER)), p.stem))
    parts = [HEADER]
    for page in pages:
        text = page.read_text(encoding="utf-8").strip()
        # demote the page's headings by one level so they nest under this page's title
        lines = [("#" + line) if line.startswith("#") else line for line in text.splitlines()]
        parts.append("\n".join(lines))
    (ROOT.parent / "docs" / "benchmarks.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
