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
    from impact.report.api import (
        BatchResult,
        Bundle,
        RenderResult,
        find_quarto,
        load_bundle,
        make_provenance,
        render_all,
        render_formats,
        render_report,
        write_codebook_bundle,
        write_power_bundle,
        write_programme_bundle,
        write_rct_bundle,
    )
    from impact.report.template_api import col, open_report

_FROM_API = (
    "BatchResult",
    "Bundle",
    "RenderResult",
    "find_quarto",
    "load_bundle",
    "make_provenance",
    "render_all",
    "render_formats",
    "render_report",
    "write_codebook_bundle",
    "write_power_bundle",
    "write_programme_bundle",
    "write_rct_bundle",
)

__all__ = [
    "BatchResult",
    "Bundle",
    "RenderResult",
    "col",
    "find_quarto",
    "load_bundle",
    "make_provenance",
    "open_report",
    "render_all",
    "render_formats",
    "render_report",
    "write_codebook_bundle",
    "write_power_bundle",
    "write_programme_bundle",
    "write_rct_bundle",
]

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        **{name: "impact.report.api" for name in _FROM_API},
        "col": "impact.report.template_api",
        "open_report": "impact.report.template_api",
    },
)
