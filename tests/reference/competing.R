# Reference values for the competing-risks and interval-censored parts of impact.analysis.timing,
# computed with survival (multi-state survfit, survfit/survreg on Surv(type = "interval2")),
# cmprsk (cuminc: Gray's test, also with strata =; crr: Fine-Gray) and base R.
# Run from the repository root:  Rscript tests/reference/competing.R
# Reads tests/reference/competing_data.csv, writes tests/reference/competing_values.json.
#
# The first events are rebuilt here independently of the Python code, with the documented rule
# (docs/timing.md): excluded are people without an arm, without a baseline answer, employed at
# baseline, or without any later answered wave. Waves f1 (2), f2 (5), r (7) are read in order;
# the first answered wave with a job (job wins) or in education (not counted for people already
# studying at baseline) is the event: a job at the reported start month clipped into
# [last answered month before, wave month], else the wave month; education at the wave month.
# left_month (<= 7) makes the event "left" when it is before that time (or there is no event).
# Otherwise censored at the last answered wave.
#
# Turnbull: survival's survfit stops its EM when the survival values change by less than 5e-5
# between iterations, so it is only that close to the NPMLE. The NPMLE is therefore also
# computed here by a plain self-consistency (EM) iteration in base R run to 1e-13, written
# from Turnbull (1976), and the tests compare with that at 1e-6 and with survfit at 5e-3 (its early stop).
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
  library(jsonlite)
})
here <- "tests/reference"
d <- read.csv(file.path(here, "competing_data.csv"), stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
months <- c(f1 = 2, f2 = 5, r = 7)

first_event <- function(row) {
  if (is.na(row$arm) || is.na(row$b_employment) || row$b_employment != "none") return(NULL)
  studying_b <- !is.na(row$b_in_education) && row$b_in_education == "true"
  lower <- 0; answered <- FALSE; kind <- "censored"; t <- NA; upper <- Inf
  for (w in names(months)) {
    s <- row[[paste0(w, "_employment")]]
    if (is.na(s)) next
    answered <- TRUE
    edu <- row[[paste0(w, "_in_education")]]
    if (s != "none") {
      start <- if (w != "r") row[[paste0(w, "_job_start_month")]] else NA
      t <- if (!is.na(start)) min(max(start, lower), months[[w]]) else months[[w]]
      kind <- "job"; upper <- months[[w]]; break
    }
    if (!is.na(edu) && edu == "true" && !studying_b) {
      t <- months[[w]]; kind <- "education"; upper <- months[[w]]; break
    }
    lower <- months[[w]]
  }
  if (!answered) return(NULL)
  # the job-only interval (other events ignored) for the interval-censored analyses
  job_lower <- 0; job_upper <- Inf
  for (w in names(months)) {
    s <- row[[paste0(w, "_employment")]]
    if (is.na(s)) next
    if (s != "none") { job_upper <- months[[w]]; break }
    job_lower <- months[[w]]
  }
  if (kind == "censored") t <- lower
  if (!is.na(row$left_month) && row$left_month <= 7 &&
      (kind == "censored" || row$left_month < t)) {
    kind <- "left"; t <- row$left_month
  }
  data.frame(person_id = row$person_id, time = t, status = kind, lower = job_lower,
             upper = job_upper)
}
rows <- lapply(seq_len(nrow(d)), function(i) {
  e <- first_event(d[i, ])
  if (is.null(e)) return(NULL)
  cbind(e, d[i, c("arm", "site", "age", "education_level", "years_in_sweden")])
})
e <- do.call(rbind, rows)
e$status <- factor(e$status, levels = c("censored", "job", "education", "left"))
out <- list(person_id = e$person_id, time = e$time, status = as.character(e$status))

# Aalen-Johansen by arm: multi-state survfit
fit <- survfit(Surv(time, status) ~ arm, data = e)
aj <- list()
for (k in seq_along(fit$strata)) {
  idx <- if (k == 1) seq_len(fit$strata[1]) else sum(fit$strata[1:(k - 1)]) + seq_len(fit$strata[k])
  g <- sub("arm=", "", names(fit$strata)[k])
  aj[[g]] <- list(time = fit$time[idx], n_risk = fit$n.risk[idx, 1],
                  pstate = fit$pstate[idx, 2:4, drop = FALSE],
                  std_err = fit$std.err[idx, 2:4, drop = FALSE],
                  lower = fit$lower[idx, 2:4, drop = FALSE],
                  upper = fit$upper[idx, 2:4, drop = FALSE])
}
out$aj <- aj
out$aj_states <- fit$states[2:4]

# Gray's test: by arm (2 groups) and by site (3 groups)
code <- as.integer(e$status) - 1  # 0 censored, 1 job, 2 education, 3 left
gray <- function(group) {
  ci <- cuminc(e$time, code, group, cencode = 0)
  tests <- ci$Tests
  list(cause = c("job", "education", "left")[as.integer(rownames(tests))],
       stat = unname(tests[, "stat"]), p = unname(tests[, "pv"]), df = unname(tests[, "df"]))
}
out$gray_arm <- gray(e$arm)
out$gray_site <- gray(e$site)
# stratified (cuminc's strata =: scores and variances summed over strata, Fortran crstm):
# arm (2 groups) stratified by site, site (3 groups) stratified by arm
gray_strata <- function(group, strata) {
  ci <- cuminc(e$time, code, group, strata = strata, cencode = 0)
  tests <- ci$Tests
  list(cause = c("job", "education", "left")[as.integer(rownames(tests))],
       stat = unname(tests[, "stat"]), p = unname(tests[, "pv"]), df = unname(tests[, "df"]))
}
out$gray_arm_strata_site <- gray_strata(e$arm, e$site)
out$gray_site_strata_arm <- gray_strata(e$site, e$arm)

# Fine-Gray for job and for education: arm (treatment vs control), age, education_level
x <- cbind(`arm[treatment]` = as.numeric(e$arm == "treatment"), age = e$age,
           education_level = e$education_level)
fg <- function(cause) {
  f <- crr(e$time, code, x, failcode = cause, cencode = 0, gtol = 1e-12, maxiter = 100)
  list(term = colnames(x), coef = unname(f$coef), se = unname(sqrt(diag(f$var))),
       converged = f$converged)
}
out$fine_gray <- list(job = fg(1), education = fg(2))

# Interval-censored time to first job (as the Kaplan-Meier analysis: other events ignored),
# the wave intervals only (reported start months not used)
j <- e
j$jl <- j$lower  # last answered wave without a job
j$ju <- ifelse(is.finite(j$upper), j$upper, NA)  # first answered wave with a job
tb <- survfit(Surv(jl, ju, type = "interval2") ~ 1, data = j)
out$turnbull_survfit <- list(time = tb$time, surv = tb$surv)

# the NPMLE by self-consistency, to 1e-13 (Turnbull 1976), on the innermost intervals
npmle <- function(l, u) {  # intervals (l, u], u = Inf when right-censored
  ends <- rbind(data.frame(t = u, left = 0), data.frame(t = l, left = 1))
  ends <- ends[order(ends$t, ends$left), ]  # at a tie a right end comes first
  inner <- NULL
  for (i in seq_len(nrow(ends) - 1)) {
    if (ends$left[i] == 1 && ends$left[i + 1] == 0)
      inner <- rbind(inner, c(ends$t[i], ends$t[i + 1]))
  }
  inner <- unique(inner)
  a <- outer(seq_along(l), seq_len(nrow(inner)),
             function(i, k) as.numeric(inner[k, 1] >= l[i] & inner[k, 2] <= u[i]))
  p <- rep(1 / nrow(inner), nrow(inner))
  for (it in 1:200000) {
    p_new <- p * colSums(a / as.vector(a %*% p)) / length(l)
    if (max(abs(p_new - p)) < 1e-13) { p <- p_new; break }
    p <- p_new
  }
  list(lower = inner[, 1], upper = inner[, 2], mass = p, iterations = it)
}
out$turnbull_npmle <- npmle(j$jl, ifelse(is.na(j$ju), Inf, j$ju))

# a harder case: irregular visits, two groups
iv <- read.csv(file.path(here, "competing_intervals.csv"), stringsAsFactors = FALSE)
iv$u <- ifelse(is.finite(iv$upper), iv$upper, NA)
tbg <- survfit(Surv(lower, u, type = "interval2") ~ group, data = iv)
out$turnbull_groups <- list()
for (k in seq_along(tbg$strata)) {
  idx <- if (k == 1) seq_len(tbg$strata[1]) else sum(tbg$strata[1:(k - 1)]) + seq_len(tbg$strata[k])
  g <- sub("group=", "", names(tbg$strata)[k])
  part <- iv[iv$group == g, ]
  out$turnbull_groups[[g]] <- list(survfit_time = tbg$time[idx], survfit_surv = tbg$surv[idx],
                                   npmle = npmle(part$lower, part$upper))
}

# Weibull and log-logistic AFT on the intervals (lower 0 = left-censored)
j$al <- ifelse(j$jl == 0, NA, j$jl)
aft <- function(dist) {
  f <- survreg(Surv(al, ju, type = "interval2") ~ arm + age + education_level, data = j,
               dist = dist, control = survreg.control(rel.tolerance = 1e-12, iter.max = 200))
  v <- vcov(f)
  list(term = names(coef(f)), coef = unname(coef(f)), log_scale = log(f$scale),
       se = unname(sqrt(diag(v))), loglik = f$loglik[2])
}
out$aft <- list(weibull = aft("weibull"), loglogistic = aft("loglogistic"))
out$n <- nrow(e)
write_json(out, file.path(here, "competing_values.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
cat("wrote", file.path(here, "competing_values.json"), "\n")
