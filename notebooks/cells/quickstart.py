"""Cells of ``01_quickstart.ipynb``: an evaluator's first hour with ``impact``."""

from cells import code, md

CELLS = [
    md(
        """
        # Quickstart: from survey exports to indicator shares

        This notebook is an evaluator's first hour with `impact`. It takes the raw survey
        exports of a mentoring programme (a baseline survey before the start and a result
        survey at the end, both anonymous) and goes through the whole chain:

        1. **read** the exports with a *mapping* that translates the organisation's Swedish
           question texts and answer labels into the package's canonical fields;
        2. **validate** them — and see what an error report looks like;
        3. **link** each person's baseline and result answers through the self-generated code;
        4. **compute the indicators** (got a job, took measurable steps, expanded network …);
        5. report **shares with confidence intervals** overall and by gender, check the
           **targets** agreed with the funder, and draw **one figure**.

        The data are **synthetic**: a stand-in for Jobbsteget Tillsammans (511 participants in
        10 rounds) written in Belong's export format, with a known truth. Everything this
        notebook writes goes into a temporary folder (`workdir`), removed by the last cell.
        """
    ),
    code(
        """
        %matplotlib inline
        import shutil
        import tempfile
        from pathlib import Path

        import pandas as pd

        from impact.analysis.outcomes.figures import plot_shares
        from impact.analysis.outcomes.shares import indicator_shares
        from impact.analysis.outcomes.targets import target_attainment
        from impact.config import load_config
        from impact.indicators import compute_indicators
        from impact.ingest import read_table, validate_study
        from impact.link import link_study
        from impact.synth.demo import write_synthetic

        scratch = tempfile.TemporaryDirectory(prefix="impact-quickstart-")
        workdir = Path(scratch.name)
        write_synthetic("programme", workdir / "demo")
        sorted(str(p.relative_to(workdir)) for p in (workdir / "demo").rglob("*.*"))
        """
    ),
    md(
        """
        ## 1. The study file and the raw exports

        A study is described by one YAML file, `study.yaml`: where the exports are, which
        mapping translates them, the linking secret, indicator parameters and the targets.
        The `truth/` folder is only there to check methods on synthetic data — an analysis
        never reads it.

        The exports look like what a Swedish survey tool produces: question texts as column
        headers, Swedish answer labels, semicolons, Windows-1252 encoding and decimal commas.
        We peek at a few columns (the personal code and response id are identifying, so we do
        not display them).
        """
    ),
    code(
        """
        config = load_config(workdir / "demo" / "study.yaml")
        print(config.study.name, "—", config.study.design)
        print("mapping:", Path(config.inputs.mapping).name)
        print("targets:", dict(config.analysis.targets))

        raw = pd.read_csv(
            config.inputs.baseline[0], sep=";", encoding="cp1252", dtype=str, keep_default_na=False
        )
        shown = [
            "Omgång",
            "Kön",
            "Har du ett betalt arbete just nu?",
            "Hur bedömer du din svenska?",
        ]
        raw[shown].head()
        """
    ),
    md(
        """
        The mapping turns this into the canonical table: canonical field names, codes
        (`woman`, `none`, scale values 1–5) and proper types. `read_table` does it for one
        file, here with the example mapping shipped with the package
        (`data_schema/mappings/belong_sv.yaml`, loaded by its name):
        """
    ),
    code(
        """
        canonical = read_table(config.inputs.baseline[0], "baseline", mapping="belong_sv")
        canonical[["round_id", "gender", "employment", "swedish_level", "years_in_sweden"]].head()
        """
    ),
    md(
        """
        ## 2. Validate

        `validate_study` reads every file of the study, maps headers and answer labels onto
        the canonical schema (`data_schema/*.schema.json`) and checks every value. It never
        stops at the first problem: it lists **every** problem in **every** file, so one pass
        is enough to fix an export. When nothing is wrong, `report.data` holds the clean,
        typed tables.
        """
    ),
    code(
        """
        report = validate_study(config)
        print(report.summary().replace(str(workdir), "…"))
        data = report.data
        data.baseline.dtypes.value_counts()
        """
    ),
    md(
        """
        ### What an error looks like

        Real exports are rarely this clean. We copy the study and damage the baseline export
        the way it happens in practice: a misspelt answer label, an impossible birth year, a
        word where a number was expected, a response id pasted twice and a column that the
        mapping does not know. The report then lists one row per problem with the **file, the
        row number as a spreadsheet user sees it, the column, the value and what was
        expected**. Identifying values (codes, response ids) are never shown.
        """
    ),
    code(
        """
        broken = workdir / "broken"
        shutil.copytree(workdir / "demo", broken)
        export = broken / "raw" / "baslinje.csv"
        bad = pd.read_csv(export, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
        bad.loc[2, "Kön"] = "Kvinnna"
        bad.loc[4, "Födelseår"] = "1890"
        bad.loc[7, "Hur många arbetsintervjuer har du varit på de senaste tre månaderna?"] = "två"
        bad.loc[10, "Svars-ID"] = bad.loc[9, "Svars-ID"]
        bad["Kommentar från handläggaren"] = ""
        bad.to_csv(export, sep=";", encoding="cp1252", index=False)

        broken_report = validate_study(broken / "study.yaml")
        print(broken_report.ok, "—", len(broken_report.problems), "problems")
        problems = broken_report.tidy()
        problems["source"] = problems["source"].map(lambda s: Path(s).name)
        problems
        """
    ),
    md(
        """
        `impact.ingest.load_study` does the same but raises one `InputError` carrying these
        problems; on the command line `impact validate study.yaml` prints the same table and
        exits with status 2. We continue with the intact study.

        ### Your own export: the mapping assistant

        With a new questionnaire there is no mapping yet. `draft_mapping` (on the command line
        `impact mapping draft EXPORT… --out mapping.yaml`) reads the exports, recognises the
        survey tool from the header (Google Forms, Microsoft Forms, SurveyMonkey, Qualtrics,
        LimeSurvey, KoboToolbox, ODK, Netigate, Typeform or a generic file) and matches every
        question text and answer label to the canonical ones. Identical texts need no edit;
        close matches are written with a `GUESS` comment and unmatched columns are listed, so
        you check exactly those. Here it drafts a mapping for the demo's own exports.
        """
    ),
    code(
        """
        from impact.ingest import validate_file
        from impact.ingest.adapters.draft import draft_mapping

        exports = [config.inputs.baseline[0], config.inputs.result[0]]
        draft = draft_mapping(exports, name="my_questionnaire")
        print(draft.summary().replace(str(workdir), "…"))
        drafted = draft.write(workdir / "my_mapping.yaml")
        for line in drafted.read_text(encoding="utf-8").splitlines()[6:16]:
            print(line)
        """
    ),
    md(
        """
        Before any analysis, check what each mapped question's answers **became**: the count
        of every canonical code per question (also printed by `impact validate`). A label
        mapped to the wrong code shows up here at once.
        """
    ),
    code(
        """
        check = validate_file(config.inputs.result[0], "result", mapping=drafted)
        answers = check.answer_table().drop(columns="source")
        answers[answers["field"].isin(["gender", "employment", "contributed_job"])]
        """
    ),
    md(
        """
        ## 3. Link baseline and result answers

        The surveys are anonymous: respondents type a personal code (first two letters of
        their mother's name, day of birth, first two letters of their place of birth, number
        of older siblings — e.g. `FA07KA2`) in both surveys, together with birth year and
        gender. People mistype it, so linking runs in stages: exact matches on the normalised
        code plus birth year and gender, then probabilistic matching (Splink) on the rest, and
        a one-to-one assignment. Codes are replaced by keyed hashes (`person_id`) at once.

        The **link report** says how many result answers were linked and how (exact or
        Splink), how many stayed unmatched, and which duplicates were resolved.
        """
    ),
    code(
        """
        links = link_study(
            data.baseline,
            data.followup,
            data.result,
            secret=config.linking.resolve_secret(),
            threshold=config.linking.threshold,
            code_elements=config.linking.code_elements,
        )
        print(f"{len(links.panel)} persons in the linked panel")
        links.report
        """
    ),
    md(
        """
        Two more parts of the report matter when judging the linking. **Selectivity**: do the
        baseline respondents who were linked to a result answer differ from those who were
        not? Large standardised differences (|d| > 0.1, flagged `notable`) mean the result
        respondents are a selected group — a caveat for the report. **Borderline pairs**:
        pairs close to the threshold, listed (with pseudonyms only) for clerical review.
        """
    ),
    code(
        """
        print(len(links.report.borderline), "borderline pair(s) for clerical review")
        links.report.balance.round(3)
        """
    ),
    md(
        """
        ## 4. Compute the indicators

        The indicators are **declarative, versioned definitions** (`data_schema/indicators.yaml`)
        that operationalise Belong's published definitions (project report, p. 18), with the
        thresholds as parameters (`min_extra_interviews: 2`, `min_small_steps: 5`, taken here
        from the study file). The result is one row per person. An indicator is **missing**
        (not false) when the person did not answer a survey it needs, so shares are computed
        among those with a known value.
        """
    ),
    code(
        """
        indicators = compute_indicators(
            links.panel,
            definitions=config.indicators.definitions,
            params=dict(config.indicators.params),
        )
        headline = ["got_job", "took_steps", "job_or_steps", "expanded_network", "got_reference"]
        indicators[["round_id", "gender", "responded_r", *headline]].head()
        """
    ),
    md(
        """
        ## 5. Shares with confidence intervals, by gender

        `indicator_shares` gives the share of people for whom each indicator is true, with a
        95 % Wilson confidence interval, overall and by group. Remember what the published
        report stresses: these are **outcomes, not effects** — nothing here says what would
        have happened without the programme, and differences between women and men are not
        adjusted for age, education or language.
        """
    ),
    code(
        """
        level = config.analysis.confidence_level
        shares = indicator_shares(indicators, headline, by="gender", level=level)
        shares
        """
    ),
    md(
        """
        The table has every number, unsuppressed, for the analyst. Before anything is
        published, `shares.publishable()` blanks counts below the study's suppression threshold
        (here groups of fewer than 5 people, e.g. the few who answered *other* gender).

        ## 6. Target attainment

        The funder's targets were 90 % finding a job or taking measurable steps and 80 %
        expanding their network. `target_attainment` compares each target with the observed
        share and its confidence interval and reports whether the target is met, missed or
        cannot be told apart from the observed share, with a one-sided binomial test.
        """
    ),
    code(
        """
        targets = target_attainment(indicators, dict(config.analysis.targets), by=["gender"])
        print(targets.summary())
        targets
        """
    ),
    md(
        """
        ## 7. One figure

        Figures are ordinary matplotlib `Figure` objects in English or Swedish, drawn from the
        suppressed (publishable) numbers. `fig.savefig(...)` writes them wherever you like.
        """
    ),
    code(
        """
        fig = plot_shares(shares, by="gender", lang="en")
        fig.savefig(workdir / "shares_by_gender.png", dpi=150)
        fig
        """
    ),
    md(
        """
        ## Where next

        * `impact.analysis.outcomes.programme_outcomes` computes all of the above (plus the
          gender comparison with tests, response rates and the programme's self-reported
          contribution) in one call — that is what the funder reports use (notebook 05).
        * `02_randomised_study` analyses the randomised control-group study;
          `03_power_planning` plans the next one; `04_reuse_indicators` shows how to use the
          indicator definitions with your own thresholds and data.
        * On the command line: `impact validate study.yaml`, `impact run study.yaml`.
        """
    ),
    code(
        """
        scratch.cleanup()  # removes the temporary folder and everything in it; skip to keep them
        """
    ),
]
