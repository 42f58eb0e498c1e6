# Reference values for impact.analysis.attrition, computed independently in R (by hand where
# no package exists). Input: tests/reference/attrition_data.csv (made by attrition_make_data.py).
# Output: tests/reference/attrition_values.json. Run from the repository root:
#   Rscript tests/reference/attrition.R
suppressPackageStartupMessages({
  library(jsonlite)
  library(sandwich)
  library(lmtest)
})
d <- read.csv("tests/reference/attrition_data.csv", stringsAsFactors = FALSE)
d$treat <- as.numeric(d$arm == "treatment")
d$resp <- as.numeric(d$responded_r == "True" | d$responded_r == TRUE)
d$woman <- as.numeric(d$gender == "woman")
out <- list()

# 1. Fisher's exact test of response at the result survey by arm --------------------------
tab <- table(factor(d$treat, levels = c(1, 0)), factor(d$resp, levels = c(1, 0)))
out$fisher_p <- fisher.test(tab)$p.value

# 2. Linear probability model: response ~ arm + centred covariates + arm x covariates (HC2) -
X <- data.frame(age = d$age, education_level = d$education_level,
                years_in_sweden = d$years_in_sweden, `gender[woman]` = d$woman,
                check.names = FALSE)
Xc <- as.data.frame(scale(X, center = TRUE, scale = FALSE))
names(Xc) <- c("age", "edu", "yis", "woman")
m <- cbind(resp = d$resp, arm = d$treat, Xc)
full <- lm(resp ~ arm + age + edu + yis + woman + arm:age + arm:edu + arm:yis + arm:woman,
           data = m)
no_int <- lm(resp ~ arm + age + edu + yis + woman, data = m)
no_cov <- lm(resp ~ arm + arm:age + arm:edu + arm:yis + arm:woman, data = m)
hc2 <- function(x) vcovHC(x, type = "HC2")
ct <- coeftest(full, vcov. = hc2)
out$lpm_coef <- unname(ct[, 1])
out$lpm_se <- unname(ct[, 2])
w_int <- waldtest(full, no_int, vcov = hc2, test = "F")
w_cov <- waldtest(full, no_cov, vcov = hc2, test = "F")
out$lpm_interactions_F <- w_int$F[2]
out$lpm_interactions_p <- w_int$`Pr(>F)`[2]
out$lpm_covariates_F <- w_cov$F[2]
out$lpm_covariates_p <- w_cov$`Pr(>F)`[2]

# 3. Logit with likelihood-ratio tests ------------------------------------------------------
lfull <- glm(resp ~ arm + age + edu + yis + woman + arm:age + arm:edu + arm:yis + arm:woman,
             data = m, family = binomial)
lno_int <- glm(resp ~ arm + age + edu + yis + woman, data = m, family = binomial)
out$logit_coef <- unname(coef(lfull))
out$logit_interactions_LR <- 2 * (logLik(lfull)[1] - logLik(lno_int)[1])
out$logit_interactions_p <- anova(lno_int, lfull, test = "LRT")$`Pr(>Chi)`[2]

# 4. IPW: logit of outcome observed on covariates within arm; Hajek weighted difference -----
d$obs <- as.numeric(!is.na(d$got_job))
ipw <- function(trim = NULL) {
  w <- rep(0, nrow(d))
  coefs <- list()
  for (a in c(1, 0)) {
    rows <- d$treat == a
    fit <- glm(obs ~ age + education_level + years_in_sweden + woman, data = d[rows, ],
               family = binomial)
    coefs[[as.character(a)]] <- unname(coef(fit))
    p <- fitted(fit)
    w[rows] <- ifelse(d$obs[rows] == 1, 1 / p, 0)
  }
  if (!is.null(trim)) {
    cap <- quantile(w[d$obs == 1], trim, type = 7)
    w <- pmin(w, cap)
  }
  y <- ifelse(d$obs == 1, d$got_job, 0)
  mu <- sapply(c(1, 0), function(a) {
    r <- d$treat == a & d$obs == 1
    sum(w[r] * y[r]) / sum(w[r])
  })
  ess <- sapply(c(1, 0), function(a) {
    ww <- w[d$treat == a & d$obs == 1]
    sum(ww)^2 / sum(ww^2)
  })
  fixed <- sum(sapply(c(1, 0), function(a) {
    r <- d$treat == a & d$obs == 1
    mu_a <- sum(w[r] * y[r]) / sum(w[r])
    sum(w[r]^2 * (y[r] - mu_a)^2) / sum(w[r])^2
  }))
  list(estimate = mu[1] - mu[2], ess_treatment = ess[1], ess_control = ess[2],
       coef_treatment = coefs[["1"]], coef_control = coefs[["0"]],
       se_fixed_weights = sqrt(fixed), max_weight = max(w))
}
out$ipw <- ipw()
out$ipw_trim95 <- ipw(0.95)

