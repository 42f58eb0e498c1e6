# Reference values for design-based inference in impact:
#   impact.analysis.rct.procedure / randomisation / ri_interval (randomisation inference by the
#   declared procedure, test-inversion confidence intervals), impact.analysis.rct.wild (wild
#   cluster bootstrap) and the cluster design effect of impact.analysis.power.
# Run from the repository root:  Rscript tests/reference/design.R
# Reads tests/reference/design_*.csv (made by design_make_data.py), writes design_values.json.
#
# ri2, randomizr and fwildclusterboot are not installed here, so this script implements their
# published algorithms in base R, with EXACT ENUMERATION wherever randomness is involved, so
# every number is deterministic:
# * randomizr's complete_ra / block_ra / cluster_ra / block_and_cluster_ra: in every block, m of
#   the N units (people or clusters) are treated, m = N p when that is whole, else floor(N p)
#   with probability 1 - (N p - floor(N p)) and floor(N p) + 1 otherwise. Every possible
#   assignment is listed with its probability.
# * ri2's conduct_ri (sharp null of no effect, two-tailed p = P(|T*| >= |T|)): the statistic is
#   recomputed on the analysed rows for every assignment of all randomised rows; statistic =
#   OLS treatment coefficient, or its HC2 t (lm with the HC2 sandwich written out), with
#   intercept, block dummies and the covariate x.
# * Test-inversion CI (constant additive effect): p(tau) is the same test on y - tau z. The
#   interval is searched as impact documents it: from the estimate outwards in steps of half the
#   HC2 standard error until p <= 0.05, then bisection to 1e-10; the bound is the last tau not
#   rejected.
# * Wild cluster bootstrap, restricted (null imposed), Webb six-point weights, CR1 t-statistic
#   (G/(G-1) (N-1)/(N-K), as sandwich::vcovCL(type = "HC1")), all 6^G weight vectors.
# * Cluster design effect 1 + ((cv^2 + 1) m - 1) ICC (Eldridge, Ashby & Kerry 2006) in the
#   unpooled normal-approximation power formula; pwr::pwr.2p2n.test for the arcsine method.
suppressPackageStartupMessages({
  library(jsonlite)
  library(sandwich)
  library(pwr)
})
here <- "tests/reference"
read_design <- function(name) {
  d <- read.csv(file.path(here, paste0("design_", name, ".csv")), stringsAsFactors = FALSE,
                na.strings = c("", "NA"))
  d$z <- as.numeric(d$arm == "treatment")
  d
}

# ---- assignments -----------------------------------------------------------------------------
complete_options <- function(n, p) {
  m0 <- floor(n * p + 1e-9)
  f <- n * p - m0
  if (f <= 1e-9) return(list(list(m = m0, p = 1)))
  list(list(m = m0, p = 1 - f), list(m = m0 + 1, p = f))
}

subsets <- function(idx, m) {
  if (m == 0) return(list(integer(0)))
  if (length(idx) == m) return(list(idx))
  lapply(combn(length(idx), m, simplify = FALSE), function(k) idx[k])
}

# unit: unit id (1..U) of every row; unit_block: block of every unit; p: share treated
enumerate_design <- function(unit, unit_block, p) {
  blocks <- sort(unique(unit_block))
  per_block <- lapply(blocks, function(b) {
    idx <- which(unit_block == b)
    out <- list()
    for (o in complete_options(length(idx), p)) {
      s <- subsets(idx, o$m)
      for (si in s) out[[length(out) + 1]] <- list(t = si, p = o$p / length(s))
    }
    out
  })
  grid <- as.matrix(expand.grid(lapply(per_block, seq_along)))
  W <- matrix(0, nrow(grid), length(unit))
  prob <- numeric(nrow(grid))
  for (k in seq_len(nrow(grid))) {
    uz <- numeric(length(unit_block))
    pk <- 1
    for (b in seq_along(per_block)) {
      e <- per_block[[b]][[grid[k, b]]]
      uz[e$t] <- 1
      pk <- pk * e$p
    }
    W[k, ] <- uz[unit]
    prob[k] <- pk
  }
  list(W = W, prob = prob)
}

