"""Cells of ``04_reuse_indicators.ipynb``: a researcher reuses the indicator definitions."""

from cells import code, md

CELLS = [
    md(
        """
        # Reusing the indicator definitions on your own data

        Belong's indicators — *got a job*, *took measurable steps toward work*, *expanded
        network* … — are defined in words in the project report. `impact` turns them into
        **declarative, versioned definitions** (`data_schema/indicators.yaml`) with the
        thresholds as parameters, so that other organisations and researchers can apply the
        same definitions to their own data, with their own thresholds, and add their own.

        This notebook is written for a researcher who

        1. has their own survey data, already linked person by person;
        2. computes the indicators with **other thresholds** (at least 4 of the 8 smaller steps
           instead of 5; at least 3 more job interviews instead of 2);
        3. adds a **custom definition** from a YAML file and documents it in a codebook;
        4. checks **their own implementation** (e.g. in another language) against the
           **conformance vectors** (`data_schema/conformance/`), hand-derived cases that every
           implementation must reproduce.
        """
    ),
    code(
        """
        import tempfile
        from pathlib import Path

        import pandas as pd
        from IPython.display import Markdown

        from impact.analysis.outcomes.shares import indicator_shares
        from impact.errors import InputError
        from impact.indicators import (
            compute_indicators,
            load_registry,
            run_conformance,
            write_codebook,
        )
        from impact.indicators.conformance import default_vectors_path
        from impact.synth import programme_study

        scratch = tempfile.TemporaryDirectory(prefix="impact-indicators-")
        workdir = Path(scratch.name)
        """
    ),
    md(
        """
        ## 1. Your data as a panel

        The indicators are computed from a **panel**: one row per person, the canonical survey
        fields prefixed by wave (`b_` baseline, `r_` result, `f1_`, `f2_` … follow-ups) and a
        flag `responded_<wave>` per wave. `impact.link` builds it from anonymous surveys; a
        study that already knows who is who (a participant number, say) builds it with a join.

        Here the "own study" is a synthetic programme of 300 participants; the participant
        numbers come from the synthetic truth (in a real study they would be in your data).
        """
    ),
    code(
        """
        study = programme_study(seed=7, n_participants=300)
        responses = study.truth["responses"].query("not duplicate")
        participant = responses.set_index("response_id")["person"]


        def wave(table: str, prefix: str) -> pd.DataFrame:
            answers = study.tables[table]
            answers = answers[answers["response_id"].isin(participant.index)]
            number = answers["response_id"].map(participant).rename("participant")
            answers = answers.drop(columns=["response_id", "link_code", "study_id"])
            return answers.set_index(number).add_prefix(prefix)


        baseline, result = wave("baseline", "b_"), wave("result", "r_")
        panel = baseline.join(result, how="outer")
        panel.insert(0, "gender", panel["b_gender"])
        panel.insert(1, "responded_b", panel.index.isin(baseline.index))
        panel.insert(2, "responded_r", panel.index.isin(result.index))
        print(panel.shape)
        panel.filter(regex="responded|employment|interviews").head()
        """
    ),
    md(
        """
        ## 2. The definitions and their parameters

        Every definition has an id (the column name), a version, a label and definition text in
        Swedish and English, a rule in a small expression language, and parameters with
        defaults. The rules read fields as `wave.field` (`r.interviews_3m`), other indicators
        by id and parameters as `$name`.
        """
    ),
    code(
        """
        registry = load_registry()
        pd.DataFrame(
            {
                "id": d.id,
                "version": d.version,
                "label": d.label.en,
                "params": ", ".join(f"{k}={v.default}" for k, v in d.params.items()),
                "rule": " ".join(d.rule.split()),
            }
            for d in registry.definitions
        )
        """
    ),
    md(
        """
        ## 3. Other thresholds

        `params` overrides a parameter for every definition that declares it
        (`{"min_small_steps": 4}`), or for one definition only
        (`{"took_steps.min_small_steps": 4}`). The parameters in force are recorded with the
        result in `attrs["indicators"]`, so a table always says how it was computed.
        """
    ),
    code(
        """
        own_params = {"min_small_steps": 4, "min_extra_interviews": 3}
        default = compute_indicators(panel)
        own = compute_indicators(panel, params=own_params)
        own.attrs["indicators"]["params"]
        """
    ),
    code(
        """
        compared = ["more_interviews", "took_steps", "job_or_steps"]
        settings = {
            "defaults (5 steps, +2 interviews)": default,
            "own (4 steps, +3 interviews)": own,
        }
        both = pd.concat(
            {
                name: indicator_shares(table, compared, by=None).overall()[
                    ["share", "ci_low", "ci_high", "n"]
                ]
                for name, table in settings.items()
            },
            axis=1,
        )
        both.round(3)
        """
    ),
    md(
        """
        Fewer people count as having more interviews (a stricter threshold), more as having
        taken smaller steps (a looser one); the combined share moves accordingly. Shares are
        among people who answered both surveys — the others are *missing*, not *false*.

        ## 4. A custom definition from a YAML file

        Your own definitions go in a YAML file with the same format as the built-in one. A
        new id adds an indicator; an existing id replaces the built-in definition (raise its
        `version` when you do). Here we add two: a stricter language indicator with its own
        parameter, and a combination of two existing indicators.
        """
    ),
    code(
        '''
        definitions = workdir / "own_indicators.yaml"
        definitions.write_text(
            """
        format_version: 1
        sections:
          - id: own
            label: {sv: "Egna indikatorer", en: "Own indicators"}
        definitions:
          - id: swedish_up_two_levels
            version: 1
            section: own
            label:
              sv: "Förbättrat sin svenska minst två nivåer"
              en: "Improved Swedish by at least two levels"
            definition:
              sv: "Självskattad svenska är minst två (parameter) nivåer högre vid resultatet."
              en: "Self-rated Swedish is at least two (parameter) levels higher at the result."
            params:
              min_levels:
                type: integer
                default: 2
                minimum: 1
                label: {sv: "Minsta förbättring i nivåer", en: "Minimum improvement in levels"}
            rule: r.swedish_level - b.swedish_level >= $min_levels
          - id: job_or_internship
            version: 1
            section: own
            label: {sv: "Fått arbete eller praktik", en: "Got a job or an internship"}
            definition:
              sv: "Har fått arbete eller en praktikplats under programmet."
              en: "Got a job or an internship during the programme."
            rule: got_job or got_internship
        """,
            encoding="utf-8",
        )
        custom = compute_indicators(panel, definitions=definitions, params=own_params)
        added = ["improved_swedish", "swedish_up_two_levels", "got_job", "job_or_internship"]
        indicator_shares(custom, added, by="gender")
        '''
    ),
    md(
        """
        Mistakes in a definition file are reported with the file, the definition and the key —
        for example a misspelt field name, found when the panel is checked before anything is
        computed:
        """
    ),
    code(
        """
        misspelt = workdir / "misspelt.yaml"
        text = definitions.read_text(encoding="utf-8")
        misspelt.write_text(text.replace("r.swedish_level", "r.swedish_levle"), encoding="utf-8")
        try:
            compute_indicators(panel, definitions=misspelt)
        except InputError as error:
            problems = error.to_frame()
        problems
        """
    ),
    md(
        """
        ### Document it: the codebook

        `write_codebook` writes the codebook (Markdown and Quarto, Swedish and/or English) of
        the definitions and parameter values in force — the appendix of a report or a
        pre-registration. Here is the part for the two new indicators:
        """
    ),
    code(
        """
        folder = workdir / "codebook"
        files = write_codebook(folder, lang="en", definitions=definitions, params=own_params)
        codebook = files[0].read_text(encoding="utf-8")
        Markdown(codebook[codebook.index("## Own indicators") :])
        """
    ),
    md(
        """
        ## 5. Conformance: does an implementation give the same answers?

        `data_schema/conformance/indicators.csv` holds 65 hand-derived cases — each an
        independent person with baseline and result answers, optional parameters, and the
        expected value of every indicator. They pin down the tricky parts: missing answers
        (three-valued logic: `false and missing` is `false`), people who did not answer a
        survey, job changes without a job at the result, parameters. Any implementation — in
        R, Stata, SQL or your own Python — conforms when it reproduces every expected cell.

        First the package itself (and with our added definitions, which must not change the
        built-in ones):
        """
    ),
    code(
        """
        print(run_conformance().summary())
        run_conformance(definitions=definitions)
        """
    ),
    md(
        """
        ### Your own implementation

        Suppose you implemented the job and steps indicators yourself, in plain pandas. The
        nullable `boolean` dtype already follows three-valued (Kleene) logic, so the rules
        translate almost word for word; the people who did not answer a survey get *missing*
        for every indicator that needs it.
        """
    ),
    code(
        """
        SMALL_STEPS = {
            "improved_cv": "cv_status",
            "expanded_network": "professional_contacts",
            "learned_education_paths": "knows_education_paths",
            "learned_social_codes": "knows_social_codes",
            "improved_swedish": "swedish_level",
            "improved_professional_swedish": "professional_swedish_level",
        }
        RESULT_ONLY = ["got_internship", "started_relevant_education", "visited_workplace"]


        def my_indicators(p, min_small_steps=5, min_extra_interviews=2, small_steps_missing=None):
            out = pd.DataFrame(index=p.index)
            b_job, r_job = p["b_employment"], p["r_employment"]
            has_job = (r_job == "part_time") | (r_job == "full_time")
            out["job_from_none"] = (b_job == "none") & has_job
            changed = (b_job != "none") & (r_job != "none") & p["r_changed_job"]
            to_full = (b_job == "part_time") & (r_job == "full_time")
            to_field = ~p["b_job_matches_field"] & p["r_job_matches_field"]
            out["job_upgraded"] = changed & (to_full | to_field)
            out["job_changed_other"] = changed & ~out["job_upgraded"]
            out["got_job"] = out["job_from_none"] | out["job_upgraded"] | out["job_changed_other"]
            out["got_internship"] = p["r_got_internship"]
            out["started_relevant_education"] = p["r_started_relevant_education"]
            extra = p["r_interviews_3m"] - p["b_interviews_3m"]
            out["more_interviews"] = extra >= min_extra_interviews
            for name, field in SMALL_STEPS.items():
                out[name] = p[f"r_{field}"] > p[f"b_{field}"]
            out["got_reference"] = p["r_has_reference"] & ~p["b_has_reference"]
            out["visited_workplace"] = p["r_visited_workplace"]
            steps = out[[*SMALL_STEPS, "got_reference", "visited_workplace"]]
            answered = steps.notna().sum(axis=1)
            count = steps.fillna(False).sum(axis=1).astype("Int64").mask(answered == 0)
            if small_steps_missing == "strict":  # default: count the answered items
                count = count.mask(answered < steps.shape[1])
            out["small_steps_count"] = count
            step = out["got_internship"] | out["started_relevant_education"]
            step = step | out["more_interviews"] | (count >= min_small_steps)
            out["took_steps"] = ~out["got_job"] & step
            out["job_or_steps"] = out["got_job"] | out["took_steps"]
            flags = [c for c in out.columns if c != "small_steps_count"]
            out = out.astype(dict.fromkeys(flags, "boolean"))
            out.loc[~p["responded_r"].astype(bool)] = pd.NA
            needs_baseline = [c for c in out.columns if c not in RESULT_ONLY]
            out.loc[~p["responded_b"].astype(bool), needs_baseline] = pd.NA
            return out
        """
    ),
    md(
        """
        Now read the vectors as plain text (an empty cell is missing), turn the input columns
        into typed columns, run the implementation once per parameter setting, and compare
        every expected cell with ours. A parameter written `took_steps.min_small_steps` belongs
        to one definition; our function has one threshold per name, so we drop the prefix.
        """
    ),
    code(
        """
        vectors = pd.read_csv(default_vectors_path(), dtype=str, keep_default_na=False)


        def typed(values: pd.Series) -> pd.Series:
            text = values.str.strip().str.lower()
            known = text[text != ""]
            if known.isin(["true", "false"]).all():
                return text.map({"true": True, "false": False, "": pd.NA}).astype("boolean")
            if known.str.fullmatch(r"[0-9]+").all():
                return pd.to_numeric(text.replace("", None)).astype("Int64")
            return values.replace("", pd.NA).astype("string")


        inputs = [c for c in vectors.columns if c.startswith(("responded_", "b_", "r_"))]
        cases = pd.DataFrame({c: typed(vectors[c]) for c in inputs})


        def conformance(implementation) -> pd.DataFrame:
            rows = []
            for setting, group in vectors.groupby("params", sort=False):
                pairs = [item.split("=") for item in setting.split(";") if item]
                params = {k.split(".")[-1]: int(v) if v.isdigit() else v for k, v in pairs}
                mine = implementation(cases.loc[group.index], **params)
                for column in mine.columns:
                    actual = mine[column].astype("string").str.lower().fillna("")
                    for i in group.index:
                        expected = group.at[i, column]
                        case = group.at[i, "case_id"]
                        rows.append((case, column, expected, actual[i], expected == actual[i]))
            columns = ["case_id", "indicator", "expected", "actual", "ok"]
            return pd.DataFrame(rows, columns=columns)


        checks = conformance(my_indicators)
        print(f"{len(checks)} checks, {(~checks['ok']).sum()} failed")
        checks.groupby("indicator")["ok"].agg(["size", "sum"])
        """
    ),
    md(
        """
        Every cell agrees. The vectors earn their keep when an implementation takes a shortcut.
        A common one is to treat a missing answer as *no* — here, filling missing inputs with
        false before computing. The vectors catch it at once, and the descriptions say which
        rule was broken:
        """
    ),
    code(
        """
        def shortcut(p, **params):
            flags = p.select_dtypes("boolean").columns.drop(["responded_b", "responded_r"])
            return my_indicators(p.fillna(dict.fromkeys(flags, False)), **params)


        failed = conformance(shortcut).query("not ok")
        descriptions = vectors.set_index("case_id")["description"]
        failed.assign(description=failed["case_id"].map(descriptions)).head(10)
        """
    ),
    md(
        """
        ## Where next

        * In a study file, the same choices are two keys: `indicators.params`
          (`{min_small_steps: 4, min_extra_interviews: 3}`) and `indicators.definitions` (the
          path of your YAML file); `impact run` then uses them everywhere and writes the
          codebook with the report.
        * The definition format and the expression language: `docs/indicators.md`; the
          conformance format: `data_schema/conformance/README.md`.
        """
    ),
    code(
        """
        scratch.cleanup()  # removes the temporary folder and everything in it; skip to keep them
        """
    ),
]
