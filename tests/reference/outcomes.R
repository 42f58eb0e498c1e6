# Reference values for impact.analysis.outcomes, computed independently in R.
#
# Run from the repository root:
#     Rscript tests/reference/outcomes.R
# It reads tests/reference/outcomes_fixture.csv (written by outcomes_fixture.py) and writes
# tests/reference/outcomes_values.json. Every block of the JSON carries a "source" string naming
# the R function that produced the numbers. R 4.2, base + stats + jsonlite only.
#
# * Wilson intervals:     prop.test(x, n, correct = FALSE)$conf.int
# * Newcombe difference:  hybrid score interval (Newcombe 1998, method 10) assembled from the two
#                         prop.test Wilson limits
# * 2x2 tests:            fisher.test(m)$p.value; chisq.test(m, correct = FALSE)
# * Adjusted difference:  glm(y ~ female + age + education_level + years_in_sweden, binomial);
#                         AME = mean(plogis(X1 b) - plogis(X0 b)) with the group set to 1 / 0;
#                         delta-method SE with the gradient by central NUMERICAL differences
#                         (h = 1e-6) — the margins package is not available, and the Python code
#                         uses the analytic gradient, so the two are computed differently.
# * Target tests:         binom.test(x, n, p) two-sided and alternative = "less"

suppressPackageStartupMessages(library(jsonlite))

here <- "tests/reference"
d <- read.csv(file.path(here, "outcomes_fixture.csv"), na.strings = "", stringsAsFactors = FALSE)

indicators <- c(
  "job_from_none", "job_upgraded", "job_changed_other", "got_job", "got_internship",
  "started_relevant_education", "more_interviews", "improved_cv", "expanded_network",
  "got_reference", "visited_workplace", "learned_education_paths", "learned_social_codes",
  "improved_swedish", "improved_professional_swedish", "took_steps", "job_or_steps",
  "knows_labour_market_more"
)

wilson <- function(x, n, level = 0.95) {
  if (n == 0) return(c(NA, NA))
  as.numeric(suppressWarnings(prop.test(x, n, conf.level = level, correct = FALSE))$conf.int)
}

# ---- 1. Wilson intervals: fixed cases --------------------------------------------------------
fixed_cases <- list(
  c(0, 10, 0.95), c(10, 10, 0.95), c(1, 20, 0.95), c(3, 7, 0.95), c(86, 316, 0.95),
  c(255, 316, 0.95), c(50, 100, 0.95), c(86, 316, 0.90), c(86, 316, 0.99), c(2, 5, 0.80)
)
wilson_fixed <- lapply(fixed_cases, function(v) {
  ci <- wilson(v[1], v[2], v[3])
  list(x = v[1], n = v[2], level = v[3], low = ci[1], high = ci[2])
})

# ---- 2. Wilson intervals of the fixture's shares (overall, by gender, by round) --------------
share_rows <- list()
groupings <- list(
  list(var = "overall", levels = "all"),
  list(var = "gender", levels = c("woman", "man")),
  list(var = "round_id", levels = sort(unique(d$round_id)))
)
for (ind in indicators) {
  for (g in groupings) {
    for (lev in g$levels) {
      rows <- if (g$var == "overall") rep(TRUE, nrow(d)) else (!is.na(d[[g$var]]) & d[[g$var]] == lev)
      y <- d[[ind]][rows]
      n <- sum(!is.na(y)); x <- sum(y, na.rm = TRUE)
      ci <- wilson(x, n)
      share_rows[[length(share_rows) + 1]] <- list(
        indicator = ind, group_var = g$var, group = lev, n = n, numerator = x,
        missing = sum(is.na(y)), share = x / n, low = ci[1], high = ci[2]
      )
    }
  }
}

# ---- 3. Women vs men: Newcombe CI, Fisher, chi-square, adjusted AME --------------------------
ame_delta <- function(fit, data, h = 1e-6) {
  X <- model.matrix(fit)
  X1 <- X; X1[, "female"] <- 1
  X0 <- X; X0[, "female"] <- 0
  ame_of <- function(b) mean(plogis(X1 %*% b) - plogis(X0 %*% b))
  b <- coef(fit)
  grad <- sapply(seq_along(b), function(j) {
    e <- rep(0, length(b)); e[j] <- h
    (ame_of(b + e) - ame_of(b - e)) / (2 * h)
  })
  se <- sqrt(as.numeric(t(grad) %*% vcov(fit) %*% grad))
  list(ame = ame_of(b), se = se, n = nrow(X))
}

