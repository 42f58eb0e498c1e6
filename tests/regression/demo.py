"""The demo's outputs, digested and compared against the committed reference.

The reference (this folder) was made from ``impact demo --no-render`` on commit 222ba6c, before
the redesign of issue 21, by ``make_reference.py``:

``demo_outputs.sha256``
    sha256 and path of every file the demo writes (inputs, bundles, analyst-only tables), less
    the output manifest (it records times); ``run_summary.csv`` is hashed with the output
    folder's path replaced by ``<out>``.
``demo_bundle_tables/``
    The bundles' tables as plain CSV, so that a regenerated reference shows its changed numbers
    in ``git diff``.
``demo_text_outputs.tar.xz``
    Every text file of the outputs (bundles' ``results.json`` and tables, the analyst-only
    CSVs), so that the test can name a changed file's first differing line.
``reports/*.txt``
    The text of a few reports (HTML, rendered without Quarto), with each embedded image's
    alternative text and sha256 and the render date replaced by ``<render date>``.

The demo is deterministic: two runs differ only in the absolute paths of ``run_summary.csv``
and in the manifest, and two renders of a report only in its date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import lzma
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent
DIGESTS = REFERENCE / "demo_outputs.sha256"
TABLES = REFERENCE / "demo_bundle_tables"
TEXTS = REFERENCE / "demo_text_outputs.tar.xz"
REPORTS = REFERENCE / "reports"

#: Written by the output contract with times and absolute paths: not part of the reference.
SKIPPED = (".impact-manifest.json",)
#: Files holding the output folder's absolute path, hashed with it replaced by ``<out>``.
WITH_PATHS = ("run_summary.csv",)
TEXT_SUFFIXES = (".csv", ".json", ".txt", ".yaml", ".md")
#: (study, bundle) rendered for the report-text comparison, in every language, as HTML.
REPORT_BUNDLES = (
    ("programme", "project"),
    ("programme", "round-R01"),
    ("randomised", "rct"),
    ("randomised", "power"),
)
REPORT_LANGUAGES = ("sv", "en")
DEMO_TIMEOUT = 1800


def impact_command(*argv: object) -> list[str]:
    """The ``impact`` console script (next to this Python) with ``argv``."""
    return [str(Path(sys.executable).with_name("impact")), *map(str, argv)]


def run_impact(*argv: object, timeout: int = DEMO_TIMEOUT) -> None:
    """Run ``impact ARGV`` in a fresh process; raise with its output if it fails."""
    done = subprocess.run(impact_command(*argv), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(
            f"impact {' '.join(map(str, argv))} failed ({done.returncode}):\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )


def run_demo(out: Path) -> Path:
    """``impact demo --no-render --out OUT`` (the bundles and tables, no reports)."""
    run_impact("demo", "--no-render", "--out", out)
    return out


# --------------------------------------------------------------------------- file digests


def output_files(root: Path) -> list[str]:
    """Every file under ``root`` (relative, POSIX), less the skipped ones, sorted."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name not in SKIPPED
    )


def file_bytes(root: Path, relative: str) -> bytes:
    """A file's bytes as compared: with the output folder's path as ``<out>`` where recorded."""
    data = (root / relative).read_bytes()
    if Path(relative).name in WITH_PATHS:
        data = data.replace(str(root.resolve()).encode(), b"<out>")
        data = data.replace(str(root).encode(), b"<out>")
    return data


def digest_outputs(root: Path) -> dict[str, str]:
    """sha256 of every output file, by relative path."""
    return {f: hashlib.sha256(file_bytes(root, f)).hexdigest() for f in output_files(root)}


def read_digests(path: Path = DIGESTS) -> dict[str, str]:
    """The committed digests (``sha256  path`` per line, as ``sha256sum`` writes them)."""
    digests = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            digests[name] = digest
    return digests


def format_digests(digests: dict[str, str]) -> str:
    """``sha256  path`` lines, sorted by path."""
    return "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))


def is_text(relative: str) -> bool:
    """Whether a file's difference is shown as its first differing line."""
    return relative.endswith(TEXT_SUFFIXES)


