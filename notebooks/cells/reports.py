"""Cells of ``05_reports.ipynb``: the funder report for one round, from a notebook."""

from cells import code, md

CELLS = [
    md(
        """
        # The funder report for one round

        Funders want one report per programme round and one for the whole project, in Swedish
        and English, as a web page, a Word document and a PDF. `impact` produces them in two
        steps:

        1. the analyses write a **results bundle** — `results.json` with every number the
           report prints (with its `n`, labels in both languages and the provenance of the
           run), plus CSV tables and figures in both languages. Small cells are suppressed
           before anything enters the bundle;
        2. a **report template** (`reports/programme.qmd`) reads the bundle and is rendered to
           HTML, DOCX and PDF — with Quarto when it is installed, otherwise by the package's
           own route (the same notebook execution, Pandoc and Typst, all pip-installable).

        This notebook makes the report for round **R03** of the synthetic programme. For every
        round at once, use `impact run study.yaml` or `impact report --all`.
        """
    ),
    code(
        """
        import html
        import tempfile
        from pathlib import Path

        import pandas as pd
        from IPython.display import display

        import impact
        from impact import report

        scratch = tempfile.TemporaryDirectory(prefix="impact-reports-")
        workdir = Path(scratch.name)
        impact.synth.write_synthetic("programme", workdir / "demo")
        config = impact.load_config(workdir / "demo" / "study.yaml")
        ROUND = "R03"
        """
    ),
    md(
        """
        ## 1. Prepare the study

        `impact.load_study` validates the exports, links the surveys and computes the indicators
        with the study file's settings, as notebook 01 did step by step. The round's report covers
        the people of that round; the number of participants who started the round (here the
        baseline respondents) is the base of the response rate.
        """
    ),
    code(
        """
        prepared = impact.load_study(config)
        table = prepared.table
        in_round = table[table["round_id"] == ROUND]
        started = int(in_round["responded_b"].sum())
        print(f"{ROUND}: {len(in_round)} persons, {started} answered the baseline survey")
        """
    ),
    md(
        """
        ## 2. The round's outcomes

        `impact.outcomes.programme_outcomes` computes every part of the report for this
        round: shares with Wilson confidence intervals overall and by gender, target
        attainment, the women–men comparison (with a test and a covariate-adjusted
        difference), response rates and the programme's self-reported contribution. With
        about 35 respondents in a round, the intervals are wide — the report says so.
        """
    ),
    code(
        """
        analysis = config.analysis
        outcomes = impact.outcomes.programme_outcomes(
            in_round,
            targets=dict(analysis.targets),
            covariates=[c for c in analysis.covariates if c in in_round.columns],
            level=analysis.confidence_level,
            suppression_threshold=analysis.suppression_threshold,
            participants=started,
            scope=ROUND,
            lang="sv",
        )
        outcomes.targets
        """
    ),
    md(
        """
        ## 3. Write the results bundle

        The **provenance** records what the numbers were computed from: the SHA-256 of every
        input file, the parameters, the indicator definition versions and the seed. The bundle
        is written atomically: it appears only when complete.

        The link report (`link_report=prepared.links.report`) would add a linking section; it counts
        the whole study's survey answers, not one round's, so it belongs in the whole-project
        report and is left out here.
        """
    ),
    code(
        """
        metadata = table.attrs["indicators"]
        provenance = report.make_provenance(
            inputs={f"{s.table}:{Path(s.path).name}": s.path for s in prepared.data.sources},
            parameters={
                "indicator_params": metadata["params"],
                "targets": dict(analysis.targets),
                "confidence_level": analysis.confidence_level,
                "suppression_threshold": analysis.suppression_threshold,
            },
            definitions={d["id"]: d["version"] for d in metadata["definitions"]},
            seed=analysis.seed,
        )
        bundle_dir = report.write_programme_bundle(
            workdir / "bundles" / f"programme_{ROUND}",
            outcomes=outcomes,
            study={"name": config.study.name, "organisation": config.study.organisation},
            provenance=provenance,
            round_id=ROUND,
        )
        sorted(str(p.relative_to(bundle_dir)) for p in bundle_dir.rglob("*") if p.is_file())
        """
    ),
    md(
        """
        `load_bundle` validates a bundle (every file present and unchanged since it was
        written). Every number of the report is in `results.json` with its label and `n` —
        the report templates format numbers, they never compute them:
        """
    ),
    code(
        """
        bundle = report.load_bundle(bundle_dir)
        keys = ["share.got_job", "share.took_steps", "share.job_or_steps", "share.expanded_network"]
        pd.DataFrame(
            {
                "number": key,
                "label (sv)": bundle.number(key)["label"]["sv"],
                "value": bundle.value(key),
                "n": bundle.number(key)["n"],
            }
            for key in keys
        )
        """
    ),
    md(
        """
        ## 4. Render the report

        One call renders the bundle in one language to several formats; the notebook behind
        the template is executed once and reused for all three. `find_quarto()` tells whether
        Quarto is installed; without it the built-in route is used and the result is the same
        document. Files are named `<bundle>.<language>.<format>`.
        """
    ),
    code(
        """
        print("Quarto:", report.find_quarto() or "not found — using the built-in renderer")
        reports = workdir / "reports"
        formats = ["html", "docx", "pdf"]
        rendered = report.render_formats(bundle_dir, lang="sv", formats=formats, out_dir=reports)
        rendered += report.render_formats(bundle_dir, lang="en", formats=["html"], out_dir=reports)
        summary = pd.concat([r.tidy() for r in rendered], ignore_index=True)
        summary["file"] = summary["output"].map(lambda p: Path(p).name)
        summary["kB"] = summary["output"].map(lambda p: round(Path(p).stat().st_size / 1024))
        summary[["kind", "lang", "fmt", "file", "kB", "renderer", "seconds"]]
        """
    ),
    md(
        """
        The HTML report is self-contained (figures and styles embedded), so it can be mailed
        or uploaded as one file. A preview of the English version:
        """
    ),
    code(
        """
        english = next(r.output for r in rendered if r.lang == "en" and r.fmt == "html")
        page = Path(english).read_text(encoding="utf-8")
        preview = f'<iframe srcdoc="{html.escape(page)}" width="100%" height="600"></iframe>'
        display({"text/html": preview}, raw=True)
        """
    ),
    md(
        """
        ## Where next

        * `impact run study.yaml` does all of this for the whole project and every round, in
          the study file's languages and formats; `impact report --all <bundles> --out
          <reports>` renders bundles in parallel.
        * The randomised study has its own technical report
          (`impact.report.write_rct_bundle`, template `reports/rct.qmd`), and so do the
          power plan and the codebook — see `docs/reports.md`.
        * Copy `reports/` and point `impact.report.render_formats(..., templates=...)` at
          your copy to change the layout; the texts are in `reports/i18n/sv.yml` and `en.yml`.
        """
    ),
    code(
        """
        scratch.cleanup()  # removes the temporary folder and everything in it; skip to keep them
        """
    ),
]