comparison_rows <- list()
for (ind in indicators) {
  a <- d[[ind]][!is.na(d$gender) & d$gender == "woman"]
  b <- d[[ind]][!is.na(d$gender) & d$gender == "man"]
  n_a <- sum(!is.na(a)); x_a <- sum(a, na.rm = TRUE)
  n_b <- sum(!is.na(b)); x_b <- sum(b, na.rm = TRUE)
  m <- matrix(c(x_a, n_a - x_a, x_b, n_b - x_b), nrow = 2, byrow = TRUE)
  ch <- suppressWarnings(chisq.test(m, correct = FALSE))
  fi <- fisher.test(m)
  p1 <- x_a / n_a; p2 <- x_b / n_b
  w1 <- wilson(x_a, n_a); w2 <- wilson(x_b, n_b)
  nc_low <- (p1 - p2) - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2)
  nc_high <- (p1 - p2) + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)
  expected <- outer(rowSums(m), colSums(m)) / sum(m)

  sub <- d[!is.na(d$gender) & d$gender %in% c("woman", "man"), ]
  sub$female <- as.numeric(sub$gender == "woman")
  sub$y <- as.numeric(sub[[ind]])
  sub <- sub[complete.cases(sub[, c("y", "female", "age", "education_level", "years_in_sweden")]), ]
  warned <- FALSE
  fit <- withCallingHandlers(
    glm(y ~ female + age + education_level + years_in_sweden, family = binomial, data = sub),
    warning = function(w) { warned <<- TRUE; invokeRestart("muffleWarning") }
  )
  am <- ame_delta(fit, sub)
  comparison_rows[[length(comparison_rows) + 1]] <- list(
    indicator = ind, n_a = n_a, x_a = x_a, n_b = n_b, x_b = x_b,
    difference = p1 - p2, newcombe_low = nc_low, newcombe_high = nc_high,
    p_fisher = fi$p.value, p_chisq = as.numeric(ch$p.value),
    chisq = as.numeric(ch$statistic), min_expected = min(expected),
    glm_converged = fit$converged && !warned,
    ame = am$ame, ame_se = am$se, ame_n = am$n,
    coef_female = as.numeric(coef(fit)["female"]),
    se_female = as.numeric(sqrt(diag(vcov(fit)))["female"])
  )
}

# small-cell 2x2 tables (Fisher matters here)
small_tables <- list(c(3, 4, 1, 6), c(1, 5, 4, 6), c(0, 5, 5, 5), c(7, 10, 2, 10))
small_rows <- lapply(small_tables, function(v) {
  # v = x_a, n_a, x_b, n_b
  m <- matrix(c(v[1], v[2] - v[1], v[3], v[4] - v[3]), nrow = 2, byrow = TRUE)
  ch <- suppressWarnings(chisq.test(m, correct = FALSE))
  list(x_a = v[1], n_a = v[2], x_b = v[3], n_b = v[4], p_fisher = fisher.test(m)$p.value,
       p_chisq = as.numeric(ch$p.value), chisq = as.numeric(ch$statistic))
})

# ---- 4. Targets: binomial tests ---------------------------------------------------------------
targets <- list(job_or_steps = 0.90, expanded_network = 0.80, got_job = 0.25)
target_rows <- lapply(names(targets), function(ind) {
  y <- d[[ind]]; n <- sum(!is.na(y)); x <- sum(y, na.rm = TRUE)
  ci <- wilson(x, n)
  list(indicator = ind, target = targets[[ind]], n = n, numerator = x, low = ci[1], high = ci[2],
       p_two_sided = binom.test(x, n, targets[[ind]])$p.value,
       p_below = binom.test(x, n, targets[[ind]], alternative = "less")$p.value)
})

