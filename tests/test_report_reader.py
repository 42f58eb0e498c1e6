"""The reader checks themselves: they find what they claim to find (fast, no Quarto).

A tiny PDF with two text lines printed on top of each other and one running off the page
must fail :func:`reader_checks.pdf_problems`; a clean one must pass. The contact-sheet script
draws every page of every PDF it is given.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typst
from PIL import Image

from reader_checks import pdf_problems

ROOT = Path(__file__).resolve().parents[1]


def _pdf(tmp_path: Path, name: str, body: str) -> Path:
    source = tmp_path / f"{name}.typ"
    source.write_text('#set page(paper: "a6")\n' + body, encoding="utf-8")
    target = tmp_path / f"{name}.pdf"
    typst.compile(str(source), output=str(target))
    return target


def test_pdf_check_finds_overlapping_rows_and_text_off_the_page(tmp_path):
    bad = _pdf(
        tmp_path, "bad",
        "#place(top + left, dx: 0pt, dy: 40pt)[Row nineteen 12,5 %]\n"
        "#place(top + left, dx: 2pt, dy: 42pt)[Row twenty 13,0 %]\n"
        "#place(top + left, dx: 250pt, dy: 90pt)[This line runs off the page edge]\n",
    )  # fmt: skip
    problems = pdf_problems(bad)
    assert any(p.startswith("page 1: text overlaps: 'Row nineteen") for p in problems), problems
    assert any("runs off the page: 'This line" in p for p in problems), problems
    good = _pdf(tmp_path, "good", "= Heading\n\nRow nineteen 12,5 %\n\nRow twenty 13,0 %\n")
    assert pdf_problems(good) == []


def test_contact_sheet_draws_every_page(tmp_path):
    _pdf(tmp_path, "two", "One\n#pagebreak()\nTwo\n")
    _pdf(tmp_path, "one", "Only\n")
    out = tmp_path / "sheet.png"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "contact_sheet.py"), str(tmp_path),
         "--out", str(out), "--height", "100"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"{out}: 2 report(s)" in done.stderr
    with Image.open(out) as sheet:
        assert sheet.height >= 2 * 100  # one row per report
