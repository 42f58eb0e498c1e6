"""Cells of ``03_power_planning.ipynb``: RISE's calculation and the 500-participant plan."""

from cells import code, md

CELLS = [
    md(
        """
        # Power planning: how large an effect can a study detect?

        Before the randomised study of Jobbsteget Tillsammans, RISE calculated that "with the
        given size of the study population" an effect of **17–20 percentage points** was needed
        to be detectable. The report does not say which base rate, significance level, power
        or method was assumed. This notebook

        1. computes the **minimum detectable effect** (MDE) for the study as planned and as
           realised;
        2. **reproduces RISE's 17–20 pp** by searching the assumptions that give it;
        3. **plans the next study** with 500 participants, for every headline outcome;
        4. checks the analytic answers against **simulation** of the analysis that will
           actually be run (ITT with HC2 standard errors, covariates, attrition);
        5. **diagnoses the design**: bias, coverage and power of every estimator when some of
           those offered never start and attrition differs between the arms.

        Effects are always in **percentage points** (pp): a rise from 30 % to 48 % is 18 pp.
        """
    ),
    code(
        """
        %matplotlib inline
        import tempfile
        from pathlib import Path

        import pandas as pd

        from impact import power

        scratch = tempfile.TemporaryDirectory(prefix="impact-power-")
        workdir = Path(scratch.name)
        """
    ),
    md(
        """
        ## 1. The MDE of the study as planned and as realised

        218 people were randomised (109 per arm), but only 151 answered the baseline survey
        and started the study (73 intervention, 78 control). With α = 0.05 (two-sided) and
        80 % power, and a 30 % base rate of getting a job in the control group:
        """
    ),
    code(
        """
        planned = power.mde(109, 109, control_rate=0.30, direction="increase")
        planned
        """
    ),
    code(
        """
        realised = power.mde(73, 78, control_rate=0.30, direction="increase")
        print(realised.sentence("sv"))
        realised
        """
    ),
    md(
        """
        Every answer comes as a sentence in English or Swedish (`.sentence("sv")`) and a tidy
        table with every assumption, so it can be pasted into a report as it is.

        ## 2. Reproducing RISE's 17–20 pp

        `rise_reproduction` computes the MDE over a grid: three designs (218 randomised,
        73 vs 78 analysed, 109/109 with the observed 31 % attrition), three methods (unpooled
        normal approximation, Fleiss' pooled variance, Cohen's arcsine h), covariates
        explaining R² = 0, 0.1 or 0.2 of the outcome, base rates from 5 % to 50 %, rises and
        falls. `matches()` lists the base rates whose MDE rounds to 17–20 pp.
        """
    ),
    code(
        """
        rise = power.rise_reproduction()
        print(rise.sentence())
        matches = rise.matches()
        matches[(matches["method"] == "unpooled") & (matches["r2"] == 0)]
        """
    ),
    code(
        """
        rise.figure("en")
        """
    ),
    md(
        """
        The most natural reading: RISE planned with all **218 randomised** and a base rate
        around 25–50 %, giving 17.6–18.6 pp for a rise — the middle of their range. Computed
        on the 151 who actually started, the same base rates give 21–22 pp: the study as
        realised could only detect larger effects than planned.

        ## 3. Planning the 500-participant study

        The next project plans 500 participants. `plan_study` assumes 250/250 randomised, 30 %
        attrition (the result survey of Jobbsteget Tillsammans reached 71 %), α = 0.05, 80 %
        power and the published shares as control-group rates, and reports the smallest
        detectable rise and fall for each headline outcome with and without covariates.
        """
    ),
    code(
        """
        plan = power.plan_study(500, attrition=0.3, r2_values=(0.0, 0.1, 0.2))
        print(plan.sentence())
        plan.tidy().query("direction == 'increase'").pivot_table(
            index=["outcome", "control_rate"], columns="r2", values="mde_pp"
        ).round(1)
        """
    ),
    code(
        """
        plan.figure("en")
        """
    ),
    md(
        """
        Baseline covariates that predict the outcome (R² = 0.1–0.2 is realistic for
        education, time in Sweden and employment at baseline) buy about one percentage point.
        A single number per question is often what a funder asks for:
        """
    ),
    code(
        """
        needed = power.sample_size(control_rate=0.29, effect_pp=10, attrition=0.3, r2=0.1)
        print(needed.sentence())
        achieved = power.power(250, 250, control_rate=0.29, effect_pp=12, attrition=0.3, r2=0.1)
        print(achieved.sentence())
        needed
        """
    ),
    code(
        """
        enrolled = [100, 200, 300, 400, 500, 600, 800, 1000]
        curve = power.mde_curve(enrolled, control_rate=0.29, attrition=0.3)
        curve.figure("en")
        """
    ),
    md(
        """
        ## 4. Simulation vs the analytic answer

        The analytic formulas are normal approximations. `simulate_power` runs the study many
        times: it randomises exactly the given arm sizes, draws 0/1 outcomes (optionally from
        covariates explaining a share R² of the outcome), removes respondents (optionally more
        often among those with low covariate values — attrition that is *not* at random), and
        analyses each trial as the real study would: OLS with HC2 standard errors. The share
        of trials with p < 0.05 is the power, with its Monte Carlo standard error.

        We compare four scenarios at 3,000 trials each (a few seconds in total):
        """
    ),
    code(
        """
        scenarios = {
            "RISE as realised, effect = analytic MDE": dict(
                n_treatment=73, n_control=78, control_rate=0.30, effect_pp=realised.mde_pp
            ),
            "no effect (size of the test)": dict(
                n_treatment=73, n_control=78, control_rate=0.30, effect_pp=0.0
            ),
            "500 planned, 30 % attrition, R² = 0.1": dict(
                n_treatment=250,
                n_control=250,
                control_rate=0.29,
                effect_pp=13.5,
                attrition=0.3,
                n_covariates=3,
                r2=0.1,
            ),
            "same, attrition related to covariates": dict(
                n_treatment=250,
                n_control=250,
                control_rate=0.29,
                effect_pp=13.5,
                attrition=0.3,
                attrition_slope=1.0,
                n_covariates=3,
                r2=0.1,
            ),
        }
        rows = []
        for name, settings in scenarios.items():
            simulated = power.simulate_power(**settings, n_sims=3_000, seed=20260101)
            row = simulated.tidy().iloc[0]
            rows.append(
                {
                    "scenario": name,
                    "effect_pp": row["effect_pp"],
                    "analytic_power": row["analytic_power"],
                    "simulated_power": row["power"],
                    "mc_se": row["mc_se"],
                    "mean_estimate_pp": row["mean_estimate_pp"],
                }
            )
        pd.DataFrame(rows).round(3)
        """
    ),
    md(
        """
        The simulated power agrees with the analytic answer within a few Monte Carlo standard
        errors, and the size of the test under no effect is close to 5 %. With attrition that
        depends on the covariates the power stays close — but note that `mean_estimate_pp`
        is what the *analysis of respondents* estimates; whether that equals the effect for
        everyone is the attrition question of notebook 02.

        Finally, a power curve for the realised RISE design shows how quickly power falls
        below the MDE, and how little the three analytic methods differ:
        """
    ),
    code(
        """
        methods = ["unpooled", "pooled", "arcsine"]
        realised_curve = power.power_curve(73, 78, control_rate=0.30, methods=methods)
        realised_curve.write(workdir / "power_curve")
        realised_curve.figure("en")
        """
    ),
    md(
        """
        ## 5. Design diagnosis: will the analysis answer the question?

        Power is one number about one estimator. A **design diagnosis** (the idea of
        DeclareDesign) simulates the study as it will really run — some of those offered a
        place never start, some controls find their way in, more controls than participants
        stop answering — and grades *every* estimator the analysis will report against the
        truth the simulation knows: the ITT difference (HC2), Lin's covariate adjustment, the
        effect for those who take part (CACE by 2SLS), randomisation inference and the Lee
        bounds. For each: **bias** (average error), **RMSE** (typical error), **coverage**
        (share of 95 % intervals that contain the truth — it should be close to 95 %),
        **power** and the **width** of the intervals and of the Lee bounds.

        The next study: 250 + 250 randomised, 70 % of those offered start, 5 % of the controls
        cross over, 25 % attrition among participants and 35 % among controls, three baseline
        covariates explaining 10 % of the outcome, and a 15-point effect of *taking part*.
        """
    ),
    code(
        """
        diagnosis = power.diagnose(
            250,
            250,
            control_rate=0.29,
            effect_pp=15,
            take_up=0.70,
            crossover=0.05,
            attrition_treatment=0.25,
            attrition_control=0.35,
            n_covariates=3,
            r2=0.10,
            n_sims=400,
            ri_draws=99,
            seed=20260101,
        )
        print(diagnosis.sentence("en"))
        columns = [
            "estimator",
            "truth_pp",
            "bias_pp",
            "rmse_pp",
            "coverage",
            "power",
            "mean_ci_width_pp",
            "bounds_width_pp",
        ]
        diagnosis.tidy()[columns].round(3)
        """
    ),
    code(
        """
        diagnosis.write(workdir / "diagnosis")  # diagnosis.csv and the figure in sv and en
        diagnosis.figure("en")
        """
    ),
    md(
        """
        Read it row by row. The **ITT** estimators aim at the offer's effect (0.65 × 15 ≈ 9.8
        pp); with attrition that does not depend on the outcome they are unbiased and their
        intervals cover about 95 % of the time. Lin's adjustment gives the same answer with a
        smaller RMSE and more power. The **CACE** is the effect for compliers (15 pp): larger,
        but with an interval about 1 / 0.65 times wider, so its power is no higher than the
        ITT's. **Randomisation inference** has the ITT's power without relying on large-sample
        theory. The **Lee bounds** are wide — that is the price of differential attrition; their
        interval covers the effect among those who would answer in either arm more often than
        95 % because it has to be valid whatever the truth inside the bounds.
        The same diagnosis on the command line: `impact power diagnose --n1 250 --n2 250
        --control-rate 0.29 --effect 15 --take-up 0.7 --crossover 0.05 --attrition-treatment
        0.25 --attrition-control 0.35 --covariates 3 --r2 0.1 --out results/diagnosis`.
        """
    ),
    md(
        """
        ## Where next

        * The same calculations on the command line: `impact power mde --n1 73 --n2 78
          --control-rate 0.3`, `impact power plan --n 500 --attrition 0.3`,
          `impact power rise` (see `docs/power.md`).
        * `.write(directory)` on any curve, plan or reproduction saves its tables and figures
          (English and Swedish) for a report.
        """
    ),
    code(
        """
        scratch.cleanup()  # removes the temporary folder and everything in it; skip to keep them
        """
    ),
]