# ---- 5. Response, attribution, trajectories (counts and Wilson CIs) --------------------------
waves <- c("b", "f1", "f2", "r")
response_rows <- lapply(waves, function(w) {
  here_w <- d[[paste0("responded_", w)]]
  others <- Reduce(`|`, lapply(setdiff(waves, w), function(o) d[[paste0("responded_", o)]]))
  k <- sum(here_w)
  ci <- wilson(k, nrow(d))
  list(wave = w, participants = nrow(d), respondents = k, linked = sum(here_w & others),
       with_baseline = if (w == "b") k else sum(here_w & d$responded_b),
       rr_low = ci[1], rr_high = ci[2])
})

attribution_rows <- lapply(
  list(c("got_job", "r_contributed_job"), c("got_internship", "r_contributed_internship"),
       c("started_relevant_education", "r_contributed_education")),
  function(p) {
    has <- !is.na(d[[p[1]]]) & d[[p[1]]]
    ans <- d[[p[2]]][has]
    k <- sum(!is.na(ans))
    out <- list(outcome = p[1], n_outcome = sum(has), n_answered = k)
    for (a in c("yes", "no", "dont_know")) {
      x <- sum(ans == a, na.rm = TRUE); ci <- wilson(x, k)
      out[[a]] <- x; out[[paste0("low_", a)]] <- ci[1]; out[[paste0("high_", a)]] <- ci[2]
    }
    if (p[1] == "got_job") {
      rel <- d$r_job_matches_field[has]
      out$yes_relevant <- sum(!is.na(ans) & ans == "yes" & !is.na(rel) & rel)
    }
    out
  }
)

trajectory_rows <- lapply(waves, function(w) {
  resp <- d[[paste0("responded_", w)]]
  e <- d[[paste0(w, "_employment")]][resp]
  n <- sum(!is.na(e)); x <- sum(e %in% c("part_time", "full_time"))
  ci <- wilson(x, n)
  list(wave = w, n = n, numerator = x, low = ci[1], high = ci[2])
})

out <- list(
  generated_by = "tests/reference/outcomes.R",
  r_version = R.version.string,
  data = "tests/reference/outcomes_fixture.csv",
  wilson_fixed = list(source = "prop.test(x, n, conf.level, correct = FALSE)$conf.int",
                      values = wilson_fixed),
  shares = list(source = "prop.test(x, n, correct = FALSE)$conf.int per indicator and group",
                values = share_rows),
  comparison = list(
    source = paste(
      "women - man: Newcombe hybrid score from prop.test limits; fisher.test; chisq.test(correct",
      "= FALSE); glm(binomial) AME with numerical-derivative delta-method SE"),
    values = comparison_rows),
  small_tables = list(source = "fisher.test(m)$p.value; chisq.test(m, correct = FALSE)",
                      values = small_rows),
  targets = list(source = "binom.test(x, n, p) and binom.test(..., alternative = 'less')",
                 values = target_rows),
  response = list(source = "sum() of responded_* columns; prop.test Wilson CI",
                  values = response_rows),
  attribution = list(source = "table of r_contributed_* among outcome = TRUE; prop.test Wilson CI",
                     values = attribution_rows),
  trajectories = list(source = "employment in {part_time, full_time} among wave respondents",
                      values = trajectory_rows),
  newcombe_published = list(
    source = "Newcombe (1998) Stat Med 17:873-890, Table II, method 10 (score, no CC)",
    values = list(
      list(x_a = 56, n_a = 70, x_b = 48, n_b = 80, low = 0.0524, high = 0.3339),
      list(x_a = 9, n_a = 10, x_b = 3, n_b = 10, low = 0.1705, high = 0.8090),
      list(x_a = 6, n_a = 7, x_b = 2, n_b = 7, low = 0.0582, high = 0.8062),
      list(x_a = 5, n_a = 56, x_b = 0, n_b = 29, low = -0.0381, high = 0.1926),
      list(x_a = 0, n_a = 10, x_b = 0, n_b = 20, low = -0.1611, high = 0.2775),
      list(x_a = 0, n_a = 10, x_b = 0, n_b = 10, low = -0.2775, high = 0.2775),
      list(x_a = 10, n_a = 10, x_b = 0, n_b = 20, low = 0.6791, high = 1.0000),
      list(x_a = 10, n_a = 10, x_b = 0, n_b = 10, low = 0.6075, high = 1.0000)
    )
  )
)
write_json(out, file.path(here, "outcomes_values.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE, na = "null")
cat("wrote", file.path(here, "outcomes_values.json"), "\n")
