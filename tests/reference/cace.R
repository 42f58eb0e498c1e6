# Reference values for CR2 (cluster-robust, Bell-McCaffrey/Satterthwaite df) and the CACE by
# 2SLS in impact.analysis.rct (cr2, iv, cace, compliers), computed independently in R:
#   * estimatr::lm_robust(se_type = "CR2") and estimatr::lm_lin (ITT and the component -> job
#     association with clusters);
#   * clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite") (the same numbers, a second
#     implementation) and Wald_test(test = "HTZ") (subgroup equality test with clusters);
#   * estimatr::iv_robust(y ~ d + X | z + X, se_type = "HC2" / "CR2", diagnostics = TRUE)
#     (CACE, its SE, df, p, CI and the weak-instrument first-stage F);
#   * complier characteristics by Abadie's (2003) kappa, written here in base R from the
#     formula kappa = 1 - d(1 - z)/(1 - p) - (1 - d)z/p, p = treated share of the stratum
#     (no R package implements it).
# Inputs: tests/reference/cace_{individual,clustered,few}.csv (made by cace_make_data.py).
# Output: tests/reference/cace_values.json. Run from the repository root:
#   Rscript tests/reference/cace.R
suppressPackageStartupMessages({
  library(estimatr)
  library(clubSandwich)
  library(jsonlite)
})
here <- "tests/reference"
read_data <- function(name) {
  d <- read.csv(file.path(here, paste0("cace_", name, ".csv")), stringsAsFactors = FALSE)
  d$z <- as.numeric(d$arm == "treatment")
  for (col in c("started", "started_one", "got_job", "improved_cv")) {
    if (col %in% names(d)) d[[col]] <- as.numeric(as.logical(as.character(d[[col]])))
  }
  d
}
tidy_row <- function(m, term) {
  s <- summary(m)$coefficients
  list(estimate = s[term, "Estimate"], std_error = s[term, "Std. Error"],
       statistic = s[term, "t value"], df = s[term, "DF"], p_value = s[term, "Pr(>|t|)"],
       conf_low = s[term, "CI Lower"], conf_high = s[term, "CI Upper"])
}
covs <- "factor(stratum) + age + education_level + gender"

# 1. ITT with clusters: lm_robust / lm_lin CR2, clubSandwich coef_test ----------------------
itt_cr2 <- function(d) {
  out <- list()
  for (y in c("got_job", "improved_cv")) {
    dd <- d[!is.na(d[[y]]), ]
    f_un <- as.formula(paste(y, "~ z + factor(stratum)"))
    f_add <- as.formula(paste(y, "~ z +", covs))
    un <- lm_robust(f_un, data = dd, clusters = coach, se_type = "CR2")
    add <- lm_robust(f_add, data = dd, clusters = coach, se_type = "CR2")
    lin <- lm_lin(as.formula(paste(y, "~ z")), covariates = as.formula(paste("~", covs)),
                  data = dd, clusters = coach, se_type = "CR2")
    ct <- coef_test(lm(f_add, data = dd), vcov = "CR2", cluster = dd$coach,
                    test = "Satterthwaite")
    ct <- ct[ct$Coef == "z", ]
    out[[y]] <- list(unadjusted = tidy_row(un, "z"), additive = tidy_row(add, "z"),
                     lin = tidy_row(lin, "z"), n = nrow(dd),
                     club_additive = list(std_error = ct$SE, df = ct$df_Satt,
                                          p_value = ct$p_Satt))
  }
  out
}

# 1b. Components -> job with clusters: lm_robust CR2 (both arms pooled) ------------------------
component_cr2 <- function(d) {
  dd <- d[!is.na(d$improved_cv), ]
  m <- lm_robust(as.formula(paste("got_job ~ improved_cv + z +", covs)), data = dd,
                 clusters = coach, se_type = "CR2")
  c(tidy_row(m, "improved_cv"), list(n = nrow(dd)))
}

