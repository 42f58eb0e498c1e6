# Reference values for impact.analysis.rct, computed with estimatr and base R.
# Run from the repository root:  Rscript tests/reference/rct.R
# Reads tests/reference/rct_data.csv and rct_small.csv, writes tests/reference/rct_values.json.
suppressPackageStartupMessages({
  library(estimatr)
  library(jsonlite)
})
here <- "tests/reference"
d <- read.csv(file.path(here, "rct_data.csv"), stringsAsFactors = FALSE, na.strings = c("", "NA"))
for (v in c("got_job", "took_steps", "job_or_steps", "expanded_network", "improved_cv",
           "got_internship")) d[[v]] <- ifelse(is.na(d[[v]]), NA, d[[v]] %in% c("True", TRUE))
d$z <- as.numeric(d$arm == "treatment")
d$stratum <- factor(d$stratum)
d$gender <- factor(d$gender)  # levels sorted: man (reference), woman
covs <- "gender + age + education_level + years_in_sweden"
outcomes <- c("got_job", "job_or_steps", "expanded_network", "improved_cv", "got_internship")

tidy_coef <- function(fit, term) {
  s <- summary(fit)$coefficients
  list(estimate = unname(s[term, "Estimate"]), std_error = unname(s[term, "Std. Error"]),
       statistic = unname(s[term, "t value"]), p_value = unname(s[term, "Pr(>|t|)"]),
       df = unname(s[term, "DF"]), conf_low = unname(s[term, "CI Lower"]),
       conf_high = unname(s[term, "CI Upper"]))
}

itt <- list()
for (y in outcomes) {
  dd <- d[!is.na(d[[y]]), ]
  dd$y <- as.numeric(dd[[y]])
  f_un <- lm_robust(y ~ z + stratum, data = dd, se_type = "HC2")
  f_add <- lm_robust(as.formula(paste("y ~ z + stratum +", covs)), data = dd, se_type = "HC2")
  f_lin <- lm_lin(y ~ z, covariates = as.formula(paste("~ stratum +", covs)), data = dd,
                  se_type = "HC2")
  # logit average marginal effect of z with a delta-method SE
  g <- glm(as.formula(paste("y ~ z + stratum +", covs)), data = dd, family = binomial())
  X <- model.matrix(g)
  X1 <- X; X1[, "z"] <- 1
  X0 <- X; X0[, "z"] <- 0
  p1 <- plogis(drop(X1 %*% coef(g))); p0 <- plogis(drop(X0 %*% coef(g)))
  grad <- colMeans(X1 * (p1 * (1 - p1)) - X0 * (p0 * (1 - p0)))
  ame_se <- sqrt(drop(t(grad) %*% vcov(g) %*% grad))
  itt[[y]] <- list(
    unadjusted = tidy_coef(f_un, "z"), additive = tidy_coef(f_add, "z"),
    lin = tidy_coef(f_lin, "z"),
    logit_ame = list(estimate = mean(p1 - p0), std_error = ame_se),
    fisher_p = fisher.test(table(dd$z, dd$y))$p.value,
    n = nrow(dd), control_mean = mean(dd$y[dd$z == 0]))
}

# other SE types on the additive model for got_job; CR1 (Stata) clustered by mentor_group
dd <- d[!is.na(d$got_job), ]
dd$y <- as.numeric(dd$got_job)
fa <- as.formula(paste("y ~ z + stratum +", covs))
se_types <- list()
for (s in c("HC0", "HC1", "HC3")) se_types[[s]] <- tidy_coef(lm_robust(fa, data = dd, se_type = s), "z")
se_types[["stata"]] <- tidy_coef(
  lm_robust(fa, data = dd, clusters = mentor_group, se_type = "stata"), "z")
# no strata, unadjusted (difference in means)
se_types[["HC2_no_strata"]] <- tidy_coef(lm_robust(y ~ z, data = dd, se_type = "HC2"), "z")

# heterogeneity by gender (man is the reference level)
het <- lm_robust(as.formula("y ~ z * gender + stratum + age + education_level + years_in_sweden"),
                 data = dd, se_type = "HC2")
V <- vcov(het)
b <- coef(het)
w <- c(z = 1, `z:genderwoman` = 1)
heterogeneity <- list(
  man = list(estimate = unname(b["z"]), std_error = sqrt(V["z", "z"])),
  woman = list(estimate = unname(sum(b[names(w)])),
               std_error = sqrt(drop(t(w) %*% V[names(w), names(w)] %*% w))),
  interaction_p = unname(summary(het)$coefficients["z:genderwoman", "Pr(>|t|)"]),
  df = het$df[["z"]])

