# Reference values for impact.analysis.matching.evalues and .rosenbaum, in base R.
# Run from the repository root:  Rscript tests/reference/sensitivity.R
# Reads tests/reference/sensitivity_sets.csv and sensitivity_evalues.csv,
# writes tests/reference/sensitivity_values.json.
#
# The EValue and rbounds packages are not installed here, so the published formulas are
# written out in base R (independently of the Python code):
# * E-value (VanderWeele TJ, Ding P. Sensitivity analysis in observational research:
#   introducing the E-value. Ann Intern Med 2017;167:268-274), eq. 1:
#   E = RR + sqrt(RR (RR - 1)) for RR > 1 (RR < 1: use 1/RR); the E-value of the CI is that of
#   the limit closer to 1, or 1 if the CI includes 1. Conversions (Table 2 and section 4):
#   OR common outcome RR = sqrt(OR), rare RR = OR; HR common
#   RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)), rare RR = HR; standardised mean difference
#   d with SE s: RR = exp(0.91 d), CI exp(0.91 d -/+ 1.78 s); risk difference via the risk
#   ratio of the group risks, RR = (p0 + RD) / p0 with p0 the comparison group's risk.
# * Rosenbaum bounds (Rosenbaum PR. Observational Studies, 2nd ed., Springer 2002, ch. 4):
#   binary outcome, matched sets of one treated and J-1 controls with m events: among sets
#   with 0 < m < J, T = number where the treated has the event; the upper bound of the
#   one-sided p-value is P(sum Bernoulli(G m / (G m + J - m)) >= T), the lower bound
#   P(sum Bernoulli(m / (m + G (J - m))) >= T). For pairs this is McNemar's
#   P(Binom(D, G / (1 + G)) >= T), which is checked against pbinom as well. The
#   Poisson-binomial tail is computed by exact convolution.
#   Continuous outcome: Wilcoxon signed rank on treated - mean(controls), zeros dropped,
#   average ranks for ties; T = sum of positive ranks; with p = G / (1 + G) (upper) or
#   1 / (1 + G) (lower): E = p sum(r), V = p (1 - p) sum(r^2), p-value 1 - pnorm((T - E)/sqrt(V))
#   (section 4.3.3, as rbounds::psens). The test is one-sided in the direction of the observed
#   mean difference. The critical Gamma solves upper(G) = 0.05 (uniroot, tol 1e-12).
suppressPackageStartupMessages(library(jsonlite))
here <- "tests/reference"

# E-values ---------------------------------------------------------------------------------
ev <- read.csv(file.path(here, "sensitivity_evalues.csv"))
e_rr <- function(rr) { if (rr < 1) rr <- 1 / rr; rr + sqrt(rr * (rr - 1)) }
to_rr <- function(v, measure, rare, p0) {
  switch(measure,
    RR = v,
    OR = if (rare) v else sqrt(v),
    HR = if (rare) v else (1 - 0.5^sqrt(v)) / (1 - 0.5^sqrt(1 / v)),
    RD = max(p0 + v, 0) / p0,
    SMD = exp(0.91 * v))
}
evalues <- list()
for (i in seq_len(nrow(ev))) {
  r <- ev[i, ]
  lo <- r$ci_lower; hi <- r$ci_upper
  if (r$measure == "SMD") {
    rr <- exp(0.91 * r$estimate)
    rr_lo <- exp(0.91 * r$estimate - 1.78 * r$std_error)
    rr_hi <- exp(0.91 * r$estimate + 1.78 * r$std_error)
  } else {
    rr <- to_rr(r$estimate, r$measure, r$rare == 1, r$baseline_risk)
    rr_lo <- to_rr(lo, r$measure, r$rare == 1, r$baseline_risk)
    rr_hi <- to_rr(hi, r$measure, r$rare == 1, r$baseline_risk)
  }
  e_ci <- if (rr >= 1) { if (rr_lo <= 1) 1 else e_rr(rr_lo) } else { if (rr_hi >= 1) 1 else e_rr(rr_hi) }
  evalues[[i]] <- list(rr = rr, rr_lower = rr_lo, rr_upper = rr_hi, e_value = e_rr(rr),
                       e_value_ci = e_ci)
}

# Rosenbaum bounds -------------------------------------------------------------------------
sets <- read.csv(file.path(here, "sensitivity_sets.csv"), stringsAsFactors = FALSE)
gammas <- seq(1, 3, by = 0.1)
pb_tail <- function(p, t) {
  dist <- 1
  for (q in p) dist <- c(dist * (1 - q), 0) + c(0, dist * q)
  if (t <= 0) return(1)
  min(max(sum(dist[(t + 1):length(dist)]), 0), 1)
}
bounds_for <- function(d) {
  ids <- unique(d$set)
  member <- sapply(ids, function(s) d$y[d$set == s & d$treated == 1])
  ctrl <- sapply(ids, function(s) mean(d$y[d$set == s & d$treated == 0]))
  size <- sapply(ids, function(s) sum(d$set == s))
  events <- sapply(ids, function(s) sum(d$y[d$set == s]))
  diff <- round(member - ctrl, 10)  # equal to 10 decimals = tie
  sgn <- if (mean(diff) < 0) -1 else 1
  binary <- all(d$y %in% c(0, 1))
  if (binary) {
    m <- if (sgn > 0) events else size - events
    y <- if (sgn > 0) member else 1 - member
    keep <- m > 0 & m < size
    m <- m[keep]; J <- size[keep]; t <- sum(y[keep])
    up <- function(g) pb_tail(g * m / (g * m + J - m), t)
    low <- function(g) pb_tail(m / (m + g * (J - m)), t)
    stat <- t; n_info <- sum(keep)
    mcnemar <- if (all(J == 2)) sapply(gammas, function(g) 1 - pbinom(t - 1, length(J), g / (1 + g))) else NULL
  } else {
    dd <- sgn * diff[diff != 0]
    r <- rank(abs(dd))
    stat <- sum(r[dd > 0]); n_info <- length(dd)
    sr <- function(p) 1 - pnorm((stat - p * sum(r)) / sqrt(p * (1 - p) * sum(r^2)))
    up <- function(g) sr(g / (1 + g))
    low <- function(g) sr(1 / (1 + g))
    mcnemar <- NULL
  }
  crit <- if (up(1) > 0.05) NA else uniroot(function(g) up(g) - 0.05, c(1, 1000), tol = 1e-12)$root
  out <- list(method = if (binary) "binary" else "signed_rank",
              alternative = if (sgn < 0) "less" else "greater",
              statistic = stat, n_sets = length(ids), n_informative = n_info,
              gamma = gammas, p_upper = sapply(gammas, up), p_lower = sapply(gammas, low),
              gamma_critical = crit)
  if (!is.null(mcnemar)) out$p_upper_mcnemar <- mcnemar
  out
}
rosenbaum <- list()
for (name in unique(sets$dataset)) rosenbaum[[name]] <- bounds_for(sets[sets$dataset == name, ])

write_json(list(evalues = evalues, rosenbaum = rosenbaum), file.path(here, "sensitivity_values.json"),
           auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE)
cat("wrote", file.path(here, "sensitivity_values.json"), "\n")
