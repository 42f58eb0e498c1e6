"""Results bundles and reports: write what the analyses found, render it with Quarto templates.

The public namespace ``impact.report`` is the names in ``__all__``:

* ``write_programme_bundle``, ``write_rct_bundle``, ``write_power_bundle``,
  ``write_codebook_bundle`` — a results bundle on disk (``results.json``, CSV tables,
  PNG/SVG figures); each returns the bundle's folder;
* :func:`load_bundle` — read and check a bundle; :func:`make_provenance` — what a bundle's
  numbers were computed from;
* :func:`render_report` / :func:`render_formats` / :func:`render_all` — a bundle → HTML, Word
  and PDF (Quarto when :func:`find_quarto` finds it, else the same route without it);
* :func:`open_report` and :func:`col` — what the Quarto templates in ``reports/`` use to read
  a bundle.

Names are imported on first use, so that a template's kernel, which needs only
:func:`open_report`, starts without loading the analyses. Every other name importable from the
submodules is internal. See ``docs/reports.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from impact._lazy import lazy_attributes

if TYPE_CHECKING:
    from impact.report.batch import BatchResult, render_all
    from impact.report.bundle import Bundle, load_bundle, make_provenance
    from impact.report.exporters_codebook import write_codebook_bundle
    from impact.report.exporters_power import write_power_bundle
    from impact.report.exporters_programme import write_programme_bundle
    from impact.report.exporters_rct import write_rct_bundle
    from impact.report.quarto import find_quarto
    from impact.report.render import RenderResult, render_formats, render_report
    from impact.report.template_api import col, open_report

#: Each public name → the module it is imported from on first use.
_SOURCES = {
    "write_programme_bundle": "impact.report.exporters_programme",
    "write_rct_bundle": "impact.report.exporters_rct",
    "write_power_bundle": "impact.report.exporters_power",
    "write_codebook_bundle": "impact.report.exporters_codebook",
    "load_bundle": "impact.report.bundle",
    "make_provenance": "impact.report.bundle",
    "Bundle": "impact.report.bundle",
    "render_report": "impact.report.render",
    "render_formats": "impact.report.render",
    "RenderResult": "impact.report.render",
    "render_all": "impact.report.batch",
    "BatchResult": "impact.report.batch",
    "find_quarto": "impact.report.quarto",
    "open_report": "impact.report.template_api",
    "col": "impact.report.template_api",
}

__all__ = [
    "write_programme_bundle",
    "write_rct_bundle",
    "write_power_bundle",
    "write_codebook_bundle",
    "load_bundle",
    "make_provenance",
    "render_report",
    "render_formats",
    "render_all",
    "find_quarto",
    "open_report",
    "col",
    "Bundle",
    "RenderResult",
    "BatchResult",
]

if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute
    __getattr__, __dir__ = lazy_attributes(__name__, _SOURCES)