# ---- statistics ------------------------------------------------------------------------------
fit_hc2 <- function(w, y, X0) {
  X <- cbind(X0, w)
  k <- ncol(X)
  if (qr(X)$rank < k) return(c(NA, NA))
  XtXi <- solve(crossprod(X))
  b <- XtXi %*% crossprod(X, y)
  e <- as.vector(y - X %*% b)
  h <- rowSums((X %*% XtXi) * X)
  if (any(1 - h <= 1e-10)) return(c(b[k], NA))
  meat <- crossprod(X * (e / sqrt(1 - h)))
  V <- XtXi %*% meat %*% XtXi
  c(b[k], sqrt(V[k, k]))
}

statistic <- function(w, y, X0, studentised) {
  f <- fit_hc2(w, y, X0)
  if (studentised) f[1] / f[2] else f[1]
}

ri_p <- function(tau, d, X0, W, prob, studentised) {
  yt <- d$y - tau * d$z
  tobs <- statistic(d$z, yt, X0, studentised)
  tsim <- apply(W, 1, function(w) statistic(w, yt, X0, studentised))
  ok <- is.finite(tsim)
  sum(prob[ok & abs(tsim) >= abs(tobs) * (1 - 1e-10)]) / sum(prob[ok])
}

invert <- function(d, X0, W, prob, studentised, level = 0.95) {
  f <- fit_hc2(d$z, d$y, X0)
  est <- f[1]
  step <- max(f[2], 1e-6) / 2
  rejected <- function(tau) ri_p(tau, d, X0, W, prob, studentised) <= 1 - level
  bounds <- c()
  for (sgn in c(-1, 1)) {
    inside <- est
    outside <- NA
    for (k in 1:400) {
      tau <- est + sgn * k * step
      if (rejected(tau)) { outside <- tau; break }
      inside <- tau
    }
    if (is.na(outside)) { bounds <- c(bounds, sgn * Inf); next }
    while (abs(outside - inside) > 1e-10) {
      mid <- (inside + outside) / 2
      if (rejected(mid)) outside <- mid else inside <- mid
    }
    bounds <- c(bounds, inside)
  }
  bounds
}

ri_case <- function(d, unit, unit_block, p, blocks_in_statistic) {
  all_w <- enumerate_design(unit, unit_block, p)
  rows <- which(!is.na(d$y))
  dd <- d[rows, ]
  X0 <- if (blocks_in_statistic) model.matrix(~ factor(stratum) + x, dd) else
    model.matrix(~ x, dd)
  W <- all_w$W[, rows, drop = FALSE]
  out <- list(n_assignments = nrow(all_w$W), probability_sum = sum(all_w$prob))
  for (st in c("coefficient", "studentised")) {
    s <- st == "studentised"
    ci <- invert(dd, X0, W, all_w$prob, s)
    out[[st]] <- list(observed = statistic(dd$z, dd$y, X0, s),
                      p_value = ri_p(0, dd, X0, W, all_w$prob, s),
                      conf_low = ci[1], conf_high = ci[2])
  }
  out
}

values <- list()

d <- read_design("blocked")
block <- as.integer(factor(d$stratum))
values$blocked <- ri_case(d, seq_len(nrow(d)), block, 0.5, TRUE)

d <- read_design("clustered")
unit <- as.integer(factor(d$cluster))
unit_block <- as.integer(factor(d$stratum))[match(seq_len(max(unit)), unit)]
values$blocked_and_clustered <- ri_case(d, unit, unit_block, 0.5, TRUE)
values$clustered <- ri_case(d, unit, rep(1L, max(unit)), 0.5, TRUE)

d <- read_design("complete")
values$complete <- ri_case(d, seq_len(nrow(d)), rep(1L, nrow(d)), 1 / 3, FALSE)

