"""Hostile text in the data: labels and names that must be shown as written, never act.

One small programme study (``impact synth programme --n 120``) gets these round labels in its
raw exports and this study name and organisation in its study file, and is run through
``impact run`` (reports in HTML, Word and PDF, per round). ``tests/test_escaping.py`` checks
each entry's promise; ``make_doc.py`` lists them in docs/reliability.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from impact.escaping import markdown_code


@dataclass(frozen=True)
class HostileText:
    """One piece of text from the data and what the user must see.

    Attributes
    ----------
    id : str
        Short unique name.
    where : str
        Where the text is put: ``round label``, ``study name`` or ``organisation``.
    text : str
        The text as the user's file holds it.
    sees : str
        What the outputs show (docs/reliability.md).
    rounds : tuple of str
        For a round label: the synthetic study's rounds that get it.
    """

    id: str
    where: str
    text: str
    sees: str
    rounds: tuple[str, ...] = ()


HOSTILE_TEXTS: tuple[HostileText, ...] = (
    HostileText(
        "script-in-round-label",
        "round label",
        "<script>alert(1)</script>",
        "HTML shows the text (`&lt;script&gt;…`), there is no `<script>` element; PDF and Word "
        "show it as written; its bundle and report folders are `round-_script_alert(1)_script_-`"
        "+ a short hash",
        ("R01", "R02", "R03"),
    ),
    HostileText(
        "formula-in-round-label",
        "round label",
        '=HYPERLINK("http://evil.example","klick")',
        "every CSV cell holding it (bundle tables, analyst-only tables) starts with `'` as OWASP "
        "recommends, while numbers (`-0.25`) stay numbers; HTML, PDF and Word show it as "
        "written (quotes typeset as “ ”)",
        ("R04", "R05", "R06"),
    ),
    HostileText(
        "markup-and-path-in-round-label",
        "round label",
        "../R #1 *b* _i_ $x$ @c `q` | ~s~ ^p^ [l](u) <i>",
        "HTML, PDF (Typst) and Word show every character as written: no heading, emphasis, "
        "math, citation, code, link or extra table column; the folder and file names replace "
        "`/` and `..` and add a short hash, and every file stays inside the output folder",
        ("R07", "R08"),
    ),
    HostileText(
        "case-only-round-labels",
        "round label",
        "Kv",
        "`Kv` and `KV` get two folders (`round-Kv-` and `round-KV-` + a short hash) that stay "
        "distinct on a file system that ignores case (macOS, Windows)",
        ("R09",),
    ),
    HostileText(
        "case-only-round-labels-2",
        "round label",
        "KV",
        "see `case-only-round-labels`",
        ("R10",),
    ),
    HostileText(
        "html-in-study-name",
        "study name",
        "Study <img src=x onerror=alert(1)> & $5 #1 @ref",
        "the title of every report (title page, HTML `<title>`) shows it as written; there is "
        "no `<img>` element and no event handler",
    ),
    HostileText(
        "markup-in-organisation",
        "organisation",
        "*Org* <b>bold</b>",
        "the author line shows it as written: no emphasis, no bold",
    ),
)


def round_labels() -> dict[str, str]:
    """New round label by the synthetic study's round (``R01`` → ``<script>…``)."""
    return {r: t.text for t in HOSTILE_TEXTS for r in t.rounds}


def text_of(where: str) -> str:
    """The hostile text put in the study file at ``where`` (study name, organisation)."""
    return next(t.text for t in HOSTILE_TEXTS if t.where == where)


SECTION_INTRO = """\
## Text from the data in outputs

Round labels, the study's name and organisation, answer and category labels, indicator labels
a study overrides and column names are data: wherever they reach an output they go through
`impact.escaping` and are shown as written, never acted on. Reports: the template API escapes
every value it puts into Markdown (`markdown_text`: every character Pandoc gives a meaning to is
backslash-escaped), so HTML, Word and Typst/PDF print it; translations are trusted Markdown and
are never escaped twice. CSV: every published CSV is written by `write_csv`, which prefixes a
text cell starting with `=`, `+`, `-`, `@`, tab, CR or LF (or their full-width forms) with `'`
(OWASP); numbers, also `-0.5` stored as text, stay numbers; impact's own readers remove the
`'` again. File names: `safe_filename` (NFC; no `/`, `\\`, `..`, NUL, control or
Windows-forbidden characters; at most 100 bytes; a short hash of the label when anything had to
change) and `safe_filenames` (labels that differ only by case get distinct names); `inside`
refuses a path outside the output folder. Figures are saved with matplotlib's mathtext off, so
`$` prints as written.

`tests/test_escaping.py` runs `impact run` once on a small synthetic study whose data hold
these texts, renders every report in HTML, Word and PDF with the fallback renderer, and checks
each promise below (HTML parsed: no element or attribute from the data; PDF text with pypdf,
Word text with python-docx; every CSV cell; every file's resolved path). Unit tests there cover
each special character (also in PDF and Word, in text and in table cells, where Typst would read
`- `, `+ `, `= `, `/ ` or `1. ` as a list or heading), the formula prefixes, NUL, control
characters, over-long names, reserved names, Unicode normalisation and the `$` in figures.

| case | where | text in the data | what the user sees |
|---|---|---|---|
"""


def section() -> str:
    """The docs/reliability.md section for these texts."""
    rows = []
    for t in HOSTILE_TEXTS:
        shown = markdown_code(t.text).replace("|", "\\|")  # a pipe would end the table cell
        rows.append(f"| `{t.id}` | {t.where} | {shown} | {t.sees} |")
    return SECTION_INTRO + "\n".join(rows) + "\n"
