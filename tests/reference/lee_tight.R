# Reference values for tightened Lee (2009) bounds: impact.analysis.attrition.lee_bounds(...,
# tighten_by=) and its Imbens-Manski (2004) confidence interval.
#
# WHICH REFERENCE: Stata's published leebounds output could not be used here (no Stata; the
# JobCorps data of Tauchmann 2014 are not available offline). This is an INDEPENDENT base-R
# implementation written from the algorithm of leebounds.ado version 1.5 (H. Tauchmann,
# 2013-07-17, SSC), programs `leetbound` (tightened bounds, analytic variance) and `leebci`
# (confidence interval for the effect), without weights:
#   * the arm with the higher observed share is trimmed (chosen overall);
#   * cell weights = the number of respondents of the OTHER (less observed) arm in the cell;
#   * within a cell: trimming share p = (q_t - q_o) / q_t; the cut-offs are Stata's `_pctile`
#     percentiles p and 1 - p of the trimmed arm's respondents; observations tied at a cut-off
#     enter with the share `stie` that keeps exactly (1 - p) of the mass (`leetbound`'s tie
#     branch) -- written here with explicit percentiles and tie counting, not by sorting and
#     fractional weights as the Python code does;
#   * per-cell variance vb1 + vb2 + vb3 (trimmed-mean variance, quantile term, variance of the
#     estimated trimming share; Lee 2009, Proposition 3), combined as
#       sum f_k^2 v_k / F^2 + (sum f_k m_k^2 / F - (sum f_k m_k / F)^2) / N + var(y_o) / n_o
#     with var(y_o) the n-1 variance of the other arm's respondents' outcomes.
# Two deliberate deviations from the .ado, also in the Python code:
#   (1) N in the weight term is n_o, the other arm's respondents whose cell shares are the
#       weights. leebounds 1.5 divides by its local `ntall`, which at that point holds the
#       trimmed-arm respondent count of the LAST cell (left over from the cell loop); the
#       literal .ado value is also written (se_*_ado_literal) to show the size of the
#       difference.
#   (2) leebci searches the critical value on a grid of step 0.001; here it is solved exactly
#       (uniroot, tol 1e-12): Phi(c + (upper - lower) / max(se)) - Phi(-c) = level.
# The test data have one response direction in every cell (leebounds warns and "may fail"
# otherwise; the Python code then uses p = 0 in such a cell) and no cut-off that falls exactly
# between two observations (n * p never an integer), where `_pctile` averages two values and
# leetbound's no-tie branch uses an n-1 variance.
# Binary outcomes: only the point bounds are compared (the Python SEs for binary outcomes are
# the delta method over the multinomial cell shares, tests/reference/attrition.R section 6).
#
# Run from the repository root:  Rscript tests/reference/lee_tight.R
# Reads tests/reference/lee_tight_data.csv, writes tests/reference/lee_tight_values.json.
suppressPackageStartupMessages(library(jsonlite))
here <- "tests/reference"
d <- read.csv(file.path(here, "lee_tight_data.csv"), stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
d$treat <- as.numeric(d$arm == "treatment")

stata_pctile <- function(x, P) {
  x <- sort(x); n <- length(x); np <- n * P / 100; i <- floor(np)
  if (np > i) return(x[i + 1])
  if (i == 0) return(x[1])
  (x[i] + x[min(i + 1, n)]) / 2
}

# trimmed mean keeping the upper (side = "upper": y >= percentile p) or lower part, with the
# leetbound tie share and its variance vb1
trim_side <- function(y, q, side) {
  P <- if (side == "upper") 100 * q else 100 - 100 * q
  th <- stata_pctile(y, P)
  if (q <= 0) th <- if (side == "upper") min(y) else max(y)
  beyond <- if (side == "upper") y > th else y < th
  neth <- sum(y == th)
  if (neth == 0) {
    kept <- if (side == "upper") y[y >= th] else y[y <= th]
    m <- mean(kept)
    return(list(mean = m, cut = th, vb1 = var(kept) / length(kept), branch = "no tie"))
  }
  nbth <- sum(beyond); sbth <- sum(y[beyond]); ntall <- length(y)
  stie <- (ntall * (1 - q) - nbth) / neth
  mass <- nbth + stie * neth
  m <- (sbth + stie * neth * th) / mass
  vb1 <- ((sum(y[beyond]^2) + stie * neth * th^2) / mass - m^2) / mass
  list(mean = m, cut = th, vb1 = vb1, branch = "tie", ntall = ntall)
}

im_c <- function(width, se_max, level = 0.95) {
  uniroot(function(c) pnorm(c + width / se_max) - pnorm(-c) - level, c(0, 20),
          tol = 1e-12)$root
}

tight_lee <- function(y, treat, cell, level = 0.95) {
  s <- !is.na(y)
  q1 <- mean(s[treat == 1]); q0 <- mean(s[treat == 0])
  trimmed <- if (q1 >= q0) "treatment" else "control"
  tt <- if (trimmed == "treatment") treat else 1 - treat  # tt = 1: the trimmed arm
  otrim <- (max(q1, q0) - min(q1, q0)) / max(q1, q0)
  cells <- sort(unique(cell))
  f <- numeric(0); m_up <- numeric(0); m_lo <- numeric(0); v_up <- numeric(0); v_lo <- numeric(0)
  rows <- list(); last_ntall <- NA
  for (k in cells) {
    ic <- cell == k
    n_t <- sum(ic & tt == 1); n_c <- sum(ic & tt == 0)
    q_t <- mean(s[ic & tt == 1]); q_c <- mean(s[ic & tt == 0])
    q <- (q_t - q_c) / q_t
    yt <- y[ic & tt == 1 & s]
    r_t <- length(yt)
    vp <- (1 - q)^2 * (((1 - q_t) / q_t) / n_t + ((1 - q_c) / q_c) / n_c)
    up <- trim_side(yt, q, "upper"); lo <- trim_side(yt, q, "lower")
    vfun <- function(t) t$vb1 + (t$cut - t$mean)^2 * q / ((1 - q) * r_t) +
      ((t$cut - t$mean) / (1 - q))^2 * vp
    f <- c(f, sum(ic & tt == 0 & s))
    m_up <- c(m_up, up$mean); m_lo <- c(m_lo, lo$mean)
    v_up <- c(v_up, vfun(up)); v_lo <- c(v_lo, vfun(lo))
    if (!is.null(lo$ntall)) last_ntall <- lo$ntall
    rows[[k]] <- list(cell = k, trimming_share = q, weight_count = f[length(f)],
                      branch_upper = up$branch, branch_lower = lo$branch)
  }
  yo <- y[tt == 0 & s]
  F <- sum(f); w <- f / F
  vc <- var(yo) / length(yo)
  spread <- function(m) sum(w * m^2) - sum(w * m)^2
  var_up <- function(N) sum(w^2 * v_up) + spread(m_up) / N + vc
  var_lo <- function(N) sum(w^2 * v_lo) + spread(m_lo) / N + vc
  ub <- sum(w * m_up) - mean(yo); lb <- sum(w * m_lo) - mean(yo)
  n_o <- length(yo)
  if (trimmed == "treatment") {
    lower <- lb; upper <- ub
    se <- sqrt(c(var_lo(n_o), var_up(n_o)))
    se_lit <- sqrt(c(var_lo(last_ntall), var_up(last_ntall)))
  } else {
    lower <- -ub; upper <- -lb
    se <- sqrt(c(var_up(n_o), var_lo(n_o)))
    se_lit <- sqrt(c(var_up(last_ntall), var_lo(last_ntall)))
  }
  c_im <- im_c(upper - lower, max(se), level)
  z <- qnorm(0.5 + level / 2)
  list(trimmed_arm = trimmed, trimming_share = otrim, lower = lower, upper = upper,
       se_lower = se[1], se_upper = se[2],
       se_lower_ado_literal = se_lit[1], se_upper_ado_literal = se_lit[2],
       im_ci = c(lower - c_im * se[1], upper + c_im * se[2]),
       bounds_ci = c(lower - z * se[1], upper + z * se[2]),
       weights = w, cells = unname(rows))
}

out <- list()
out$earnings_cell <- tight_lee(d$earnings, d$treat, d$cell)
out$earnings_cell_swapped <- tight_lee(d$earnings, 1 - d$treat, d$cell)
out$employed_cell <- tight_lee(as.numeric(d$employed), d$treat, d$cell)
out$employed_cell$se_lower <- NULL; out$employed_cell$se_upper <- NULL
out$employed_cell$im_ci <- NULL; out$employed_cell$bounds_ci <- NULL
out$employed_cell$se_lower_ado_literal <- NULL; out$employed_cell$se_upper_ado_literal <- NULL
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "lee_tight_values.json"))
