"""A small, fast maximum-likelihood logit (Newton–Raphson) for response models.

The IPW bootstrap refits the response model hundreds of times on small samples, so this is a
plain numpy implementation rather than a statsmodels model. Columns that are constant in the
fitting sample (e.g. a rare category absent from a bootstrap draw) are dropped; their
coefficient is reported as 0. Separation (a covariate pattern that predicts response perfectly)
is detected and reported instead of returning meaningless weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impact.errors import AnalysisError


@dataclass(frozen=True)
class LogitFit:
    """Coefficients and fitted probabilities of a logit fit.

    Attributes
    ----------
    coef : ndarray
        Coefficients for the constant and then each column of ``x`` (0 for dropped columns).
    fitted : ndarray
        Fitted probabilities for the rows fitted.
    iterations : int
        Newton iterations used.
    """

    coef: np.ndarray
    fitted: np.ndarray
    iterations: int

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return fitted probabilities for new rows ``x`` (without the constant column)."""
        eta = self.coef[0] + np.asarray(x, dtype=float) @ self.coef[1:]
        return 1.0 / (1.0 + np.exp(-eta))


def _newton(design: np.ndarray, y: np.ndarray, max_iter: int, tol: float) -> tuple[np.ndarray, int]:
    """Newton–Raphson with step halving from the intercept-only fit; coefficients, iterations."""
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(y.mean() / (1 - y.mean()))
    loglik = -np.inf
    iteration = 0
    while iteration < max_iter:
        iteration += 1
        eta = design @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        w = p * (1 - p)
        grad = design.T @ (y - p)
        hess = design.T @ (design * w[:, None])
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        # step halving keeps the log-likelihood increasing
        for _ in range(30):
            new = beta + step
            eta_new = design @ new
            ll_new = float(np.sum(y * eta_new - np.logaddexp(0.0, eta_new)))
            if ll_new >= loglik - 1e-12:
                break
            step /= 2
        beta, loglik = new, ll_new
        if np.max(np.abs(step)) < tol:
            break
    return beta, iteration


def fit_logit(x: np.ndarray, y: np.ndarray, *, max_iter: int = 100, tol: float = 1e-10) -> LogitFit:
    """Fit ``P(y = 1 | x) = 1 / (1 + exp(-(b0 + x b)))`` by maximum likelihood.

    Parameters
    ----------
    x : ndarray, shape (n, k)
        Covariates without a constant column (one is added).
    y : ndarray, shape (n,)
        0/1 responses.
    max_iter, tol : int, float
        Newton iteration limit and convergence tolerance on the coefficient change.

    Returns
    -------
    LogitFit

    Raises
    ------
    AnalysisError
        If ``y`` is constant, or the fit separates the data (fitted probabilities reach 0 or 1).
    """
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    y = np.asarray(y, dtype=float)
    if y.min() == y.max():
        raise AnalysisError("The response model cannot be fitted: everyone (or no one) responded.")
    keep = x.std(axis=0) > 0
    design = np.column_stack([np.ones(len(y)), x[:, keep]])
    # drop columns that are linear combinations of earlier ones (e.g. a level equal to another)
    _, r = np.linalg.qr(design)
    independent = np.abs(np.diag(r)) > 1e-8 * max(1.0, np.abs(np.diag(r)).max())
    design = design[:, independent]
    beta, iteration = _newton(design, y, max_iter, tol)
    eta = design @ beta
    if np.max(np.abs(eta)) > 25:
        raise AnalysisError(
            "The response model separates the data (some covariate pattern predicts response "
            "perfectly); merge rare categories or use fewer covariates."
        )
    full = np.zeros(x.shape[1] + 1)
    kept_index = np.concatenate([[0], 1 + np.flatnonzero(keep)])[independent]
    full[kept_index] = beta
    return LogitFit(coef=full, fitted=1.0 / (1.0 + np.exp(-eta)), iterations=iteration)
