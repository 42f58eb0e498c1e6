"""Baseline means of the *compliers* in each arm, for the balance table (Abadie κ weights).

With take-up recorded (``started``: the person started the programme), everyone randomised is a
complier, an always-taker (starts whatever the arm: control-group crossover) or a never-taker
(never starts), under monotonicity. Compliers cannot be pointed out one by one, but their mean
of a baseline characteristic X can be estimated in each arm with Abadie's (2003) κ weights,
using p_s, the share assigned to treatment in the person's stratum:

* in the treatment arm, compliers are the starters minus the always-takers (whom the control
  arm's starters represent): κ₁ = D·(Z − p_s) / (p_s·(1 − p_s));
* in the control arm, compliers are the non-starters minus the never-takers (whom the
  treatment arm's non-starters represent): κ₀ = (1 − D)·((1 − Z) − (1 − p_s)) / (p_s·(1 − p_s)).

The complier mean is Σ κ·X / Σ κ over the people whose X is observed, its SD
sqrt(mean_κ(X²) − mean_κ(X)²). Randomisation makes the two arms' compliers alike, so their
normalised difference is a balance check of the complier sample (the sample a CACE describes).
Counts are the starters of the treatment arm and the non-starters of the control arm. The
κ-weighted means are estimates, not observed groups: no test is attached to them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cace_checks import take_up_floats
from .compliers import kappa_weights


def _weighted(x: np.ndarray, kappa: np.ndarray) -> tuple[float, float]:
    ok = ~np.isnan(x)
    total = kappa[ok].sum()
    if total <= 0:
        return float("nan"), float("nan")
    mean = float(np.sum(kappa[ok] * x[ok]) / total)
    var = float(np.sum(kappa[ok] * x[ok] ** 2) / total - mean**2)
    return mean, (float(np.sqrt(var)) if var > 0 else float("nan"))


def complier_row(name: str, x: np.ndarray, z: np.ndarray, d: np.ndarray, kappas) -> dict:
    """Complier means, SDs and normalised difference of one covariate term (``x`` may be NaN)."""
    kappa1, kappa0 = kappas
    ok = ~np.isnan(x) & ~np.isnan(d)
    m1, s1 = _weighted(np.where(ok, x, np.nan), np.where(ok, kappa1, 0.0))
    m0, s0 = _weighted(np.where(ok, x, np.nan), np.where(ok, kappa0, 0.0))
    pooled = np.sqrt((s1**2 + s0**2) / 2)
    return {
        "covariate": name,
        "level": "",
        "n_treatment": int(np.sum(ok & (z == 1) & (d == 1))),
        "n_control": int(np.sum(ok & (z == 0) & (d == 0))),
        "mean_treatment": m1,
        "mean_control": m0,
        "sd_treatment": s1,
        "sd_control": s0,
        "smd": float((m1 - m0) / pooled) if pooled > 0 else float("nan"),
        "test": "complier_kappa",
        "note": "complier means (Abadie kappa weights): estimates, no test",
    }


def complier_rows(
    data: pd.DataFrame, covariates, z: np.ndarray, take_up: str, codes: np.ndarray
) -> tuple[list[dict], dict]:
    """Rows of the ``compliers`` sample (one per covariate or level) and its joint-test row."""
    d = take_up_floats(data, take_up)
    weights = kappa_weights(z, np.nan_to_num(d), codes)
    kappas = weights["complier_treatment"], weights["complier_control"]
    rows = []
    for cov in covariates:
        col = data[cov]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            x = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            rows.append(complier_row(cov, x, z, d, kappas))
            continue
        ok = col.notna().to_numpy()
        text = col.astype("string").to_numpy(dtype=object)
        for level in sorted({str(v) for v in text[ok]}):
            x = np.full(len(text), np.nan)
            x[ok] = text[ok] == level
            rows.append(complier_row(cov, x, z, d, kappas) | {"level": level})
    n = int(np.sum(~np.isnan(d)))
    joint = {"n": n, "n_covariates": 0, "note": "complier means are estimates: no joint test"}
    return [{"sample": "compliers"} | r for r in rows], {"sample": "compliers"} | joint