# components -> job (associations)
components <- list()
for (cpt in c("expanded_network", "improved_cv", "got_internship")) {
  dc <- d[!is.na(d$got_job) & !is.na(d[[cpt]]), ]
  dc$y <- as.numeric(dc$got_job)
  dc$cpt <- as.numeric(dc[[cpt]])
  fc <- lm_robust(as.formula(paste("y ~ cpt + z + stratum +", covs)), data = dc, se_type = "HC2")
  components[[cpt]] <- tidy_coef(fc, "cpt")
}

# balance: randomised sample and analysed sample (got_job observed)
balance_one <- function(s) {
  out <- list()
  for (v in c("age", "education_level", "years_in_sweden")) {
    x1 <- s[[v]][s$z == 1]; x0 <- s[[v]][s$z == 0]
    x1 <- x1[!is.na(x1)]; x0 <- x0[!is.na(x0)]
    out[[v]] <- list(mean_treatment = mean(x1), mean_control = mean(x0),
                     smd = (mean(x1) - mean(x0)) / sqrt((var(x1) + var(x0)) / 2),
                     p_value = t.test(x1, x0)$p.value)
  }
  w1 <- as.numeric(s$gender[s$z == 1] == "woman"); w0 <- as.numeric(s$gender[s$z == 0] == "woman")
  out[["gender[woman]"]] <- list(mean_treatment = mean(w1), mean_control = mean(w0),
                                 smd = (mean(w1) - mean(w0)) / sqrt((var(w1) + var(w0)) / 2))
  out[["gender_p"]] <- chisq.test(table(s$z, s$gender), correct = FALSE)$p.value
  cc <- s[complete.cases(s[, c("age", "education_level", "years_in_sweden", "gender")]), ]
  full <- lm(as.formula(paste("z ~ stratum +", covs)), data = cc)
  restricted <- lm(z ~ stratum, data = cc)
  a <- anova(restricted, full)
  out[["joint"]] <- list(f = a$F[2], df1 = a$Df[2], df2 = a$Res.Df[2], p_value = a$`Pr(>F)`[2],
                         n = nrow(cc))
  out
}
balance <- list(randomised = balance_one(d), analysed = balance_one(d[!is.na(d$got_job), ]))

# exact randomisation inference on the small data set (all within-stratum assignments)
sm <- read.csv(file.path(here, "rct_small.csv"), stringsAsFactors = FALSE)
sm$y <- as.numeric(sm$y %in% c("True", TRUE))
sm$z <- as.numeric(sm$arm == "treatment")
stat <- function(z, adjust) {
  sm$z <- z
  f <- if (adjust) y ~ z + stratum + x else y ~ z + stratum
  fit <- lm_robust(f, data = sm, se_type = "HC2")
  c(coef = unname(coef(fit)["z"]), t = unname(coef(fit)["z"] / fit$std.error["z"]))
}
ia <- which(sm$stratum == "A"); ib <- which(sm$stratum == "B")
ca <- combn(ia, 3); cb <- combn(ib, 3)
exact <- list()
for (adjust in c(FALSE, TRUE)) {
  obs <- stat(sm$z, adjust)
  sims <- NULL
  for (i in seq_len(ncol(ca))) for (j in seq_len(ncol(cb))) {
    z <- rep(0, nrow(sm)); z[c(ca[, i], cb[, j])] <- 1
    sims <- rbind(sims, stat(z, adjust))
  }
  key <- if (adjust) "adjusted" else "unadjusted"
  exact[[key]] <- list(
    n_assignments = nrow(sims),
    coefficient_p = mean(abs(sims[, "coef"]) >= abs(obs["coef"]) - 1e-10),
    studentised_p = mean(abs(sims[, "t"]) >= abs(obs["t"]) - 1e-10),
    observed_coefficient = unname(obs["coef"]), observed_t = unname(obs["t"]))
}

pv <- c(0.01, 0.04, 0.03, 0.20, 0.005)
padjust <- list(p = pv, holm = p.adjust(pv, "holm"), BH = p.adjust(pv, "BH"))

write_json(list(itt = itt, se_types = se_types, heterogeneity = heterogeneity,
                components = components, balance = balance, exact_ri = exact,
                p_adjust = padjust,
                versions = list(R = R.version.string,
                                estimatr = as.character(packageVersion("estimatr")))),
           file.path(here, "rct_values.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
cat("wrote", file.path(here, "rct_values.json"), "\n")