def text_archive(root: Path, names: Iterable[str]) -> bytes:
    """A reproducible ``tar.xz`` of ``names`` under ``root`` (no times, owners or modes)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(names):
            data = file_bytes(root, name)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return lzma.compress(raw.getvalue(), preset=9 | lzma.PRESET_EXTREME)


def reference_texts(path: Path = TEXTS) -> dict[str, bytes]:
    """The committed text files, by relative path."""
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(path.read_bytes()))) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def first_difference(expected: bytes, actual: bytes) -> str:
    """Where two texts first differ: line number, expected line, actual line."""
    old = expected.decode("utf-8", "replace").splitlines()
    new = actual.decode("utf-8", "replace").splitlines()
    for number, (was, now) in enumerate(zip(old, new, strict=False), start=1):
        if was != now:
            return f"line {number}:\n    expected: {was[:300]}\n    actual:   {now[:300]}"
    if len(old) != len(new):
        return f"{len(old)} lines expected, {len(new)} found"
    return "same lines, different bytes (line endings or final newline)"


def compare_outputs(root: Path) -> list[str]:
    """Every difference between the demo's outputs under ``root`` and the reference."""
    expected = read_digests()
    actual = digest_outputs(root)
    problems = [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    problems += [f"extra: {name}" for name in sorted(actual.keys() - expected.keys())]
    changed = sorted(n for n in expected.keys() & actual.keys() if expected[n] != actual[n])
    texts = reference_texts() if any(is_text(n) for n in changed) else {}
    for name in changed:
        detail = ""
        if name in texts:
            detail = " at " + first_difference(texts[name], file_bytes(root, name))
        problems.append(f"changed: {name}{detail}")
    return problems


# --------------------------------------------------------------------------- report texts


class _HtmlText(HTMLParser):
    """The visible text of an HTML report, a line per block, images as alt text and sha256."""

    BLOCKS = frozenset(
        "p div section header footer nav h1 h2 h3 h4 h5 h6 li tr table thead tbody caption "
        "figure figcaption blockquote pre br hr dt dd title".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag == "img":
            found = dict(attrs)
            source = (found.get("src") or "").encode()
            digest = hashlib.sha256(source).hexdigest()[:16]
            self.parts.append(f"\n[image: {found.get('alt') or ''} | sha256 {digest}]\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_text(html: str, render_dates: Iterable[str] = ()) -> str:
    """The text of an HTML report, one block per line, with its render date normalised."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r" +", " ", line).strip() for line in "".join(parser.parts).splitlines())
    text = "\n".join(line for line in lines if line) + "\n"
    for date in render_dates:
        text = text.replace(date, "<render date>")
    return text


def render_report_texts(demo: Path, work: Path) -> dict[str, str]:
    """Render :data:`REPORT_BUNDLES` as HTML without Quarto; their texts by reference name."""
    texts = {}
    for study, bundle in REPORT_BUNDLES:
        out = work / f"{study}-{bundle}"
        before = dt.date.today().isoformat()
        run_impact(
            "report", demo / study / "bundles" / bundle, "--format", "html",
            "--renderer", "fallback", "--out", out,
            *(option for lang in REPORT_LANGUAGES for option in ("--lang", lang)),
        )  # fmt: skip
        dates = {before, dt.date.today().isoformat()}
        pages = sorted(out.glob("*.html"))
        for lang in REPORT_LANGUAGES:
            page = [p for p in pages if p.name.endswith(f".{lang}.html")]
            if len(page) != 1:
                raise RuntimeError(f"expected one {lang} HTML report in {out}, found {pages}")
            html = page[0].read_text(encoding="utf-8")
            texts[f"{study}-{bundle}.{lang}.txt"] = html_text(html, dates)
    return texts


def compare_report_texts(texts: dict[str, str]) -> list[str]:
    """Every difference between rendered report texts and the committed ones."""
    expected = {p.name: p.read_text(encoding="utf-8") for p in REPORTS.glob("*.txt")}
    problems = [f"missing report: {name}" for name in sorted(expected.keys() - texts.keys())]
    problems += [f"extra report: {name}" for name in sorted(texts.keys() - expected.keys())]
    for name in sorted(expected.keys() & texts.keys()):
        if expected[name] != texts[name]:
            where = first_difference(expected[name].encode(), texts[name].encode())
            problems.append(f"changed report: {name} at {where}")
    return problems
