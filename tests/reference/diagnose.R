# Reference values for the design diagnosis's vectorised estimators
# (impact.analysis.power.diagnosis.estimators), computed independently with estimatr.
# Input: tests/reference/diagnose_data.csv (made by diagnose_make_data.py): one simulated trial
# of an individually randomised design with take-up, crossover and attrition, and one of a
# cluster-randomised design. Output: tests/reference/diagnose_values.json. Run from the
# repository root:
#   Rscript tests/reference/diagnose.R
suppressPackageStartupMessages({
  library(jsonlite)
  library(estimatr)
})
d <- read.csv("tests/reference/diagnose_data.csv", stringsAsFactors = FALSE)
d$z <- as.numeric(d$arm == "treatment")
d$d <- as.numeric(d$started == "True" | d$started == TRUE)
d$yy <- ifelse(d$y == "" | is.na(d$y), NA, as.numeric(d$y == "True" | d$y == TRUE))
d <- d[!is.na(d$yy), ]

row <- function(fit, term) {
  s <- summary(fit)$coefficients
  list(estimate = unname(s[term, "Estimate"]), std_error = unname(s[term, "Std. Error"]),
       df = unname(s[term, "DF"]), conf_low = unname(s[term, "CI Lower"]),
       conf_high = unname(s[term, "CI Upper"]))
}
out <- list()
ind <- d[d$design == "individual", ]
out$individual <- list(
  itt = row(lm_robust(yy ~ z, data = ind, se_type = "HC2"), "z"),
  lin = row(lm_lin(yy ~ z, covariates = ~ x1 + x2, data = ind, se_type = "HC2"), "z"),
  cace = row(iv_robust(yy ~ d | z, data = ind, se_type = "HC2"), "d")
)
cl <- d[d$design == "clustered", ]
out$clustered <- list(
  itt = row(lm_robust(yy ~ z, data = cl, clusters = cluster, se_type = "CR2"), "z"),
  lin = row(lm_lin(yy ~ z, covariates = ~ x1 + x2, data = cl, clusters = cluster,
                   se_type = "CR2"), "z"),
  cace = row(iv_robust(yy ~ d | z, data = cl, clusters = cluster, se_type = "CR2"), "d")
)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      "tests/reference/diagnose_values.json")
