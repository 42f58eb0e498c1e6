# Reference values for impact.analysis.timing, computed with survival, sandwich and base R.
# Run from the repository root:  Rscript tests/reference/timing.R
# Reads tests/reference/timing_data.csv, writes tests/reference/timing_values.json.
# The event times are rebuilt here independently of the Python code, with the documented
# rule: first answered wave with a job -> event at the reported job_start_month (clipped into
# [last month without a job, wave month]) or else at the wave month; otherwise censored at the
# last answered wave. People employed at baseline, without baseline, without any later answer
# or without an arm are excluded.
suppressPackageStartupMessages({
  library(survival)
  library(sandwich)
  library(jsonlite)
})
here <- "tests/reference"
d <- read.csv(file.path(here, "timing_data.csv"), stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
months <- c(f1 = 2, f2 = 5, r = 7)

episode <- function(row, imputation) {
  if (is.na(row$b_employment) || is.na(row$arm)) return(NULL)
  if (row$b_employment != "none") return(NULL)
  lower <- 0; answered <- FALSE
  for (w in names(months)) {
    s <- row[[paste0(w, "_employment")]]
    if (is.na(s)) next
    answered <- TRUE
    if (s != "none") {
      start_col <- paste0(w, "_job_start_month")
      start <- if (start_col %in% names(row)) row[[start_col]] else NA
      t <- months[[w]]
      if (imputation == "reported" && !is.na(start)) t <- min(max(start, lower), months[[w]])
      return(data.frame(time = t, event = 1, lower = lower, upper = months[[w]]))
    }
    lower <- months[[w]]
  }
  if (!answered) return(NULL)
  data.frame(time = lower, event = 0, lower = lower, upper = Inf)
}

build <- function(imputation) {
  rows <- lapply(seq_len(nrow(d)), function(i) {
    e <- episode(d[i, ], imputation)
    if (is.null(e)) return(NULL)
    cbind(d[i, c("person_id", "arm", "stratum", "age", "education_level", "years_in_sweden")], e)
  })
  do.call(rbind, rows)
}

km_values <- function(e, conf_type) {
  fit <- survfit(Surv(time, event) ~ arm, data = e, conf.type = conf_type)
  s <- summary(fit, censored = TRUE)
  list(group = sub("arm=", "", as.character(s$strata)), time = s$time, n_risk = s$n.risk,
       n_events = s$n.event, n_censored = s$n.censor, survival = s$surv,
       std_error = s$std.err, ci_lower = s$lower, ci_upper = s$upper)
}

out <- list()
for (imp in c("reported", "right")) {
  e <- build(imp)
  res <- list(n = nrow(e), person_id = e$person_id, time = e$time, event = e$event)
  res$km <- list(log = km_values(e, "log"), `log-log` = km_values(e, "log-log"),
                 plain = km_values(e, "plain"))
  lr <- survdiff(Surv(time, event) ~ arm, data = e)
  res$logrank <- list(chisq = unname(lr$chisq), observed = unname(lr$obs),
                      expected = unname(lr$exp), groups = sub("arm=", "", names(lr$n)))
  lrs <- survdiff(Surv(time, event) ~ arm + strata(stratum), data = e)
  res$logrank_stratified <- list(chisq = unname(lrs$chisq), observed = unname(rowSums(as.matrix(lrs$obs))),
                                 expected = unname(rowSums(as.matrix(lrs$exp))))
  e$arm <- factor(e$arm, levels = c("control", "treatment"))
  cox <- coxph(Surv(time, event) ~ arm + age + education_level + years_in_sweden, data = e,
               ties = "efron")
  res$cox <- list(term = names(coef(cox)), estimate = unname(coef(cox)),
                  std_error = unname(sqrt(diag(vcov(cox)))))
  # person-period data on the intervals [0,2], (2,5], (5,7]
  ends <- c(2, 5, 7)
  pp <- do.call(rbind, lapply(seq_len(nrow(e)), function(i) {
    r <- e[i, ]
    if (r$event == 1) {
      k <- which(ends >= max(r$time, r$lower) & ends > r$lower)[1]
      if (is.na(k)) k <- length(ends)
      if (r$time == 0 && r$lower == 0) k <- 1
    } else {
      k <- sum(ends <= r$time)
    }
    if (k == 0) return(NULL)
    data.frame(id = r$person_id, period = factor(seq_len(k), levels = 1:3),
               job = as.integer(r$event == 1 & seq_len(k) == k), arm = r$arm, age = r$age,
               education_level = r$education_level, years_in_sweden = r$years_in_sweden)
  }))
  g <- glm(job ~ 0 + period + arm + age + education_level + years_in_sweden, data = pp,
           family = binomial())
  v <- vcovCL(g, cluster = ~id, type = "HC1")
  res$discrete <- list(term = names(coef(g)), estimate = unname(coef(g)),
                       std_error = unname(sqrt(diag(v))), n_rows = nrow(pp),
                       n_events = sum(pp$job))
  out[[imp]] <- res
}
write_json(out, file.path(here, "timing_values.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
cat("wrote", file.path(here, "timing_values.json"), "\n")
