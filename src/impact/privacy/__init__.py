"""Privacy guard for publishable outputs: no identifiers, no free text, no small counts.

Everything a study run publishes (results bundles and rendered reports) is scanned before it is
moved into place:

* **forbidden strings** — raw linking codes (as typed and in their compact upper-case form),
  response ids and free-text answers (``comments``) must not appear in any text-like file:
  CSV/TSV, JSON, HTML, SVG, XML, Markdown/Quarto, Typst, YAML, the XML parts of DOCX/XLSX/PPTX/ODT,
  the text chunks of PNG files (also PNG and SVG images embedded in DOCX parts and in HTML
  ``data:`` URIs) and the text of PDF files (with ``pypdf``);
* **small counts** — no published CSV table may show a count of 1 to ``threshold − 1`` people,
  nor let one be derived within a row (``n − numerator``, ``participants − n``, a share of a
  small ``n``); ``results.json`` key numbers with unit ``count`` are checked the same way.
  Bundles whose ``kind`` holds no counts of people (``codebook``, ``power``) are not checked
  for small counts (still for forbidden strings).

The scan never skips silently: a file it cannot read (a damaged PDF or PNG, text that is not
UTF-8, a PDF without extractable text, a DOCX holding media it cannot look into, a file type
impact does not publish) is listed in ``PrivacyReport.unreadable`` and makes the report fail
(``ok`` is False), exactly like a leak.

The report never repeats a forbidden value: a leak is described by its kind, file and place,
and by where the value came from when the caller says so (``"from baseline.csv, response
12"``).

Matching rules (chosen to find real leaks without false alarms in base64 images or numbers):
identifiers are matched case-insensitively as whole words (a run of letters, digits and ``_``);
identifiers with separators (``"hu 14 he 3"``) are matched as text with word boundaries;
free texts are matched case-insensitively after collapsing white space. Values too short to be
recognised safely (identifiers under :data:`MIN_IDENTIFIER_LENGTH` characters or only digits,
free texts under :data:`MIN_FREE_TEXT_LENGTH` characters) are not searched and are counted in
``PrivacyReport.unchecked``.
"""

from impact.errors import PrivacyError
from impact.privacy.counts import count_columns
from impact.privacy.report import Leak, PrivacyReport
from impact.privacy.scan import assert_private, scan_outputs

__all__ = [
    "Leak",
    "PrivacyError",
    "PrivacyReport",
    "assert_private",
    "count_columns",
    "scan_outputs",
]
