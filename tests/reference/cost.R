# Reference values for impact.analysis.cost (cost per additional outcome), in base R + estimatr.
# Run from the repository root:  Rscript tests/reference/cost.R
# Reads tests/reference/cost_data.csv, writes tests/reference/cost_values.json.
#
# No R package implements Fieller's interval for a cost-effectiveness ratio among those
# installed, so it is written here in base R from the published formula (Fieller 1954;
# Willan & O'Brien 1996): for theta = a / b, the set of theta with
#   (b^2 - t^2 v_b) theta^2 - 2 (a b - t^2 v_ab) theta + (a^2 - t^2 v_a) <= 0,
# solved with polyroot() (not the closed form the Python code uses). The effects are ITTs
# from estimatr::lm_robust (HC2, stratum fixed effects) and CACEs from AER::ivreg (2SLS with
# stratum fixed effects; point estimates only). The bootstrap is random and is checked by
# simulation coverage (benchmarks/cost_coverage.py), not here.
suppressPackageStartupMessages({
  library(estimatr)
  library(AER)
  library(jsonlite)
})
here <- "tests/reference"
d <- read.csv(file.path(here, "cost_data.csv"), stringsAsFactors = FALSE, na.strings = c("", "NA"))
outcomes <- c("got_job", "job_or_steps", "took_steps")
for (v in c(outcomes, "started")) d[[v]] <- ifelse(is.na(d[[v]]), NA, d[[v]] %in% c("True", TRUE))
d$z <- as.numeric(d$arm == "treatment")
d$stratum <- factor(d$stratum)
level <- 0.95
per_amount <- 100000
per_participant <- 18000                      # the costs: section of the test
n_offered <- sum(d$z == 1)
n_started <- sum(d$z == 1 & d$started)
total <- per_participant * n_started
cost_offered <- total / n_offered

fieller <- function(a, b, vb, crit, va = 0, vab = 0) {
  A <- b^2 - crit^2 * vb
  B <- a * b - crit^2 * vab
  C <- a^2 - crit^2 * va
  disc <- B^2 - A * C
  if (abs(A) < 1e-300 || (A < 0 && disc <= 0)) return(list(kind = "unbounded", low = NA, high = NA))
  r <- sort(Re(polyroot(c(C, -2 * B, A))))      # roots of A x^2 - 2B x + C
  if (A > 0) return(list(kind = "bounded", low = r[1], high = r[2]))
  list(kind = "exclusive", low = r[1], high = r[2])
}

out <- list(per_participant = per_participant, n_offered = n_offered, n_started = n_started,
            total = total, cost_per_offered = cost_offered, level = level,
            per_amount = per_amount, itt = list(), cace = list(), general = list())
for (y in outcomes) {
  dd <- d[!is.na(d[[y]]), ]
  dd$y <- as.numeric(dd[[y]])
  fit <- lm_robust(y ~ z + stratum, data = dd, se_type = "HC2")
  s <- summary(fit)$coefficients
  est <- unname(s["z", "Estimate"]); se <- unname(s["z", "Std. Error"]); df <- unname(s["z", "DF"])
  crit <- qt(0.5 + level / 2, df)
  f <- fieller(cost_offered, est, se^2, crit)
  lo <- est - crit * se; hi <- est + crit * se
  out$itt[[y]] <- list(
    estimate = est, std_error = se, df = df,
    cost_per_outcome = if (est > 0) cost_offered / est else NA,
    fieller_kind = f$kind, fieller_low = f$low, fieller_high = f$high,
    impact = est * per_amount / cost_offered,
    impact_low = lo * per_amount / cost_offered, impact_high = hi * per_amount / cost_offered)
  dd$d <- as.numeric(dd$started)
  iv <- ivreg(y ~ d + stratum | z + stratum, data = dd)
  out$cace[[y]] <- list(estimate = unname(coef(iv)["d"]))
}
# the general formula with an uncertain cost and a covariance (fixed inputs)
cases <- list(c(a = 50000, b = 0.1, vb = 0.03^2, va = 4000^2, vab = 20, crit = 1.96),
              c(a = 50000, b = 0.03, vb = 0.03^2, va = 4000^2, vab = -15, crit = 2.01),
              c(a = 50000, b = 0.01, vb = 0.05^2, va = 60000^2, vab = 0, crit = 1.96))
for (k in seq_along(cases)) {
  x <- cases[[k]]
  f <- fieller(x[["a"]], x[["b"]], x[["vb"]], x[["crit"]], x[["va"]], x[["vab"]])
  out$general[[k]] <- c(as.list(x), list(kind = f$kind, low = f$low, high = f$high))
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           file.path(here, "cost_values.json"))
