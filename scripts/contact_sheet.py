"""Write a contact sheet of every page of every PDF report, to look at all reports at a glance.

One row per report (its file name above it), every page side by side, landscape pages as
wide as they are; long reports wrap onto further rows. Pages are drawn with pypdfium2.

Run::

    .venv/bin/python scripts/contact_sheet.py demo-output --out contact-sheet.png [--height 220]

``demo-output`` may be a folder (searched for ``*.pdf``) or PDF files. Prints the sheet's path.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

log = logging.getLogger("contact_sheet")
LABEL = 18
GAP = 8


def pdfs(sources: list[Path]) -> list[Path]:
    """PDF files named, or found below the folders named, sorted."""
    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            found += sorted(source.rglob("*.pdf"))
        elif source.suffix.lower() == ".pdf" and source.is_file():
            found.append(source)
        else:
            raise SystemExit(f"{source} is neither a folder nor a PDF file")
    if not found:
        raise SystemExit(f"no PDF under {', '.join(map(str, sources))}")
    return found


def page_images(path: Path, height: int) -> list[Image.Image]:
    """Every page of ``path`` as an image ``height`` pixels high."""
    document = pdfium.PdfDocument(str(path))
    try:
        images = []
        for page in document:
            scale = height / page.get_height()
            images.append(page.render(scale=scale).to_pil().convert("RGB"))
            page.close()
        return images
    finally:
        document.close()


def contact_sheet(paths: list[Path], height: int = 220, width: int = 2400) -> Image.Image:
    """One image: per report a label and its pages in rows at most ``width`` pixels wide."""
    rows: list[tuple[str | None, list[Image.Image]]] = []
    for path in paths:
        label: str | None = f"{path.parent.name}/{path.name}"
        row: list[Image.Image] = []
        used = 0
        for image in page_images(path, height):
            if row and used + image.width > width:
                rows.append((label, row))
                label, row, used = None, [], 0
            row.append(image)
            used += image.width + GAP
        rows.append((label, row))
    sheet_height = sum(height + GAP + (LABEL if label else 0) for label, _ in rows)
    sheet = Image.new("RGB", (width, sheet_height + GAP), "white")
    draw = ImageDraw.Draw(sheet)
    y = GAP
    for label, row in rows:
        if label:
            draw.text((GAP, y), label, fill="black")
            y += LABEL
        x = GAP
        for image in row:
            sheet.paste(image, (x, y))
            draw.rectangle((x, y, x + image.width - 1, y + height - 1), outline=(160, 160, 160))
            x += image.width + GAP
        y += height + GAP
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path, help="folders or PDF files")
    parser.add_argument("--out", type=Path, default=Path("contact-sheet.png"))
    parser.add_argument("--height", type=int, default=220, help="page height in pixels")
    parser.add_argument("--width", type=int, default=2400, help="sheet width in pixels")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = pdfs(args.sources)
    sheet = contact_sheet(paths, args.height, args.width)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out)
    log.info("%s: %d report(s), %dx%d pixels", args.out, len(paths), *sheet.size)


if __name__ == "__main__":
    main()
