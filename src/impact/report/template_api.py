"""What the Quarto templates import: read a bundle, translate, format numbers and tables.

A template's code cells stay short and only *format*: every number comes from the bundle
(``results.json`` and its CSV tables), every sentence from ``reports/i18n/<lang>.yml``. Cells
print Markdown (``#| output: asis``), which Quarto — or :mod:`impact.report.qmd` without
Quarto — passes on to Pandoc.

Text from the data (labels, round ids, the study's name, table cells, captions, analysis
sentences) is escaped wherever these methods put it into Markdown
(:func:`impact.escaping.markdown_text`): :meth:`Report.t` escapes the values it fills in,
:meth:`Report.table` every header and cell, :meth:`Report.text`, :meth:`Report.figure` and
:meth:`Report.front_matter` what they return. Translations are trusted Markdown
(:class:`~impact.escaping.Markdown`), so nothing is escaped twice. Accessors that return data
for the template's own logic (:meth:`Report.label`, :meth:`Report.study`, ``round_id``) return
it as it is: pass it through :meth:`Report.t` or :meth:`Report.table` to print it.

>>> r = open_report("output/bundles/programme", "sv")           # doctest: +SKIP
>>> print(r.fmt("share.job_or_steps"))                           # doctest: +SKIP
78,5 %
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from impact.escaping import (
    Markdown,
    markdown_attribute,
    markdown_code,
    markdown_text,
    spreadsheet_text,
)
from impact.i18n import numbers as nf
from impact.report.bundle import Bundle, BundleError, load_bundle
from impact.report.i18n import Translator
from impact.report.template_settings import settings_markdown
from impact.report.template_tables import KINDS, Column, col, infer_kind, table_row
from impact.report.template_tables import column_separator as _separator

__all__ = ["FIGURE_DIR", "KINDS", "Column", "Report", "col", "open_report"]

#: Folder (relative to the rendered document) that :meth:`Report.figure` copies figures into.
FIGURE_DIR = "report-figures"

#: How a suppressed count is written in a published table (impact.analysis.outcomes.suppression).
_SUPPRESSED = re.compile(r"^(\.\.|<\d+)$")


class Report:
    """A bundle opened in one language (see :func:`open_report`)."""

    def __init__(self, bundle: Bundle, lang: str, round_id: str | None = None):
        self.bundle = bundle
        self.lang = nf.check_lang(lang)
        self.tr = Translator(lang)
        own = bundle.content.get("round_id")
        if round_id and own != round_id:
            raise BundleError(
                f"bundle {bundle.path} describes round {own or 'all'}, not round {round_id!r}; "
                "render that round's bundle instead"
            )
        self.round_id = own

    # text ---------------------------------------------------------------------------------
    def t(self, key: str, **values: Any) -> Markdown:
        """Translated text of ``key``; placeholders are filled with ``values`` escaped.

        Values that are already Markdown (another translation) are filled in as they are.
        """
        escaped = {name: markdown_text(value) for name, value in values.items()}
        return Markdown(self.tr.t(key, **escaped))

    def label(self, ident: object) -> str:
        """Label of an indicator / outcome / group code from the bundle (the code if unknown)."""
        entry = self.bundle.content.get("labels", {}).get(str(ident))
        return entry[self.lang] if entry else str(ident)

    def text(self, key: str) -> Markdown:
        """A sentence the analysis wrote into the bundle, in this language (escaped)."""
        return markdown_text(self._text(key))

    def markdown(self, key: str) -> Markdown:
        """A text of the bundle that impact wrote *as Markdown* (the codebook's body).

        The writer of such a text escapes the data it contains
        (:func:`impact.indicators.codebook.codebook_markdown` does).
        """
        return Markdown(self._text(key))

    def _text(self, key: str) -> str:
        try:
            return self.bundle.content["texts"][key][self.lang]
        except KeyError:
            raise BundleError(
                f"bundle {self.bundle.path}: results.json has no text '{key}'"
            ) from None

    def study(self, key: str, default: str = "") -> str:
        """A field of the study block (name, organisation …)."""
        return str(self.bundle.content.get("study", {}).get(key) or default)

    def has(self, section: str) -> bool:
        """True when an optional section is in the bundle."""
        return self.bundle.has(section)

    def data(self, key: str, default: Any = None) -> Any:
        """A value of the bundle's ``data`` block (lists of ids, flags)."""
        return self.bundle.content.get("data", {}).get(key, default)

    # numbers ------------------------------------------------------------------------------
    def value(self, key: str) -> Any:
        """The raw value of a key number."""
        return self.bundle.value(key)

    def has_number(self, key: str) -> bool:
        """True when the bundle has the key number and it is not hidden/missing."""
        entry = self.bundle.content["numbers"].get(key)
        return entry is not None and entry["value"] is not None

    def fmt(self, key: str, digits: int = 1, *, sign: bool = False) -> str:
        """A key number formatted by its unit (share → percent, pp, p, count …)."""
        entry = self.bundle.number(key)
        return self.format(entry["value"], entry["unit"], digits, sign=sign)

    def n(self, key: str) -> str:
        """The n of a key number, formatted."""
        return nf.count(self.bundle.number(key)["n"], self.lang)

    def format(self, value: Any, unit: str, digits: int = 1, *, sign: bool = False) -> str:
        """Format a value by unit in this language."""
        lang = self.lang
        if unit == "share":
            if sign:
                return nf.share_points(value, lang, digits)
            return nf.percent(value, lang, digits)
        if unit == "pp":
            return nf.points(value, lang, digits)
        if unit == "p":
            return nf.pvalue(value, lang)
        if unit == "count":
            return nf.count(value, lang)
        if unit == "number":
            return nf.decimal(value, digits, lang, sign=sign)
        return nf.MISSING if nf.is_missing(value) else str(value)

    def pct(self, value: Any, digits: int = 1) -> str:
        """A share as a percentage."""
        return nf.percent(value, self.lang, digits)

    # tables and figures -------------------------------------------------------------------
    def rows(self, name: str, where: Mapping[str, object] | None = None) -> list[dict[str, str]]:
        """Rows of a bundle table (CSV text), optionally only those matching ``where``.

        Cells are read back as written before the CSV guarded them against formula injection
        (:func:`impact.escaping.spreadsheet_text`).
        """
        with open(self.bundle.table_path(name), encoding="utf-8", newline="") as handle:
            rows = [
                {spreadsheet_text(k): spreadsheet_text(v or "") for k, v in row.items() if k}
                for row in csv.DictReader(handle)
            ]
        for key, wanted in (where or {}).items():
            allowed = (
                {str(v) for v in wanted}
                if isinstance(wanted, list | tuple | set)
                else {str(wanted)}
            )
            rows = [r for r in rows if r.get(key) in allowed]
        return rows

    def cell(self, row: Mapping[str, str], column: Column) -> str:
        """Format one cell."""
        raw = row.get(column.field, "")
        lang, d = self.lang, column.digits
        kind = column.kind
        if kind in ("ci", "ci_pp", "ci_points"):
            low, high = raw, row.get(column.high or "", "")
            if kind == "ci":
                return nf.percent_interval(low, high, lang, d)
            scale = 100.0 if kind == "ci_pp" else 1.0
            if nf.is_missing(low) or nf.is_missing(high):
                return nf.MISSING
            return nf.interval(scale * float(low), scale * float(high), lang,
                               lambda v, lg: nf.decimal(v, d, lg))  # fmt: skip
        if _SUPPRESSED.match(raw.strip()):
            return raw.strip()  # suppressed count ("<5", ".."); a label such as "<b>" is not
        formatters: dict[str, Callable[[str], str]] = {
            "text": lambda v: v or nf.MISSING,
            "label": self.label,
            "translate": lambda v: self.t(f"{column.prefix}.{v}") if v else nf.MISSING,
            "count": lambda v: nf.count(v, lang),
            "percent": lambda v: nf.percent(v, lang, d),
            "share_pp": lambda v: nf.share_points(v, lang, d, unit=False),
            "points": lambda v: nf.points(v, lang, d, unit=False),
            "p": lambda v: nf.pvalue(v, lang),
            "number": lambda v: nf.decimal(v, d, lang) if nf.is_number(v) or not v else v,
            "bool": lambda v: self.t("common.yes" if v in ("True", "true", "1") else "common.no"),
        }
        return formatters[kind](raw)

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        *,
        caption: str,
        where: Mapping[str, object] | None = None,
        rows: Iterable[Mapping[str, str]] | None = None,
        ident: str | None = None,
        wide: bool = False,
        note: str | None = None,
    ) -> str:
        """A Markdown pipe table of a bundle table, with caption (and a note below).

        ``wide=True`` prints the table on a landscape page in smaller type in the PDF.
        """
        data = list(rows) if rows is not None else self.rows(name, where)
        header = [c.title or self.t(c.header) for c in columns]
        align = [_separator(c.kind, h) for c, h in zip(columns, header, strict=True)]
        lines = [table_row(header), "|" + "|".join(align) + "|"]
        lines += [table_row(self.cell(row, c) for c in columns) for row in data]
        label = f" {{#tbl-{ident or name}}}"
        block = "\n".join(lines) + f"\n\n: {markdown_text(caption)}{label}\n"
        if note:
            block += f"\n::: {{.table-note}}\n{markdown_text(note)}\n:::\n"
        if wide:
            block = (
                "\n```{=typst}\n#page(flipped: true)[\n#set text(size: 7.5pt)\n```\n\n"
                + block
                + "\n```{=typst}\n]\n```\n"
            )
        return "\n" + block + "\n"

    def auto_table(self, name: str, *, wide: bool | None = None) -> str:
        """A bundle table whose columns are not known in advance (optional sections).

        Column kinds are inferred from the names (``p``/``*_p``/``p_value`` → p-value,
        ``*share*``/``*rate*`` → percent, ``*_pp`` → points, ``n``/``n_*``/``events`` →
        count, other numbers → 2 decimals); headers come from ``columns.<name>`` in the
        translation file when present, else the column name.
        """
        entry = self.bundle.content["tables"][name]
        rows = self.rows(name)
        columns = []
        for field in entry["columns"]:
            if field == "suppressed":
                continue
            key = f"columns.{field}"
            title = self.t(key) if self.tr.has(key) else field.replace("_", " ")
            columns.append(Column(field, key, infer_kind(field, rows), title=title))
        wide = len(columns) > 7 if wide is None else wide
        return self.table(name, columns, caption=entry["title"][self.lang], rows=rows, wide=wide)

    def figure(self, name: str, *, caption: str | None = None, width: str = "85%") -> str:
        """Markdown for a bundle figure in this language.

        The figure's PNG and SVG are copied into ``report-figures/`` beside the document
        (the working directory of the render) and referenced *relatively and without an
        extension*: Quarto resolves a path starting with ``/`` against the project, and a
        relative path keeps the render self-contained. Each format picks its extension
        (``default-image-extension``: PNG for HTML and Word, SVG for the PDF).

        The figure's alt text (from the bundle; the caption for older bundles without one) is
        given twice: ``fig-alt`` for Quarto, ``alt`` for Pandoc, which writes it as the HTML
        ``<img alt>`` and the Word picture description.
        """
        entry = self.bundle.content["figures"].get(name)
        if entry is None:
            raise BundleError(f"bundle {self.bundle.path}: results.json has no figure '{name}'")
        stem = f"{name}_{self.lang}"
        target = Path(FIGURE_DIR)
        target.mkdir(exist_ok=True)
        for fmt in ("png", "svg"):
            shutil.copyfile(self.bundle.figure_path(name, self.lang, fmt), target / f"{stem}.{fmt}")
        shown = caption or entry["caption"][self.lang]
        alt = markdown_attribute(self.bundle.figure_alt(name, self.lang) or shown)
        attributes = f"#fig-{name} width={width} fig-alt={alt} alt={alt}"
        return f"\n![{markdown_text(shown)}]({FIGURE_DIR}/{stem}){{{attributes}}}\n"

    def has_figure(self, name: str) -> bool:
        """True when the bundle has this figure."""
        return name in self.bundle.content["figures"]

    def suppression_note(self) -> str:
        """The note explaining ``<k`` and ``..`` in tables."""
        k = self.data("suppression_threshold", 5)
        return self.t("common.suppression_note", k=nf.count(k, self.lang))

    # front matter -------------------------------------------------------------------------
    def front_matter(self, title: str, subtitle: str | None = None) -> str:
        """A YAML metadata block with title, subtitle, date, language and TOC title."""
        created = dt.date.today().isoformat()
        meta = {
            "title": markdown_text(title),
            "subtitle": markdown_text(subtitle or ""),
            "author": markdown_text(self.study("organisation")),
            "date": created,
            "lang": "sv-SE" if self.lang == "sv" else "en-GB",
            "toc-title": self.t("common.table_of_contents"),
        }
        body = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items() if v)
        return f"---\n{body}\n---\n"

    def settings(self) -> str:
        """A Markdown list of the study file's settings the run applied (caps, defaults)."""
        parameters = self.bundle.content.get("provenance", {}).get("parameters") or {}
        return settings_markdown(parameters, self.lang, self.t)

    def provenance(self) -> str:
        """A Markdown list of the bundle's provenance (version, seed, inputs with hashes)."""
        prov = self.bundle.content.get("provenance", {})
        version = markdown_text(prov.get("impact_version", nf.MISSING))
        lines = [f"- {self.t('common.impact_version')}: {version}"]
        if prov.get("seed") is not None:
            lines.append(f"- {self.t('common.seed')}: {markdown_text(prov['seed'])}")
        for name, entry in (prov.get("inputs") or {}).items():
            digest = str(entry.get("sha256", ""))[:12] if isinstance(entry, Mapping) else ""
            file = entry.get("file", name) if isinstance(entry, Mapping) else entry
            lines.append(f"- {self.t('common.input')} {markdown_code(name)}: "
                         f"{markdown_code(file)} (SHA-256 {markdown_text(digest)}…)")  # fmt: skip
        definitions = prov.get("definitions") or {}
        if definitions:
            listed = ", ".join(
                f"{markdown_code(k)} v{markdown_text(v)}" for k, v in definitions.items()
            )
            lines.append(f"- {self.t('common.definitions')}: {listed}")
        return "\n".join(lines) + "\n"


def open_report(bundle: str, lang: str, round_id: str | None = None) -> Report:
    """Open a bundle for a template: validated, in ``lang``, checked against ``round_id``."""
    return Report(load_bundle(bundle), lang, round_id or None)
