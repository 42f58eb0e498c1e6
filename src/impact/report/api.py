"""The public API of :mod:`impact.report` in one place (for the pipeline and notebooks).

Kept out of ``impact/report/__init__.py`` so that the Quarto templates, which import only
:mod:`impact.report.template_api`, start their kernels without loading the analyses.
"""

from impact.report.batch import BatchResult, RenderFailure, find_bundles, render_all
from impact.report.bundle import Bundle, BundleError, file_sha256, load_bundle, make_provenance
from impact.report.exporters_codebook import write_codebook_bundle
from impact.report.exporters_power import write_power_bundle
from impact.report.exporters_programme import (
    write_programme_bundle,
    write_round_in_progress_bundle,
)
from impact.report.exporters_rct import write_rct_bundle
from impact.report.i18n import TranslationError, Translator
from impact.report.qmd import ReportError
from impact.report.quarto import find_quarto
from impact.report.render import RenderResult, render_formats, render_report

__all__ = [
    "BatchResult",
    "Bundle",
    "BundleError",
    "RenderFailure",
    "RenderResult",
    "ReportError",
    "TranslationError",
    "Translator",
    "file_sha256",
    "find_bundles",
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
    "write_round_in_progress_bundle",
]
