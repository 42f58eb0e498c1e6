# Reference values for impact.analysis.matching, computed with MatchIt, sandwich and base R.
# Run from the repository root:  Rscript tests/reference/matching.R
# Reads tests/reference/matching_persons.csv and matching_months.csv,
# writes tests/reference/matching_values.json.
suppressPackageStartupMessages({
  library(MatchIt)
  library(sandwich)
  library(jsonlite)
})
here <- "tests/reference"
p <- read.csv(file.path(here, "matching_persons.csv"), stringsAsFactors = FALSE,
              colClasses = c(person_id = "character", county = "character"))
mo <- read.csv(file.path(here, "matching_months.csv"), stringsAsFactors = FALSE,
               colClasses = c(person_id = "character"))
p$treat <- as.integer(p$group == "intervention")
p$employed_at_start <- as.logical(p$employed_at_start)
rownames(p) <- p$person_id

balance <- function(m) {
  s <- summary(m, un = TRUE)
  list(term = rownames(s$sum.all), smd_before = unname(s$sum.all[, "Std. Mean Diff."]),
       var_ratio_before = unname(s$sum.all[, "Var. Ratio"]),
       smd_after = unname(s$sum.matched[, "Std. Mean Diff."]),
       var_ratio_after = unname(s$sum.matched[, "Var. Ratio"]))
}
fit_values <- function(m) {
  list(person_id = names(m$weights), weights = unname(m$weights),
       subclass = if (is.null(m$subclass)) NULL else unname(as.integer(m$subclass)),
       n_matched_treated = sum(m$weights[m$treat == 1] > 0),
       n_matched_control = sum(m$weights[m$treat == 0] > 0))
}
out <- list()
f_exact <- treat ~ sex + county + education_level + employed_at_start
m <- matchit(f_exact, data = p, method = "exact")
out$exact <- c(fit_values(m), list(balance = balance(m)))

# CEM: birth year in 5 equal-width bins over the pooled range, education uncoarsened (0)
m <- matchit(treat ~ sex + employed_at_start + birth_year + education_level, data = p,
             method = "cem", cutpoints = list(birth_year = 5, education_level = 0))
out$cem_bins <- fit_values(m)
m <- matchit(treat ~ sex + employed_at_start + birth_year + education_level, data = p,
             method = "cem", cutpoints = list(birth_year = c(1970, 1980, 1990), education_level = 0))
out$cem_cuts <- fit_values(m)
m <- matchit(treat ~ sex + employed_at_start + birth_year + education_level, data = p,
             method = "cem", cutpoints = list(birth_year = "sturges", education_level = 0))
out$cem_sturges <- fit_values(m)

# Nearest neighbour. MatchIt 4.5.1's matcher for a distance *vector* compares |differences|
# with C's integer abs() (0.3 and 0.51 are equally far from 0.5 there), so it is not used as a
# reference; its Mahalanobis matcher computes distances correctly. With one variable the
# Mahalanobis distance orders pairs as |difference in score|, so matching on the score is
# checked with distance = "mahalanobis" on `score`, the data sorted by decreasing score
# (MatchIt then matches in data order = largest score first, as for a propensity score).
ps <- p[order(-p$score), ]
for (r in c(1, 3)) {
  m <- matchit(treat ~ score, data = ps, method = "nearest", distance = "mahalanobis", ratio = r)
  out[[paste0("nearest_score_", r)]] <- fit_values(m)
}
m <- matchit(treat ~ score, data = ps, method = "nearest", distance = "mahalanobis", ratio = 2,
             replace = TRUE)
out$nearest_score_replace <- fit_values(m)
m <- matchit(treat ~ score, data = ps, method = "nearest", distance = "mahalanobis", ratio = 3,
             exact = ~sex)
out$nearest_score_exact <- fit_values(m)
m <- matchit(treat ~ score, data = ps, method = "nearest", distance = "mahalanobis", ratio = 3,
             caliper = c(score = 0.05), exact = ~sex)
