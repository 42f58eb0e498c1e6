# Reference values for impact.analysis.power, computed with R.
#
# Run from the repository root:   Rscript tests/reference/power.R
# Writes tests/reference/power_values.json (committed; the tests do not need R).
#
# Sources:
#   pwr::pwr.2p2n.test   — arcsine method (Cohen's h, unequal n), both tails for two-sided.
#   stats::power.prop.test — pooled-null (Fleiss) method with EQUAL n per group; strict = TRUE
#                          counts both rejection regions (as impact does), strict = FALSE only
#                          the one in the direction of the effect (R's default).
#   unpooled Wald test   — no CRAN function in this R installation computes it, so it is
#                          written out here from the textbook formula
#                          power = Φ(|d|/se − z) + Φ(−|d|/se − z), se = sqrt(p1 q1/n1 + p0 q0/n0),
#                          and solved with uniroot: an implementation independent of the Python
#                          code (statsmodels' normal_power_het is the second check, in the tests).
suppressPackageStartupMessages({
  library(pwr)
  library(jsonlite)
})

alt_of <- function(sides) if (sides == 2) "two.sided" else "greater"

# ---- pwr.2p2n.test: solve h from n1, n2, alpha, power ------------------------------------
h_cases <- list(
  list(n1 = 73, n2 = 78, alpha = 0.05, power = 0.80, sides = 2),
  list(n1 = 109, n2 = 109, alpha = 0.05, power = 0.80, sides = 2),
  list(n1 = 175, n2 = 175, alpha = 0.05, power = 0.90, sides = 2),
  list(n1 = 50, n2 = 150, alpha = 0.01, power = 0.80, sides = 2),
  list(n1 = 73, n2 = 78, alpha = 0.05, power = 0.80, sides = 1),
  list(n1 = 250, n2 = 250, alpha = 0.10, power = 0.80, sides = 2)
)
pwr_h <- lapply(h_cases, function(k) {
  res <- pwr.2p2n.test(n1 = k$n1, n2 = k$n2, sig.level = k$alpha, power = k$power,
                       alternative = alt_of(k$sides))
  c(k, list(h = unname(res$h)))
})

# the MDE in percentage points at a 30 % base rate for the first case (issue's worked value)
h1 <- pwr_h[[1]]$h
pwr_mde_pp <- list(
  control_rate = 0.30,
  h = h1,
  rise_pp = 100 * (sin(asin(sqrt(0.30)) + h1 / 2)^2 - 0.30),
  fall_pp = 100 * (0.30 - sin(asin(sqrt(0.30)) - h1 / 2)^2)
)

# ---- pwr.2p2n.test: power from h, n1, n2 --------------------------------------------------
p_cases <- list(
  list(h = 0.30, n1 = 73, n2 = 78, alpha = 0.05, sides = 2),
  list(h = 0.20, n1 = 200, n2 = 100, alpha = 0.05, sides = 2),
  list(h = 0.4562, n1 = 73, n2 = 78, alpha = 0.05, sides = 1),
  list(h = 0.10, n1 = 500, n2 = 500, alpha = 0.01, sides = 2)
)
pwr_power <- lapply(p_cases, function(k) {
  res <- pwr.2p2n.test(h = k$h, n1 = k$n1, n2 = k$n2, sig.level = k$alpha,
                       alternative = alt_of(k$sides))
  c(k, list(power = unname(res$power)))
})

