"""Look at rendered reports as a reader does: HTML in headless Chromium, PDF pages as boxes.

* :func:`html_problems` opens an HTML report in Debian's ``chromium`` driven by Playwright and
  lists every broken image, dead internal link (``#id`` with no such element, or a relative
  link to a file that is not beside the report), console error and element whose text
  overflows its box.
* :func:`pdf_problems` reads each PDF page's text boxes with pypdfium2 and lists text that runs
  off the page and text lines that overlap one another (the symptom of table rows printed on
  top of each other at a page foot).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium (``$CHROMIUM_PATH`` or ``chromium`` on PATH)."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and Path(configured).is_file():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium (Playwright's API on the system browser; no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


_PAGE_CHECKS = """() => {
  const broken = Array.from(document.images)
    .filter(i => !i.complete || i.naturalWidth === 0)
    .map(i => 'broken image: ' + (i.alt || i.src.slice(0, 80)));
  const dead = Array.from(document.querySelectorAll('a[href^="#"]'))
    .map(a => a.getAttribute('href').slice(1))
    .filter(id => id && !document.getElementById(decodeURIComponent(id)))
    .map(id => 'dead internal link: #' + id);
  const files = Array.from(document.querySelectorAll('a[href]'))
    .map(a => a.getAttribute('href'))
    .filter(h => !h.startsWith('#') && !/^[a-z]+:/i.test(h));
  const overflow = [];
  for (const el of document.querySelectorAll('main *, #quarto-document-content *, body > *')) {
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.overflowX !== 'visible') continue;
    if (el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0) {
      const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
      overflow.push(`text overflows its ${el.tagName.toLowerCase()} ` +
                    `(${el.scrollWidth}px in ${el.clientWidth}px): "${text}"`);
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth + 2) {
    overflow.push(`the page is wider than the window (${page.scrollWidth}px)`);
  }
  return {problems: [...broken, ...dead, ...overflow], files: files};
}"""


def html_problems(browser_: object, path: Path, width: int = 1280) -> list[str]:
    """Problems a reader of ``path`` would see in Chromium (empty when none)."""
    page = browser_.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []

    def console(message) -> None:
        if message.type == "error":
            errors.append(f"console error: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"failed request: {r.url[:100]}"))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        found = page.evaluate(_PAGE_CHECKS)
    finally:
        page.close()
    missing = [
        f"dead internal link: {href} (no such file beside the report)"
        for href in found["files"]
        if not (path.parent / unquote(href.split("#")[0])).exists()
    ]
    return errors + found["problems"] + missing


def _boxes(page) -> list[tuple[float, float, float, float, str]]:
    """Text boxes (left, bottom, right, top, text) of a pypdfium2 page, one per text run."""
    text = page.get_textpage()
    boxes = []
    for i in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(i)
        content = text.get_text_bounded(left, bottom, right, top).strip()
        if content:
            boxes.append((left, bottom, right, top, content))
    text.close()
    return boxes


def _overlap(a: tuple, b: tuple) -> float:
    """Overlapping area of two boxes as a share of the smaller box's area."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


def pdf_problems(path: Path, *, tolerance: float = 0.25) -> list[str]:
    """Text running off a page, and text boxes overlapping by more than ``tolerance``."""
    import pypdfium2 as pdfium

    problems: list[str] = []
    document = pdfium.PdfDocument(str(path))
    try:
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            boxes = _boxes(page)
            for left, bottom, right, top, content in boxes:
                if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                    problems.append(f"page {number}: text runs off the page: {content[:60]!r}")
            ordered = sorted(boxes, key=lambda b: (-b[3], b[0]))
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if b[3] < a[1]:  # b lies wholly below a; so do the rest
                        break
                    if _overlap(a, b) > tolerance:
                        problems.append(
                            f"page {number}: text overlaps: {a[4][:40]!r} and {b[4][:40]!r}"
                        )
            page.close()
    finally:
        document.close()
    return problems