out$nearest_score_caliper_exact <- fit_values(m)
# Mahalanobis distance on two continuous variables (data order), k = 1 and 3
for (r in c(1, 3)) {
  m <- matchit(treat ~ x + score, data = p, method = "nearest", distance = "mahalanobis",
               ratio = r)
  out[[paste0("mahalanobis_", r)]] <- fit_values(m)
}

# propensity score by logistic regression (MatchIt distance = "glm")
f_ps <- treat ~ x + sex + county + birth_year + employed_at_start
m <- matchit(f_ps, data = p, method = "nearest", distance = "glm", ratio = 3)
out$propensity <- list(person_id = p$person_id, distance = unname(m$distance))
# balance after Mahalanobis 3:1 matching on x and score (continuous and binary terms)
m <- matchit(treat ~ x + score, data = p, method = "nearest", distance = "mahalanobis", ratio = 3)
s <- summary(m, un = TRUE, addlvariables = ~ sex + county + birth_year + employed_at_start,
             data = p)
out$mahalanobis_balance <- list(term = rownames(s$sum.all),
  smd_before = unname(s$sum.all[, "Std. Mean Diff."]),
  var_ratio_before = unname(s$sum.all[, "Var. Ratio"]),
  smd_after = unname(s$sum.matched[, "Std. Mean Diff."]),
  var_ratio_after = unname(s$sum.matched[, "Var. Ratio"]))

# outcomes with the exact-matching weights (zero weights dropped)
m <- matchit(f_exact, data = p, method = "exact")
w <- data.frame(person_id = p$person_id, weight = m$weights, treat = p$treat)
w <- w[w$weight > 0, ]
panel <- merge(mo, w, by = "person_id")
panel$y <- as.numeric(as.logical(panel$employed))
end <- panel[panel$month == 6, ]
end <- merge(end, p[, c("person_id", "sex", "county", "education_level", "employed_at_start")],
             by = "person_id")
g <- lm(y ~ treat, data = end, weights = weight)
ga <- lm(y ~ treat + sex + county + education_level + employed_at_start, data = end,
         weights = weight)
panel$month_f <- factor(panel$month)
panel$post <- as.integer(panel$month > 0)
gd <- lm(y ~ 0 + treat + month_f + treat:post, data = panel, weights = weight)
months <- sort(unique(panel$month))
for (mm in setdiff(months, 0)) panel[[paste0("tm", mm + 10)]] <- panel$treat * (panel$month == mm)
ev_terms <- paste0("tm", setdiff(months, 0) + 10)
ge <- lm(as.formula(paste("y ~ 0 + treat + month_f +", paste(ev_terms, collapse = " + "))),
         data = panel, weights = weight)
vd <- vcovCL(gd, cluster = ~person_id, type = "HC1")
ve <- vcovCL(ge, cluster = ~person_id, type = "HC1")
rates <- aggregate(cbind(yw = y * weight, w = weight) ~ treat + month, data = panel, FUN = sum)
out$outcomes <- list(
  end_difference = list(estimate = unname(coef(g)["treat"]),
                        std_error = unname(sqrt(vcovHC(g, type = "HC1")["treat", "treat"]))),
  adjusted = list(estimate = unname(coef(ga)["treat"]),
                  std_error = unname(sqrt(vcovHC(ga, type = "HC1")["treat", "treat"]))),
  did = list(estimate = unname(coef(gd)["treat:post"]),
             std_error = unname(sqrt(vd["treat:post", "treat:post"]))),
  event_study = list(month = setdiff(months, 0), estimate = unname(coef(ge)[ev_terms]),
                     std_error = unname(sqrt(diag(ve)[ev_terms]))),
  rates = list(treat = rates$treat, month = rates$month, rate = rates$yw / rates$w))
write_json(out, file.path(here, "matching_values.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE, null = "null")
cat("wrote", file.path(here, "matching_values.json"), "\n")
