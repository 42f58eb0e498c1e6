"""Small PDF files for the privacy tests, written with pypdf (no renderer needed)."""

from __future__ import annotations

import io

import pypdf
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def pdf_showing(text: bytes | None) -> bytes:
    """A one-page PDF showing ``text`` (Latin-1) in Helvetica; a blank page when None."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(300, 200)
    if text is not None:
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 12 Tf 20 100 Td (" + text + b") Tj ET")
        page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