# ---- power.prop.test (equal n, pooled null variance) ---------------------------------------
ppt_power <- lapply(list(
  list(n = 75, p1 = 0.30, p2 = 0.50, alpha = 0.05, sides = 2),
  list(n = 175, p1 = 0.29, p2 = 0.43, alpha = 0.05, sides = 2),
  list(n = 40, p1 = 0.10, p2 = 0.25, alpha = 0.05, sides = 2),
  list(n = 100, p1 = 0.79, p2 = 0.90, alpha = 0.05, sides = 1)
), function(k) {
  strict <- power.prop.test(n = k$n, p1 = k$p1, p2 = k$p2, sig.level = k$alpha,
                            alternative = if (k$sides == 2) "two.sided" else "one.sided",
                            strict = TRUE)$power
  lax <- power.prop.test(n = k$n, p1 = k$p1, p2 = k$p2, sig.level = k$alpha,
                         alternative = if (k$sides == 2) "two.sided" else "one.sided",
                         strict = FALSE)$power
  c(k, list(power_strict = strict, power_default = lax))
})

ppt_n <- lapply(list(
  list(p1 = 0.29, p2 = 0.43, alpha = 0.05, power = 0.80, sides = 2),
  list(p1 = 0.49, p2 = 0.39, alpha = 0.05, power = 0.90, sides = 2),
  list(p1 = 0.74, p2 = 0.84, alpha = 0.05, power = 0.80, sides = 1)
), function(k) {
  res <- power.prop.test(p1 = k$p1, p2 = k$p2, sig.level = k$alpha, power = k$power,
                         alternative = if (k$sides == 2) "two.sided" else "one.sided",
                         strict = TRUE)
  c(k, list(n = res$n))
})

ppt_p2 <- lapply(list(
  list(n = 109, p1 = 0.30, alpha = 0.05, power = 0.80, sides = 2),
  list(n = 175, p1 = 0.29, alpha = 0.05, power = 0.80, sides = 2)
), function(k) {
  res <- power.prop.test(n = k$n, p1 = k$p1, sig.level = k$alpha, power = k$power,
                         alternative = "two.sided", strict = TRUE)
  c(k, list(p2 = res$p2))
})

# ---- unpooled Wald test, written out ------------------------------------------------------
unpooled_power <- function(p0, p1, n1, n0, alpha, sides) {
  se <- sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
  z <- qnorm(1 - alpha / sides)
  d <- abs(p1 - p0)
  if (sides == 2) pnorm(d / se - z) + pnorm(-d / se - z) else pnorm(d / se - z)
}
unpooled <- lapply(list(
  list(p0 = 0.30, n1 = 73, n0 = 78, alpha = 0.05, power = 0.80, sides = 2),
  list(p0 = 0.29, n1 = 175, n0 = 175, alpha = 0.05, power = 0.80, sides = 2),
  list(p0 = 0.10, n1 = 60, n0 = 120, alpha = 0.05, power = 0.90, sides = 1),
  list(p0 = 0.79, n1 = 175, n0 = 175, alpha = 0.05, power = 0.80, sides = 2)
), function(k) {
  rise <- uniroot(function(d) unpooled_power(k$p0, k$p0 + d, k$n1, k$n0, k$alpha, k$sides) -
                    k$power, c(1e-6, 1 - k$p0 - 1e-9), tol = 1e-12)$root
  fall <- uniroot(function(d) unpooled_power(k$p0, k$p0 - d, k$n1, k$n0, k$alpha, k$sides) -
                    k$power, c(1e-6, k$p0 - 1e-9), tol = 1e-12)$root
  c(k, list(rise_pp = 100 * rise, fall_pp = 100 * fall,
            power_at_10pp = unpooled_power(k$p0, k$p0 + 0.10, k$n1, k$n0, k$alpha, k$sides)))
})

out <- list(
  generated_by = "tests/reference/power.R",
  r_version = R.version.string,
  pwr_version = as.character(packageVersion("pwr")),
  pwr_2p2n_h = pwr_h,
  pwr_2p2n_mde_pp = pwr_mde_pp,
  pwr_2p2n_power = pwr_power,
  power_prop_test_power = ppt_power,
  power_prop_test_n = ppt_n,
  power_prop_test_p2 = ppt_p2,
  unpooled_wald = unpooled
)
write_json(out, "tests/reference/power_values.json", auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
cat("wrote tests/reference/power_values.json\n")