# ---- wild cluster bootstrap ------------------------------------------------------------------
webb <- c(-sqrt(1.5), -1, -sqrt(0.5), sqrt(0.5), 1, sqrt(1.5))
cr1_t <- function(X, y, cl) {
  XtXi <- solve(crossprod(X))
  b <- XtXi %*% crossprod(X, y)
  e <- as.vector(y - X %*% b)
  G <- length(unique(cl))
  n <- nrow(X)
  k <- ncol(X)
  scores <- rowsum(X * e, cl)
  V <- G / (G - 1) * (n - 1) / (n - k) * XtXi %*% crossprod(scores) %*% XtXi
  c(b[k], b[k] / sqrt(V[k, k]))
}

wild_case <- function(d, X0) {
  cl <- d$cluster
  X <- cbind(X0, z = d$z)
  obs <- cr1_t(X, d$y, cl)
  fit <- lm(d$y ~ X - 1)
  check <- coef(fit)[ncol(X)] / sqrt(vcovCL(fit, cluster = cl, type = "HC1")[ncol(X), ncol(X)])
  stopifnot(abs(check - obs[2]) < 1e-10)
  restricted <- lm.fit(X0, d$y)
  fitted <- d$y - restricted$residuals
  u <- restricted$residuals
  g <- as.integer(factor(cl))
  G <- max(g)
  V <- as.matrix(expand.grid(rep(list(1:6), G)))
  tstar <- apply(V, 1, function(v) cr1_t(X, fitted + u * webb[v][g], cl)[2])
  list(estimate = obs[1], statistic = obs[2], clusters = G, draws = nrow(V),
       p_value = mean(abs(tstar) >= abs(obs[2]) * (1 - 1e-10)))
}

d <- read_design("wild")
d <- d[!is.na(d$y), ]
values$wild <- list(
  adjusted = wild_case(d, model.matrix(~ factor(stratum) + x, d)),
  unadjusted = wild_case(d, model.matrix(~ 1, d))
)

# ---- cluster power ---------------------------------------------------------------------------
deff <- function(m, icc, cv) 1 + ((cv^2 + 1) * m - 1) * icc
power_unpooled <- function(p0, p1, n1, n0, f, alpha = 0.05) {
  se <- sqrt(f * (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0))
  zc <- qnorm(1 - alpha / 2)
  pnorm(abs(p1 - p0) / se - zc) + pnorm(-abs(p1 - p0) / se - zc)
}

# power: 20 clusters of 8 (10 per arm), ICC 0.05, CV 0.4, 10 % attrition, 30 % -> 45 %
f1 <- deff(8, 0.05, 0.4)
n_arm <- 10 * 8 * 0.9
p_unpooled <- power_unpooled(0.30, 0.45, n_arm, n_arm, f1)
p_arcsine <- pwr.2p2n.test(h = ES.h(0.45, 0.30), n1 = n_arm / f1, n2 = n_arm / f1,
                           sig.level = 0.05)$power
# MDE (rise) with 80 % power for the same design
mde <- uniroot(function(e) power_unpooled(0.30, 0.30 + e, n_arm, n_arm, f1) - 0.8,
               c(1e-6, 0.69), tol = 1e-13)$root
# sample size: 30 % -> 40 %, clusters of 10 with CV 0.5, ICC 0.05, 80 % power, 10 % attrition
f2 <- deff(10, 0.05, 0.5)
exact <- uniroot(function(n) power_unpooled(0.30, 0.40, n, n, f2) - 0.8, c(2, 1e6),
                 tol = 1e-12)$root
analysed <- ceiling(exact - 1e-9)
enrolled <- ceiling(analysed / 0.9 - 1e-9)
values$power <- list(
  design_effect = f1, power_unpooled = p_unpooled, power_arcsine = p_arcsine, mde_pp = 100 * mde,
  n_design_effect = f2, n_exact_per_arm = exact, n_analysed_per_arm = analysed,
  n_enrolled_per_arm = enrolled, clusters_per_arm = ceiling(enrolled / 10 - 1e-9)
)

writeLines(toJSON(values, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "design_values.json"))
cat("wrote", file.path(here, "design_values.json"), "\n")
