"""Cells of ``02_randomised_study.ipynb``: analysing the synthetic randomised study."""

from cells import code, md

CELLS = [
    md(
        """
        # Analysing a randomised control-group study

        Jobbsteget Tillsammans was also evaluated with a **randomised waitlist study** run by
        RISE: 218 applicants were randomised to the programme or to a later round; 151 answered
        the baseline survey, and follow-up surveys at 2 and 5 months and a result survey at
        7 months followed. Attrition was large and related to background, which is why the
        analysis here spends as much time on *who answered* as on the effect estimates.

        This notebook analyses a **synthetic** study with the same design whose true effects
        are known (e.g. +3 percentage points on getting a job, +15 pp on expanded networks):

        1. the **CONSORT flow** — how many were randomised, answered and analysed, per arm;
        2. **balance** of background characteristics between the arms;
        3. **intention-to-treat (ITT)** effects with HC2 robust standard errors, unadjusted and
           with Lin's covariate adjustment;
        4. **randomisation inference** and Fisher's exact test as second opinions;
        5. **multiple testing**: several outcomes, one family-wise error rate;
        6. **attrition**: the What Works Clearinghouse standard, inverse-probability weighting
           and Lee bounds;
        7. **heterogeneity** by gender;
        8. a check against the known truth.
        """
    ),
    code(
        """
        %matplotlib inline
        import tempfile
        from pathlib import Path

        import pandas as pd

        import impact
        from impact import attrition, rct

        scratch = tempfile.TemporaryDirectory(prefix="impact-rct-")
        workdir = Path(scratch.name)
        impact.synth.write_synthetic("randomised", workdir / "rct")
        config = impact.load_config(workdir / "rct" / "study.yaml")
        analysis = config.analysis
        print(config.study.name)
        print("RCT outcome family in the study file:", ", ".join(analysis.outcomes))
        """
    ),
    md(
        """
        ## Prepare the data: validate, link, compute indicators

        `impact.load_study` runs the steps of notebook 01 with the study file's settings: validate
        every export, link the waves, compute the indicators. The randomisation list is the
        spine of a randomised study: every randomised person is a row of the linked panel,
        whether they answered any survey or not, with `arm` and `stratum` from the list.
        Survey answers are linked to it through the study id (when the respondent gave it) or
        the personal code.
        """
    ),
    code(
        """
        prepared = impact.load_study(config)
        table = prepared.table
        prepared.links.report
        """
    ),
    md(
        """
        A few follow-up answers could not be matched to anybody on the randomisation list (a
        code typed too differently and no study id). They stay in the panel as persons without
        an arm, so they are counted in the link report, but they cannot enter an analysis by
        arm. The analysis sample is everyone **randomised**.
        """
    ),
    code(
        """
        sample = table[table["arm"].notna()].reset_index(drop=True)
        print(f"{len(table) - len(sample)} panel row(s) without an arm; {len(sample)} randomised")
        sample.groupby(["stratum", "arm"]).size().unstack()
        """
    ),
    md(
        """
        ## 1. CONSORT flow

        The flow counts people per arm at each stage. The *analysed* sample of an outcome is
        everyone whose outcome is known — here `job_or_steps`, which needs both the baseline
        and the result survey.
        """
    ),
    code(
        """
        flow = rct.consort_flow(sample, analysed="job_or_steps")
        rct.consort_figure(flow, lang="en")
        """
    ),
    code(
        """
        flow
        """
    ),
    md(
        """
        ## 2. Balance

        Randomisation balances the arms *on average*; the balance table shows how close the
        two arms are in this sample, for everyone randomised who answered the baseline survey
        (where the background questions are asked) and for the analysed sample. A standardised
        mean difference (SMD) above about 0.1–0.25 deserves a comment; the joint F-test asks
        whether the covariates predict the arm at all. Gender is the randomisation stratum, so
        the joint test here is run without stratum effects (`strata=None`).
        """
    ),
    code(
        """
        covariates = ["age", "education_level", "years_in_sweden"]
        rct.balance(sample, ["gender", *covariates], strata=None, analysed="job_or_steps")
        """
    ),
    md(
        """
        ## 3. Intention-to-treat effects

        The ITT effect compares everyone *assigned* to the programme with everyone assigned to
        the waitlist, among those whose outcome is known, whether or not they took part fully.
        Outcomes are 0/1, so the estimate is a difference in shares, reported in percentage
        points. Each outcome is estimated several ways:

        * `unadjusted` — the difference in means with stratum effects;
        * `additive` — adding baseline covariates;
        * `lin` — Lin's (2013) adjustment: covariates centred and interacted with treatment,
          which cannot hurt precision in large samples and is the main specification;
        * `logit_ame` — a logit model's average marginal effect, as a robustness check.

        Standard errors are **HC2** (heteroskedasticity-robust; for a treatment dummy equal to
        the classical Neyman variance), with t inference as R's `estimatr::lm_robust`.
        """
    ),
    code(
        """
        primary = ["got_job", "took_steps", "job_or_steps", "expanded_network"]
        estimates = rct.itt(sample, primary, covariates=covariates, strata="stratum", se_type="HC2")
        rct.effects_figure(estimates, specifications=("unadjusted", "lin"))
        """
    ),
    code(
        """
        estimates
        """
    ),
    md(
        """
        ## 4. Second tests: Fisher and randomisation inference

        Regression p-values rest on large-sample approximations. **Randomisation inference**
        (RI) uses the design itself: it re-draws the assignment many times within the strata,
        exactly as the randomisation could have come out, recomputes the statistic each time
        and asks how unusual the observed one is. It is exact in small samples. We keep the
        number of draws modest here (2,000; the study file's `ri_draws` is 10,000) — the
        Monte Carlo standard error of each p-value is reported beside it.
        """
    ),
    code(
        """
        rct.fisher_tests(sample, primary)
        """
    ),
    code(
        """
        ri = rct.randomisation_test(
            sample, primary, strata="stratum", draws=2_000, seed=analysis.seed
        )
        ri
        """
    ),
    md(
        """
        ## 5. Multiple testing

        With four primary outcomes, the chance that at least one is "significant" by luck is
        well above 5 %. **Holm** controls the family-wise error rate, **Benjamini–Hochberg**
        the false discovery rate, and **Westfall–Young** uses the randomisation draws, so it
        takes the correlation between the outcomes into account (less conservative than Holm
        when outcomes move together, as job and job-or-steps do). The step components
        (internship, CV, references …) form a second family of their own.
        """
    ),
    code(
        """
        lin_p = estimates.tidy().query("specification == 'lin'").set_index("outcome")["p_value"]
        rct.adjust_pvalues(lin_p, methods=("holm", "fdr_bh"), family="primary outcomes")
        """
    ),
    code(
        """
        rct.westfall_young(ri, primary, family="primary outcomes")
        """
    ),
    code(
        """
        components = [o for o in analysis.outcomes if o not in primary]
        lin_only = rct.itt(sample, components, covariates=covariates, adjustments=("lin",))
        component_p = lin_only.tidy().query("specification == 'lin'")
        component_p = component_p.set_index("outcome")["p_value"]
        rct.adjust_pvalues(component_p, methods=("holm", "fdr_bh"), family="step components")
        """
    ),
    md(
        """
        ## 6. Attrition

        Only about half of the randomised answered the result survey. If the arms lose people
        at different rates, or lose *different kinds* of people, the respondents of the two
        arms are no longer comparable. Three tools:

        * **WWC standard**: the What Works Clearinghouse rates overall and differential
          attrition as *low* or *high*, for a cautious and an optimistic assumption about how
          strongly response is related to the outcome;
        * **IPW**: weight respondents by the inverse of their estimated probability of
          answering (from baseline covariates, within each arm) — unbiased if answers are
          missing at random given those covariates;
        * **Lee bounds**: no assumption about *why* people leave, only that assignment moves
          response in one direction; trims the arm that answered more and gives an interval
          for the effect among people who would answer in either arm.
        """
    ),
    code(
        """
        rates = attrition.attrition_rates(sample)
        rates
        """
    ),
    code(
        """
        result_stage = rates.tidy().set_index("stage").loc["r"]
        wwc = attrition.classify_attrition(
            result_stage["attrition_overall"],
            result_stage["differential_attrition"],
            boundary=analysis.attrition_boundary,
        )
        print(wwc.summary())
        wwc
        """
    ),
    code(
        """
        ipw = attrition.ipw_itt(
            sample, outcome="job_or_steps", covariates=covariates, n_bootstrap=200, seed=1
        )
        print(ipw.summary())
        ipw
        """
    ),
    code(
        """
        lee = {o: attrition.lee_bounds(sample, outcome=o, tighten_by="gender") for o in primary}
        print(lee["job_or_steps"].summary())
        pd.concat([b.tidy() for b in lee.values()], ignore_index=True)
        """
    ),
    md(
        """
        `impact.attrition.attrition_summary` runs all of this (plus tests of
        differential attrition, Manski bounds and figures) in one call; `impact run` writes it
        for the funder's report.

        ## 7. Heterogeneity by gender

        Does the programme work differently for women and men? `heterogeneity` estimates the
        effect within each group in one model and tests whether the effects differ (the
        interaction test). With 25–30 men among the analysed, subgroup estimates are very
        imprecise; a non-significant interaction is *not* evidence of equal effects. Stratum
        effects are left out because the strata *are* the gender groups here.
        """
    ),
    code(
        """
        by_gender = rct.heterogeneity(
            sample, primary, by="gender", covariates=covariates, strata=None
        )
        rct.subgroup_figure(by_gender)
        """
    ),
    code(
        """
        by_gender
        """
    ),
    md(
        """
        ## 8. Against the truth

        The synthetic study knows every person's outcome under both arms, so we can compare
        the estimates with the truth (`truth/effects.csv` and `truth/persons.csv`):

        * `true_itt_pp` — the effect in the population the study was drawn from;
        * `sample_ate_pp` — the effect among these 218 randomised people;
        * `respondents_diff_pp` — the difference in the *true* outcomes between the arms among
          the people who answered both surveys — what a perfect analysis of the respondents
          would find.

        With about 55 respondents per arm the 95 % interval of one estimate spans roughly
        ±17 pp — which is what the pre-study power calculation warned about (notebook 03):
        effects below 17–20 pp are hard to detect with this design. When an estimate is far
        from the true effect but close to `respondents_diff_pp`, the estimator did its job and
        the gap comes from *who answered* (attrition and chance), not from the analysis. An
        interval that misses the truth is expected now and then — 1 in 20 for each outcome, so
        more often than that for at least one of several outcomes.
        """
    ),
    code(
        """
        truth = pd.read_csv(workdir / "rct" / "truth" / "effects.csv").set_index("indicator")
        persons = pd.read_csv(workdir / "rct" / "truth" / "persons.csv")
        both = persons["response_baseline"].notna() & persons["response_result"].notna()
        answered = persons[both]
        by_arm = answered.groupby("arm")[primary].mean()
        lin = estimates.tidy().query("specification == 'lin'").set_index("outcome")
        comparison = pd.DataFrame(
            {
                "true_itt_pp": truth.loc[primary, "true_itt"] * 100,
                "sample_ate_pp": truth.loc[primary, "sample_ate"] * 100,
                "respondents_diff_pp": (by_arm.loc["treatment"] - by_arm.loc["control"]) * 100,
                "lin_estimate_pp": lin.loc[primary, "estimate_pp"],
                "lin_ci_low_pp": lin.loc[primary, "conf_low_pp"],
                "lin_ci_high_pp": lin.loc[primary, "conf_high_pp"],
                "lee_lower_pp": [lee[o].tidy().at[0, "lower"] * 100 for o in primary],
                "lee_upper_pp": [lee[o].tidy().at[0, "upper"] * 100 for o in primary],
            }
        )
        true_pp = comparison["true_itt_pp"]
        low, high = comparison["lin_ci_low_pp"], comparison["lin_ci_high_pp"]
        comparison["ci_covers_truth"] = (low <= true_pp) & (true_pp <= high)
        comparison.round(1)
        """
    ),
    md(
        """
        ## Where next

        * `impact.rct.analyse_rct` runs steps 1–5 and 7 in one call and writes every
          table and figure (`docs/rct.md`); `impact rct study.yaml` does it from the command
          line.
        * `docs/attrition.md` explains the attrition methods and their assumptions.
        """
    ),
    code(
        """
        scratch.cleanup()  # removes the temporary folder and everything in it; skip to keep them
        """
    ),
]
