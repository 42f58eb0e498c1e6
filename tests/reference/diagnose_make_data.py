"""Generate tests/reference/diagnose_data.csv, the input of tests/reference/diagnose.R.

Run once: ``.venv/bin/python tests/reference/diagnose_make_data.py``. The CSV is committed;
tests and the R script only read it. Two trials drawn by the design diagnosis's own simulator
(:mod:`impact.analysis.power.diagnosis.design`): ``individual`` (take-up 70 %, crossover 10 %,
differential attrition, two covariates) and ``clustered`` (8 + 8 clusters of 10, ICC 0.2,
two covariates).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from impact.analysis.power.diagnosis.design import DeclaredDesign

COMMON = {"control_rate": 0.3, "effect_pp": 15, "take_up": 0.7, "crossover": 0.1}
DESIGNS = {
    "individual": DeclaredDesign.declare(
        n_treatment=120,
        n_control=100,
        attrition_treatment=0.15,
        attrition_control=0.3,
        attrition_slope=0.5,
        n_covariates=2,
        r2=0.2,
        **COMMON,
    ),  # fmt: skip
    "clustered": DeclaredDesign.declare(
        n_treatment=80,
        n_control=80,
        attrition_treatment=0.1,
        attrition_control=0.2,
        n_covariates=2,
        r2=0.2,
        icc=0.2,
        cluster_size=10,
        **COMMON,
    ),  # fmt: skip
}

frames = []
for seed, (name, design) in enumerate(DESIGNS.items(), start=2201):
    frame = design.draw(np.random.default_rng(seed), 1).frame(0)
    frames.append(frame.assign(design=name))
out = pd.concat(frames, ignore_index=True)
out.to_csv(Path(__file__).with_name("diagnose_data.csv"), index=False)
