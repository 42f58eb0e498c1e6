"""Results bundles and reports: write what the analyses found, render it with Quarto templates.

* :mod:`.bundle` — the results bundle on disk (``results.json``, CSV tables, PNG/SVG figures)
  and :func:`~.bundle.load_bundle`, which validates one;
* :mod:`.api` — everything public in one import;
* ``exporters_*`` — ``write_programme_bundle``, ``write_rct_bundle``, ``write_power_bundle``,
  ``write_codebook_bundle``;
* :mod:`.template_api` — what the Quarto templates in ``reports/`` import to read a bundle;
* :mod:`.render` / :mod:`.batch` — ``render_report`` (Quarto, or the same route without it)
  and ``render_all``.

See ``docs/reports.md``.
"""
