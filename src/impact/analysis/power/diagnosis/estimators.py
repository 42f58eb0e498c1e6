"""The estimators of a design diagnosis, vectorised across simulated trials (one per row).

Each equals the package's public estimator on the same data (tests/test_power_diagnose.py):

* :func:`itt` — the difference in means among respondents, the coefficient of ``y ~ treated``;
  HC2 standard error on ``n − 2`` degrees of freedom as :func:`impact.rct.itt` (the
  unpooled variance with ``n − 1`` denominators, see :mod:`impact.analysis.power.hc2`); in
  cluster designs CR2 (Bell–McCaffrey) with Satterthwaite degrees of freedom;
* :func:`lin` — Lin's (2013) fully interacted regression with covariates centred at the
  respondents' mean; its hat matrix is block-diagonal by arm, so the treatment coefficient is
  the difference of the two arms' intercepts of ``y ~ 1 + x̃`` and its HC2 variance the sum of
  theirs; ``n − 2 − 2k`` degrees of freedom; in cluster designs :func:`lin_cr2` (CR2 from the
  eigen-decomposition of each cluster's ``I − H_gg``, Bell–McCaffrey degrees of freedom);
* :func:`wald` — two-stage least squares of ``y`` on ``started`` instrumented by the offer (the
  Wald ratio ``ITT_y / ITT_started``); its HC2 (or CR2) variance is the ITT variance of the
  structural residuals ``y − α − β started`` divided by the first stage squared, because the
  fitted regressors ``[1, started̂]`` span the same space as ``[1, treated]``.

CR2 for these arm-mean designs has a closed form: the hat matrix is ``1 1ᵀ / n_arm`` within an
arm, so the adjusted cluster sum of residuals is ``S_g / √(1 − m_g / n_arm)``; the
Bell–McCaffrey degrees of freedom follow from the ``G × G`` matrix of each arm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impact.analysis.power.hc2 import itt_hc2


@dataclass(frozen=True)
class Estimates:
    """Point estimates, standard errors and degrees of freedom, one per trial (NaN: undefined)."""

    estimate: np.ndarray
    se: np.ndarray
    df: np.ndarray


def _arm_sums(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    count = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (weights * values).sum(axis=1) / count, count


def arm_means(y: np.ndarray, observed: np.ndarray, treated: np.ndarray):
    """Means and counts of ``y`` among the observed of each arm: ``(m1, m0, n1, n0)``."""
    r = observed.astype(float)
    m1, n1 = _arm_sums(y, r * treated)
    m0, n0 = _arm_sums(y, r * (1.0 - treated))
    return m1, m0, n1, n0


def cr2_variance(resid, observed, treated, cluster) -> tuple[np.ndarray, np.ndarray]:
    """CR2 variance of the treated − control contrast of arm means and its Bell–McCaffrey df.

    ``resid`` are residuals from the arm means (zero where not observed); ``cluster`` gives the
    cluster of each participant (clusters lie within one arm). Returns ``(variance, df)``.
    """
    r = observed.astype(float)
    ids = np.unique(cluster)
    member = (cluster[:, None] == ids[None, :]).astype(float)  # n × G
    sums = (resid * r) @ member  # trials × G
    sizes = r @ member
    arm_of = (treated @ member / member.sum(axis=0)) > 0.5
    variance = np.zeros(resid.shape[0])
    trace, square = np.zeros_like(variance), np.zeros_like(variance)
    for arm in (True, False):
        m = sizes[:, arm_of == arm]
        n_arm = m.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            keep = 1.0 - m / n_arm
            variance += (sums[:, arm_of == arm] ** 2 / keep).sum(axis=1) / n_arm[:, 0] ** 2
            s = 1.0 / np.sqrt(keep)
            block = s[:, :, None] * s[:, None, :] / n_arm[:, :, None] ** 2
            block = block * (m[:, :, None] * np.eye(m.shape[1]) - m[:, :, None] * m[:, None, :]
                             / n_arm[:, :, None])  # fmt: skip
        trace += np.trace(block, axis1=1, axis2=2)
        square += (block**2).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return variance, trace**2 / square


def _contrast(y, observed, treated, cluster, scale=None, resid=None) -> Estimates:
    """Difference of arm means of ``y`` (or ``resid``'s variance) with HC2/CR2 inference."""
    m1, m0, n1, n0 = arm_means(y, observed, treated)
    ok = (n1 >= 2) & (n0 >= 2)
    if resid is None:
        resid = np.where(treated == 1, y - m1[:, None], y - m0[:, None])
    resid = np.where(observed, resid, 0.0)
    if cluster is None:
        ss1 = (resid**2 * treated).sum(axis=1)
        ss0 = (resid**2 * (1.0 - treated)).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            variance = ss1 / (n1 * (n1 - 1.0)) + ss0 / (n0 * (n0 - 1.0))
        df = n1 + n0 - 2.0
    else:
        variance, df = cr2_variance(resid, observed, treated, cluster)
    estimate = m1 - m0
    if scale is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate, variance = estimate / scale, variance / scale**2
    ok &= np.isfinite(variance) & np.isfinite(estimate) & np.isfinite(df)
    se = np.sqrt(np.where(ok, np.maximum(variance, 0.0), np.nan))
    return Estimates(np.where(ok, estimate, np.nan), se, np.where(ok, df, np.nan))


def block_dummies(block: np.ndarray | None) -> np.ndarray | None:
    """Indicators of blocks 2 … B (``n × (B − 1)``), or None without blocks."""
    if block is None:
        return None
    return (block[:, None] == np.unique(block)[None, 1:]).astype(float)


def itt(y, observed, treated, cluster=None, block=None) -> Estimates:
    """ITT difference among respondents with HC2 (CR2 with clusters) inference; with blocks,
    the coefficient of ``y ~ treated + block fixed effects``."""
    if cluster is None:
        dummies = block_dummies(block)
        draws = itt_hc2(y, treated, dummies, observed)
        extra = 0 if dummies is None else dummies.shape[1]
        df = draws.n_treatment + draws.n_control - 2.0 - extra
        return Estimates(draws.estimate, draws.se, np.where(np.isnan(draws.se), np.nan, df))
    return _contrast(y, observed, treated, cluster)


def wald(y, started, observed, treated, cluster=None, block=None) -> Estimates:
    """CACE by 2SLS (the Wald ratio) among respondents, HC2 (CR2 with clusters) inference;
    with blocks, 2SLS with block fixed effects (:func:`_wald_fixed_effects`)."""
    if block is not None:
        return _wald_fixed_effects(y, started, observed, treated, block_dummies(block))
    y1, y0, _, _ = arm_means(y, observed, treated)
    d1, d0, _, _ = arm_means(started, observed, treated)
    first = d1 - d0
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = (y1 - y0) / first
        alpha = y0 - beta * d0
    structural = y - alpha[:, None] - beta[:, None] * started  # mean zero within each arm
    return _contrast(y, observed, treated, cluster, scale=first, resid=structural)


def _wald_fixed_effects(y, started, observed, treated, w) -> Estimates:
    """2SLS of ``y`` on ``started`` and exogenous ``[1, w]``, the offer as instrument, HC2.

    With ``M`` the residual maker of ``[1, w]`` among respondents: ``β = (Mz · My) / (Mz · Md)``;
    the structural residuals are ``My − β Md``; the fitted regressors span ``[1, w, z]``, whose
    leverage is that of ``[1, w]`` plus ``(Mz)² / Σ (Mz)²``.
    """
    r = observed.astype(float)
    base = np.concatenate([np.ones((len(w), 1)), w], axis=1)[None] * r[:, :, None]
    q, _ = np.linalg.qr(base)

    def residualise(v: np.ndarray) -> np.ndarray:
        v = np.broadcast_to(v, r.shape) * r
        return v - np.einsum("snp,sp->sn", q, np.einsum("snp,sn->sp", q, v))

    rz, ry, rd = residualise(treated), residualise(y), residualise(started)
    szz, szd = (rz**2).sum(axis=1), (rz * rd).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = (rz * ry).sum(axis=1) / szd
        resid = (ry - beta[:, None] * rd) * r
        leverage = (q**2).sum(axis=2) + rz**2 / szz[:, None]
        weight = np.where(r > 0, 1.0 / (1.0 - leverage), 0.0)
        variance = (rz**2 * resid**2 * weight).sum(axis=1) / szd**2
    df = r.sum(axis=1) - 2.0 - w.shape[1]
    ok = np.isfinite(beta) & np.isfinite(variance) & (leverage.max(axis=1) < 1 - 1e-12)
    se = np.sqrt(np.where(ok, variance, np.nan))
    return Estimates(np.where(ok, beta, np.nan), se, np.where(ok, df, np.nan))


def lin(y, observed, treated, x, block=None) -> Estimates:
    """Lin's interacted regression: difference of the arms' intercepts at the respondents' mean.

    HC2 variance of each arm's intercept from ``y ~ 1 + x̃`` within the arm (x̃ centred at the
    mean of all respondents; with blocks, x includes the block indicators, as
    :func:`impact.rct.itt` with strata); undefined when an arm has no more respondents than
    regressors.
    """
    r = observed.astype(float)
    dummies = block_dummies(block)
    if dummies is not None:
        blocks = np.broadcast_to(dummies, (len(y), *dummies.shape))
        x = blocks if x is None else np.concatenate([blocks, x], axis=2)
    trials, n, k = x.shape
    centre = (x * r[:, :, None]).sum(axis=1) / r.sum(axis=1)[:, None]
    design = np.concatenate([np.ones((trials, n, 1)), x - centre[:, None, :]], axis=2)
    estimate, variance = np.zeros(trials), np.zeros(trials)
    ok = np.ones(trials, dtype=bool)
    for arm, sign in ((1.0, 1.0), (0.0, -1.0)):
        w = r * (treated == arm)
        cross = np.einsum("tni,tn,tnj->tij", design, w, design)
        good = (w.sum(axis=1) > k + 1) & (np.abs(np.linalg.det(cross)) > 1e-10)
        cross[~good] = np.eye(k + 1)
        inverse = np.linalg.inv(cross)
        coef = np.einsum("tij,tnj,tn,tn->ti", inverse, design, w, y)
        resid = (y - np.einsum("tnj,tj->tn", design, coef)) * w
        leverage = np.einsum("tni,tij,tnj->tn", design, inverse, design) * w
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = np.where(w > 0, resid**2 / (1.0 - leverage), 0.0)
        row = inverse[:, 0, :]
        variance += np.einsum("ti,tni,tn,tnj,tj->t", row, design, weight, design, row)
        estimate += sign * coef[:, 0]
        ok &= good & (leverage.max(axis=1) < 1.0 - 1e-12)
    df = r.sum(axis=1) - 2.0 - 2.0 * k
    ok &= np.isfinite(variance) & (df > 0)
    se = np.sqrt(np.where(ok, variance, np.nan))
    return Estimates(np.where(ok, estimate, np.nan), se, np.where(ok, df, np.nan))


def _arm_cr2(y, w, design, size: int):
    """One arm's share of Lin's CR2 variance: the intercept's variance and Bell–McCaffrey terms.

    ``w`` marks the arm's respondents; clusters are consecutive runs of ``size`` participants.
    Returns ``(intercept, variance, trace, frobenius², usable)`` per trial.
    """
    trials, n, p = design.shape
    d = design * w[:, :, None]
    cross = np.einsum("tni,tnj->tij", d, d)
    usable = (w.sum(axis=1) > p) & (np.abs(np.linalg.det(cross)) > 1e-10)
    cross[~usable] = np.eye(p)
    inverse = np.linalg.inv(cross)
    coef = np.einsum("tij,tnj,tn->ti", inverse, d, y)
    resid = (y - np.einsum("tnj,tj->tn", design, coef)) * w
    groups = n // size
    d_g = d.reshape(trials, groups, size, p)
    hat = np.einsum("tgai,tij,tgbj->tgab", d_g, inverse, d_g)
    values, vectors = np.linalg.eigh(np.eye(size) - hat)
    usable &= (values > 1e-12).all(axis=(1, 2))
    root = np.where(values > 1e-12, 1.0 / np.sqrt(np.maximum(values, 1e-12)), 0.0)
    adjust = np.einsum("tgai,tgi,tgbi->tgab", vectors, root, vectors)
    weights = np.einsum("tgai,ti->tga", d_g, inverse[:, 0, :])  # D_g (DᵀD)⁻¹ c
    spread = np.einsum("tgab,tgb->tga", adjust, weights)  # A_g D_g (DᵀD)⁻¹ c
    grouped = resid.reshape(trials, groups, size)
    variance = (np.einsum("tga,tgab,tgb->tg", weights, adjust, grouped) ** 2).sum(axis=1)
    # Bell–McCaffrey: column g of P is (I − H) times A_g D_g (DᵀD)⁻¹ c placed in cluster g
    columns = (spread[:, :, :, None] * np.eye(groups)[None, :, None, :]).reshape(trials, n, -1)
    projected = inverse @ np.einsum("tnj,tng->tjg", d, columns)
    columns = columns - d @ projected
    gram = np.einsum("tng,tnh->tgh", columns, columns)
    trace = np.trace(gram, axis1=1, axis2=2)
    return coef[:, 0], variance, trace, (gram**2).sum(axis=(1, 2)), usable


def lin_cr2(y, observed, treated, x, size: int) -> Estimates:
    """Lin's estimator in a cluster design: CR2 variance and Bell–McCaffrey degrees of freedom.

    The interacted regression is block-diagonal by arm and clusters lie within one arm, so the
    CR2 variance of the treatment coefficient is the sum of the arms' intercept variances and the
    Bell–McCaffrey matrix is block-diagonal by arm.
    """
    r = observed.astype(float)
    centre = (x * r[:, :, None]).sum(axis=1) / r.sum(axis=1)[:, None]
    design = np.concatenate([np.ones((*y.shape, 1)), x - centre[:, None, :]], axis=2)
    parts = [_arm_cr2(y, r * (treated == arm), design, size) for arm in (1.0, 0.0)]
    estimate = parts[0][0] - parts[1][0]
    variance = parts[0][1] + parts[1][1]
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (parts[0][2] + parts[1][2]) ** 2 / (parts[0][3] + parts[1][3])
    ok = parts[0][4] & parts[1][4] & np.isfinite(variance) & np.isfinite(df)
    se = np.sqrt(np.where(ok, variance, np.nan))
    return Estimates(np.where(ok, estimate, np.nan), se, np.where(ok, df, np.nan))