# 5. Lee bounds by hand: fractional trimming ------------------------------------------------
trim_stats <- function(v, p, keep) {
  s <- if (keep == "lower") sort(v) else sort(v, decreasing = TRUE)
  mass <- (1 - p) * length(s)
  k <- floor(mass + 1e-9)
  wt <- c(rep(1, k), if (k < length(s)) mass - k else numeric(0))
  wt <- c(wt, rep(0, length(s) - length(wt)))
  mu <- sum(wt * s) / sum(wt)
  v_kept <- sum(wt * (s - mu)^2) / sum(wt)
  cut <- if (mass - k > 1e-9) s[k + 1] else s[k]
  list(mean = mu, var = v_kept, cut = cut)
}
im_c <- function(width, se_max, level = 0.95) {
  uniroot(function(c) pnorm(c + width / se_max) - pnorm(-c) - level, c(0, 20),
          tol = 1e-12)$root
}
lee <- function(y, treat, cells = rep("all", length(y))) {
  obs <- !is.na(y)
  q1 <- mean(obs[treat == 1]); q0 <- mean(obs[treat == 0])
  tr <- if (q1 >= q0) 1 else 0
  ot <- 1 - tr
  lower <- 0; upper <- 0; vl <- 0; vu <- 0
  n_ot_obs <- sum(treat == ot & obs)
  for (cell in sort(unique(cells))) {
    itr <- cells == cell & treat == tr
    iot <- cells == cell & treat == ot
    qtr <- mean(obs[itr]); qot <- mean(obs[iot])
    p <- max(0, 1 - qot / qtr)
    v <- y[itr & obs]
    lo <- trim_stats(v, p, "lower"); hi <- trim_stats(v, p, "upper")
    yo <- y[iot & obs]
    mu_ot <- mean(yo)
    wgt <- length(yo) / n_ot_obs
    var_p <- (1 - p)^2 * ((1 - qot) / (qot * sum(iot)) + (1 - qtr) / (qtr * sum(itr)))
    var_ot <- mean((yo - mu_ot)^2) / length(yo)
    vfun <- function(s) (s$var + p * (s$cut - s$mean)^2) / (length(v) * (1 - p)) +
      ((s$cut - s$mean) / (1 - p))^2 * var_p + var_ot
    if (tr == 1) {
      lower <- lower + wgt * (lo$mean - mu_ot); upper <- upper + wgt * (hi$mean - mu_ot)
      vl <- vl + wgt^2 * vfun(lo); vu <- vu + wgt^2 * vfun(hi)
    } else {
      lower <- lower + wgt * (mu_ot - hi$mean); upper <- upper + wgt * (mu_ot - lo$mean)
      vl <- vl + wgt^2 * vfun(hi); vu <- vu + wgt^2 * vfun(lo)
    }
  }
  p_all <- max(0, 1 - min(q1, q0) / max(q1, q0))
  sl <- sqrt(vl); su <- sqrt(vu)
  c_im <- im_c(upper - lower, max(sl, su))
  z <- qnorm(0.975)
  list(trimming_share = p_all, lower = lower, upper = upper, se_lower = sl, se_upper = su,
       im_ci = c(lower - c_im * sl, upper + c_im * su),
       bounds_ci = c(lower - z * sl, upper + z * su),
       naive = mean(y[treat == 1 & obs]) - mean(y[treat == 0 & obs]))
}
out$lee_income <- lee(d$income, d$treat)
# tightened: only the point bounds here; the SEs and CIs of tightened bounds follow Stata
# leebounds (weights' variance included) and are checked against tests/reference/lee_tight.R
out$lee_income_gender <- lee(d$income, d$treat, d$gender)[c("trimming_share", "lower", "upper",
                                                              "naive")]
# control arm trimmed: swap the arms' labels
out$lee_income_swapped <- lee(d$income, 1 - d$treat)

# 6. Binary Lee bounds: closed form and delta method with a hand-derived gradient -----------
# Trimmed arm t, other arm o. pi = share of the arm's assigned with Y = 1 observed,
# zeta = share with Y = 0 observed. With q_o = pi_o + zeta_o:
#   lower = (zeta_o - zeta_t) / q_o,  upper = (pi_t - pi_o) / q_o  (treated trimmed, interior).
binary_lee <- function(y, treat) {
  n1 <- sum(treat == 1); n0 <- sum(treat == 0)
  pi1 <- sum(y[treat == 1] == 1, na.rm = TRUE) / n1
  z1 <- sum(y[treat == 1] == 0, na.rm = TRUE) / n1
  pi0 <- sum(y[treat == 0] == 1, na.rm = TRUE) / n0
  z0 <- sum(y[treat == 0] == 0, na.rm = TRUE) / n0
  stopifnot(pi1 + z1 >= pi0 + z0)
  q0 <- pi0 + z0
  lower <- (z0 - z1) / q0
  upper <- (pi1 - pi0) / q0
  # gradients w.r.t. (pi1, z1, pi0, z0)
  g_low <- c(0, -1 / q0, -lower / q0, (1 - lower) / q0)
  g_up <- c(1 / q0, 0, -(1 + upper) / q0, -upper / q0)
  V <- matrix(0, 4, 4)
  V[1:2, 1:2] <- (diag(c(pi1, z1)) - outer(c(pi1, z1), c(pi1, z1))) / n1
  V[3:4, 3:4] <- (diag(c(pi0, z0)) - outer(c(pi0, z0), c(pi0, z0))) / n0
  list(lower = lower, upper = upper, se_lower = sqrt(drop(t(g_low) %*% V %*% g_low)),
       se_upper = sqrt(drop(t(g_up) %*% V %*% g_up)))
}
out$lee_got_job <- binary_lee(d$got_job, d$treat)

# 7. Manski bounds for the binary outcome ---------------------------------------------------
manski <- function(y, treat, lo = 0, hi = 1) {
  fl <- ifelse(is.na(y), lo, y); fh <- ifelse(is.na(y), hi, y)
  t <- treat == 1; c <- treat == 0
  lower <- mean(fl[t]) - mean(fh[c]); upper <- mean(fh[t]) - mean(fl[c])
  sl <- sqrt(var(fl[t]) / sum(t) + var(fh[c]) / sum(c))
  su <- sqrt(var(fh[t]) / sum(t) + var(fl[c]) / sum(c))
  cc <- im_c(upper - lower, max(sl, su))
  list(lower = lower, upper = upper, se_lower = sl, se_upper = su,
       im_ci = c(lower - cc * sl, upper + cc * su))
}
out$manski_got_job <- manski(d$got_job, d$treat)

write_json(out, "tests/reference/attrition_values.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
cat("done\n")