# 1c. Heterogeneity with clusters: level effects (CR2, Satterthwaite) and the equality test --
# (clubSandwich Wald_test, HTZ), by gender (two levels) and by education group (three levels)
heterogeneity_cr2 <- function(d) {
  d$edu_group <- ifelse(d$education_level <= 2, "low", ifelse(d$education_level == 3, "mid",
                                                                "high"))
  out <- list()
  for (by in c("gender", "edu_group")) {
    others <- setdiff(c("age", "education_level", "gender"),
                      c(by, if (by == "edu_group") "education_level"))
    levels <- sort(unique(d[[by]]))
    X <- sapply(levels, function(l) as.numeric(d[[by]] == l))
    colnames(X) <- paste0("g_", levels)
    Z <- X * d$z
    colnames(Z) <- paste0("z_", levels)
    dd <- cbind(d, X, Z)
    dd$stratumB <- as.numeric(dd$stratum == "B")  # stratum dummy (no intercept in this model)
    f <- as.formula(paste("got_job ~ 0 +", paste(colnames(X), collapse = " + "), "+",
                          paste(colnames(Z), collapse = " + "),
                          "+ stratumB +", paste(others, collapse = " + ")))
    m <- lm(f, data = dd)
    ct <- coef_test(m, vcov = "CR2", cluster = dd$coach, test = "Satterthwaite")
    ct <- ct[ct$Coef %in% colnames(Z), ]
    w <- Wald_test(m, constraints = constrain_equal(colnames(Z)), vcov = "CR2",
                   cluster = dd$coach, test = "HTZ")
    out[[by]] <- list(levels = levels, estimate = unname(ct$beta), std_error = unname(ct$SE),
                      df = unname(ct$df_Satt), p_value = unname(ct$p_Satt),
                      f_statistic = w$Fstat, df_num = w$df_num, df_denom = w$df_denom,
                      test_p = w$p_val)
  }
  out
}

# 2. CACE: iv_robust with HC2 (individual) or CR2 (clusters) ---------------------------------
cace_values <- function(d, take_up, se_type, clustered) {
  out <- list()
  for (y in c("got_job", "improved_cv")) {
    dd <- d[!is.na(d[[y]]), ]
    dd$d <- dd[[take_up]]
    f <- as.formula(paste(y, "~ d +", covs, "| z +", covs))
    fit <- if (clustered) {
      iv_robust(f, data = dd, clusters = coach, se_type = se_type, diagnostics = TRUE)
    } else {
      iv_robust(f, data = dd, se_type = se_type, diagnostics = TRUE)
    }
    first <- lm(as.formula(paste("d ~ z +", covs)), data = dd)
    reduced <- lm(as.formula(paste(y, "~ z +", covs)), data = dd)
    out[[y]] <- c(tidy_row(fit, "d"), list(
      first_stage_f = unname(fit$diagnostic_first_stage_fstatistic["value"]),
      complier_share = unname(coef(first)["z"]),
      itt_estimate = unname(coef(reduced)["z"]), n = nrow(dd)))
  }
  out
}

# 3. Complier characteristics by Abadie's kappa (base R) -------------------------------------
kappa_means <- function(d, take_up) {
  z <- d$z
  dd <- d[[take_up]]
  p <- ave(z, d$stratum)
  always <- dd * (1 - z) / (1 - p)
  never <- (1 - dd) * z / p
  complier <- 1 - always - never
  xs <- list(age = d$age, education_level = d$education_level,
             `gender=man` = as.numeric(d$gender == "man"),
             `gender=woman` = as.numeric(d$gender == "woman"))
  wmean <- function(w, x) if (abs(sum(w)) > 1e-12) sum(w * x) / sum(w) else NA
  lapply(xs, function(x) list(sample_mean = mean(x), complier_mean = wmean(complier, x),
                              never_taker_mean = wmean(never, x),
                              always_taker_mean = wmean(always, x)))
}

ind <- read_data("individual")
clu <- read_data("clustered")
few <- read_data("few")
out <- list(
  itt_cr2 = list(clustered = itt_cr2(clu), few = itt_cr2(few)),
  components_cr2 = list(clustered = component_cr2(clu), few = component_cr2(few)),
  heterogeneity_cr2 = list(clustered = heterogeneity_cr2(clu), few = heterogeneity_cr2(few)),
  cace = list(
    individual_two_sided = cace_values(ind, "started", "HC2", FALSE),
    individual_one_sided = cace_values(ind, "started_one", "HC2", FALSE),
    clustered = cace_values(clu, "started", "CR2", TRUE),
    few = cace_values(few, "started", "CR2", TRUE)
  ),
  compliers = list(
    individual_two_sided = kappa_means(ind, "started"),
    individual_one_sided = kappa_means(ind, "started_one"),
    clustered = kappa_means(clu, "started")
  ),
  source = paste0("tests/reference/cace.R; R ", getRversion(), ", estimatr ",
                  packageVersion("estimatr"), ", clubSandwich ", packageVersion("clubSandwich"))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path(here, "cace_values.json"))
