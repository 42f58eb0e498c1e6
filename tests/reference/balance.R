# Reference values for impact.analysis.rct.balance (the balance table), computed with
# estimatr::lm_robust (per-covariate difference tests: covariate ~ z + stratum, HC2, and
# CR1 "stata" with clusters), sandwich::vcovHC (HC2) and a direct Wald F for the omnibus test
# (z ~ stratum + covariates, as Stata iebaltab's ftest), and base R for means, SDs, the
# normalised difference, Welch's t-test and Pearson's chi-squared test.
# The randomisation version of the omnibus test is checked on the committed draws
# (balance_draws.csv: 40 assignments permuted within strata) so the numbers are deterministic.
# Complier means by arm (sample "compliers", take-up column `started`), base R, written as
# stratum-wise differences of arm means (the algebraic form of Abadie's kappa weights):
#   treatment-arm compliers: sum_s [S1_s(D X) / p_s - S0_s(D X) / (1 - p_s)] / (same with X = 1)
#   control-arm compliers:   sum_s [S0_s((1-D) X) / (1 - p_s) - S1_s((1-D) X) / p_s] / (X = 1)
# with S1_s / S0_s sums over the treatment / control rows of stratum s whose X and D are
# observed, and p_s the share treated among everyone randomised in stratum s.
# Run from the repository root:  Rscript tests/reference/balance.R
# Reads tests/reference/balance_data.csv and balance_draws.csv, writes balance_values.json.
suppressPackageStartupMessages({
  library(estimatr)
  library(sandwich)
  library(jsonlite)
})
here <- "tests/reference"
d <- read.csv(file.path(here, "balance_data.csv"), stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
draws <- as.matrix(read.csv(file.path(here, "balance_draws.csv")))
d$z <- as.numeric(d$arm == "treatment")
d$stratum <- factor(d$stratum)
d$employed_before <- as.numeric(d$employed_before %in% c("True", TRUE))
samples <- list(randomised = rep(TRUE, nrow(d)), analysed = !is.na(d$got_job))

# covariate "terms": numbers as they are, text and booleans one 0/1 row per level
terms <- function(dd) {
  out <- list(age = list(cov = "age", level = "", x = dd$age),
              years_in_sweden = list(cov = "years_in_sweden", level = "",
                                     x = dd$years_in_sweden))
  for (lev in sort(unique(dd$gender)))
    out[[paste0("gender[", lev, "]")]] <- list(cov = "gender", level = lev,
                                               x = as.numeric(dd$gender == lev))
  for (lev in c("False", "True"))
    out[[paste0("employed_before[", lev, "]")]] <- list(
      cov = "employed_before", level = lev,
      x = as.numeric(dd$employed_before == (lev == "True")))
  out
}

diff_test <- function(x, dd, se_type) {
  ok <- !is.na(x)
  df <- data.frame(x = x[ok], z = dd$z[ok], stratum = droplevels(dd$stratum[ok]),
                   cluster = dd$cluster[ok])
  fit <- if (se_type %in% c("stata", "CR2")) {
    lm_robust(x ~ z + stratum, data = df, clusters = cluster, se_type = se_type)
  } else {
    lm_robust(x ~ z + stratum, data = df, se_type = "HC2")
  }
  s <- summary(fit)$coefficients
  list(difference = s["z", "Estimate"], difference_se = s["z", "Std. Error"],
       difference_df = s["z", "DF"], difference_p = s["z", "Pr(>|t|)"])
}

describe <- function(x, z) {
  ok <- !is.na(x)
  x1 <- x[ok & z == 1]; x0 <- x[ok & z == 0]
  list(n_treatment = length(x1), n_control = length(x0), mean_treatment = mean(x1),
       mean_control = mean(x0), sd_treatment = sd(x1), sd_control = sd(x0),
       smd = (mean(x1) - mean(x0)) / sqrt((var(x1) + var(x0)) / 2))
}

wald_f <- function(b, V, idx) {
  bb <- b[idx]
  drop(t(bb) %*% solve(V[idx, idx], bb)) / length(idx)
}

omnibus <- function(dd) {
  cc <- dd[complete.cases(dd[, c("gender", "age", "years_in_sweden", "employed_before")]), ]
  cc$gender <- factor(cc$gender)
  f_full <- z ~ stratum + gender + age + years_in_sweden + employed_before
  full <- lm(f_full, data = cc)
  restricted <- lm(z ~ stratum, data = cc)
  X <- model.matrix(full)
  idx <- which(!(colnames(X) %in% c("(Intercept)", grep("^stratum", colnames(X), value = TRUE))))
  q <- length(idx)
  a <- anova(restricted, full)
  f_hc2 <- wald_f(coef(full), vcovHC(full, type = "HC2"), idx)
  cl <- lm_robust(f_full, data = cc, clusters = cluster, se_type = "stata")
  f_cl <- wald_f(coef(cl), vcov(cl), idx)
  g <- length(unique(cc$cluster))
  ols <- lm(f_full, data = cc)
  htz <- clubSandwich::Wald_test(ols, constraints = clubSandwich::constrain_zero(idx),
                                 vcov = "CR2", cluster = cc$cluster, test = "HTZ")
  list(n = nrow(cc), n_covariates = q, f_statistic = a$F[2], df_num = a$Df[2],
       df_denom = a$Res.Df[2], p_value = a$`Pr(>F)`[2],
       f_statistic_hc2 = f_hc2, p_value_hc2 = pf(f_hc2, q, nrow(cc) - ncol(X), lower.tail = FALSE),
       f_statistic_cluster = f_cl, df_denom_cluster = g - 1,
       p_value_cluster = pf(f_cl, q, g - 1, lower.tail = FALSE),
       f_statistic_cr2 = htz$Fstat, df_num_cr2 = htz$df_num, df_denom_cr2 = htz$df_denom,
       p_value_cr2 = htz$p_val,
       rows = which(complete.cases(dd[, c("gender", "age", "years_in_sweden",
                                          "employed_before")])),
       X = X, idx = idx, f_obs = f_hc2)
}

# HC2 Wald F of the omnibus regression for each committed draw
ri <- function(om, dd_draws) {
  X <- om$X
  stats <- apply(dd_draws[om$rows, , drop = FALSE], 2, function(zz) {
    fit <- lm.fit(X, zz)
    class(fit) <- "lm"
    e <- fit$residuals
    h <- rowSums((X %*% solve(crossprod(X))) * X)
    bread <- solve(crossprod(X))
    V <- bread %*% crossprod(X * (e^2 / (1 - h)), X) %*% bread
    wald_f(fit$coefficients, V, om$idx)
  })
  list(statistics = unname(stats),
       p = (1 + sum(stats >= om$f_obs * (1 - 1e-10))) / (1 + length(stats)))
}

complier <- function(x, dd) {
  ok <- !is.na(x) & !is.na(dd$started)
  D <- as.numeric(dd$started %in% c("True", TRUE))
  num1 <- 0; den1 <- 0; sq1 <- 0; num0 <- 0; den0 <- 0; sq0 <- 0
  for (st in levels(dd$stratum)) {
    ins <- dd$stratum == st
    p <- mean(dd$z[ins])
    t1 <- ins & ok & dd$z == 1; t0 <- ins & ok & dd$z == 0
    num1 <- num1 + sum((D * x)[t1]) / p - sum((D * x)[t0]) / (1 - p)
    sq1 <- sq1 + sum((D * x^2)[t1]) / p - sum((D * x^2)[t0]) / (1 - p)
    den1 <- den1 + sum(D[t1]) / p - sum(D[t0]) / (1 - p)
    num0 <- num0 + sum(((1 - D) * x)[t0]) / (1 - p) - sum(((1 - D) * x)[t1]) / p
    sq0 <- sq0 + sum(((1 - D) * x^2)[t0]) / (1 - p) - sum(((1 - D) * x^2)[t1]) / p
    den0 <- den0 + sum((1 - D)[t0]) / (1 - p) - sum((1 - D)[t1]) / p
  }
  m1 <- num1 / den1; m0 <- num0 / den0
  s1 <- sqrt(sq1 / den1 - m1^2); s0 <- sqrt(sq0 / den0 - m0^2)
  list(n_treatment = sum(ok & dd$z == 1 & D == 1), n_control = sum(ok & dd$z == 0 & D == 0),
       mean_treatment = m1, mean_control = m0, sd_treatment = s1, sd_control = s0,
       smd = (m1 - m0) / sqrt((s1^2 + s0^2) / 2))
}

out <- list()
out$compliers <- list(rows = lapply(terms(d), function(t) c(list(covariate = t$cov,
                                                                   level = t$level),
                                                              complier(t$x, d))))
for (s in names(samples)) {
  dd <- d[samples[[s]], ]
  rows <- list()
  for (key in names(terms(dd))) {
    t <- terms(dd)[[key]]
    r <- c(list(covariate = t$cov, level = t$level), describe(t$x, dd$z), diff_test(t$x, dd, "HC2"))
    cl <- diff_test(t$x, dd, "stata")
    names(cl) <- paste0(names(cl), "_cluster")
    cr2 <- diff_test(t$x, dd, "CR2")
    names(cr2) <- paste0(names(cr2), "_cr2")
    cl <- c(cl, cr2)
    x <- t$x
    ok <- !is.na(x)
    if (t$level == "") {
      r$p_value <- t.test(x[ok & dd$z == 1], x[ok & dd$z == 0], var.equal = FALSE)$p.value
    } else {
      src <- if (t$cov == "gender") dd$gender else dd$employed_before
      r$p_value <- suppressWarnings(chisq.test(table(dd$z, src), correct = FALSE)$p.value)
    }
    rows[[key]] <- c(r, cl)
  }
  om <- omnibus(dd)
  r_i <- ri(om, draws[samples[[s]], , drop = FALSE])
  om$ri_statistics <- r_i$statistics
  om$ri_p <- r_i$p
  om$X <- NULL; om$idx <- NULL; om$rows <- NULL; om$f_obs <- NULL
  out[[s]] <- list(rows = rows, joint = om)
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "balance_values.json"))
