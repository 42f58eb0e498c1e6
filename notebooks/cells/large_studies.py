"""Cells of ``06_large_studies.ipynb``: the same analysis on DuckDB (and Spark) for big data."""

from cells import code, md

CELLS = [
    md(
        """
        # Large studies: the same definitions and results on DuckDB and Spark

        A single organisation's surveys fit in memory many times over. A public employment
        service evaluating a programme with hundreds of thousands of participants, or an
        evaluator drawing matched controls from a register extract of millions of person-months,
        does not. For them `impact` runs **linking, the indicators and exact/CEM register
        matching** in an embedded **DuckDB** database, or on **Apache Spark** — with the same
        code, the same definitions and the same numbers.

        This notebook shows

        1. the study file's `engine` setting: one study prepared on pandas and on DuckDB gives
           identical tables;
        2. linking two large waves with `link_waves(engine="duckdb")` and blocking rules
           whose comparisons grow about linearly with the waves;
        3. indicators computed **inside** DuckDB, where only aggregates come back to Python;
        4. coarsened exact matching against a register extract, with monthly outcome rates
           computed in the engine;
        5. how to switch the same calls to Spark.

        The sizes here are small so that the notebook runs in seconds; `docs/scale.md` and
        `docs/benchmarks.md` have the measurements at national size (a million respondents,
        ten million persons, a five-million-person register).
        """
    ),
    code(
        """
        import tempfile
        import time
        from pathlib import Path

        import pandas as pd
        import yaml

        import impact
        from impact.indicators import aggregate_indicators
        from impact.link import link_waves
        from impact.matching import matched_rates
        from impact.synth import programme_study, register_extract

        scratch = tempfile.TemporaryDirectory(prefix="impact-scale-")
        workdir = Path(scratch.name)
        """
    ),
    md(
        """
        ## 1. The `engine` setting of a study file

        A study file has one top-level key, `engine: pandas | duckdb | spark` (default
        `pandas`); `impact run study.yaml --engine duckdb` overrides it from the command line.
        Everything else stays as it is. Here a synthetic programme of 3,000 participants, in
        Belong's raw export format, is prepared twice.
        """
    ),
    code(
        """
        study_file = programme_study(seed=5, n_participants=3000).write(workdir / "programme")
        settings = yaml.safe_load(study_file.read_text(encoding="utf-8"))
        settings["engine"] = "duckdb"
        duckdb_file = study_file.with_name("study-duckdb.yaml")
        duckdb_file.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")

        prepared = {}
        for name, path in [("pandas", study_file), ("duckdb", duckdb_file)]:
            start = time.perf_counter()
            prepared[name] = impact.load_study(path)
            print(f"{name}: prepared in {time.perf_counter() - start:.1f} s")

        pd.testing.assert_frame_equal(prepared["pandas"].table, prepared["duckdb"].table)
        print("identical analysis tables:", prepared["duckdb"].table.shape)
        prepared["duckdb"].links.report.waves
        """
    ),
    md(
        """
        The link report, the panel and every indicator are the same; everything downstream —
        shares, RCT estimates, reports — therefore is too. The test suite checks this for a
        whole `impact run` of a randomised study, file by file.

        ## 2. Linking two large waves

        For waves of national size, the pairs the probabilistic stage compares must not grow
        with the square of the wave. `blocking="linear"` compares only pairs that agree on all
        code elements but one (plus the birth year), or on the whole code: the blocks hold only
        people who share nearly the whole code, whatever the size of the wave. The same rules
        are `linking.blocking: linear` in a study file.
        """
    ),
    code(
        """
        waves = prepared["pandas"].data
        secret = "a-key-kept-outside-the-notebook"  # in real use: the IMPACT_LINK_SECRET variable
        with impact.open_session("duckdb", memory_limit="2GB", threads=2) as session:
            links = link_waves(
                waves.baseline,
                waves.result,
                engine="duckdb",
                secret=secret,
                blocking="linear",
                session=session,
            )
        print(links.summary())
        links.report.waves
        """
    ),
    md(
        """
        `link_waves` is the function the study file's linking uses, with the same result on
        every engine: `links.pairs` holds only pseudonyms (keyed hashes of the response ids);
        the raw codes are hashed in Python before anything reaches the engine.

        ## 3. Indicators inside the engine

        With a session, the panel can stay in the engine and be passed **by name**. The
        indicator definitions are compiled to SQL; Python receives only the aggregates — per
        indicator and group: persons, available answers, missing, true, share.
        """
    ),
    code(
        """
        panel = prepared["pandas"].links.panel
        with impact.open_session("duckdb") as session:
            session.put(panel, "linked_panel")
            scaled = aggregate_indicators(
                "linked_panel", engine="duckdb", session=session, groups=["gender"]
            )
        headline = ["got_job", "took_steps", "job_or_steps", "expanded_network"]
        scaled.tidy().query("indicator in @headline")[
            ["group_by", "group", "indicator", "n", "n_available", "n_true", "share"]
        ]
        """
    ),
    md(
        """
        The shares equal those of `aggregate_indicators(panel)` on pandas to the last digit; missing
        answers follow the same three-valued rules because SQL's `NULL` logic *is* those rules.

        ## 4. A register comparison with coarsened exact matching

        Exact matching and CEM are group-bys: the cells, MatchIt's ATT weights and the monthly
        weighted employment rates are computed in the engine; only one row per group and month
        comes back. Nearest-neighbour and propensity matching make sequential choices and stay
        on pandas (`impact.analysis.matching`).
        """
    ),
    code(
        """
        extract = register_extract(seed=3, n_external=20000)
        persons = extract.tables["register_persons"]
        months = extract.tables["register_months"]
        matched = matched_rates(persons, months, engine="duckdb", method="cem")
        print(matched.summary())
        matched.rates.pivot(index="month", columns="group", values="rate").round(3).tail(4)
        """
    ),
    code(
        """
        on_pandas = matched_rates(persons, months, engine="pandas", method="cem")
        pd.testing.assert_frame_equal(on_pandas.rates, matched.rates, check_dtype=False, rtol=1e-9)
        print("DuckDB and pandas give the same weighted monthly rates")
        """
    ),
    md(
        """
        ## 5. The same on Spark

        On a cluster, install `pyspark>=4.0` (Java 17 or later) and pass `engine="spark"` —
        or set `engine: spark` in the study file. `impact.open_session("spark")` uses the active
        Spark session (or starts a quiet local one), and tables already in Spark can be passed
        by name:

        ```python
        with impact.open_session("spark") as session:
            scaled = aggregate_indicators("my_catalog.linked_panel", engine="spark",
                                          session=session, groups=["round_id", "gender"])
        ```

        Spark's fixed costs (starting the JVM, planning each query) make it slower than DuckDB
        on one machine; it is there for data that do not fit on one.
        """
    ),
    code(
        """
        scratch.cleanup()
        """
    ),
]
