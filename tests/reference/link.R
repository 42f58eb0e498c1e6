# Reference values for impact.link's standardised differences (linked vs unmatched respondents).
# Independent implementation: base R, Austin (2009) formulas
#   continuous: (mean_l - mean_u) / sqrt((var_l + var_u) / 2), sample variances (n - 1)
#   binary:     (p_l - p_u) / sqrt((p_l (1 - p_l) + p_u (1 - p_u)) / 2)
# Run from tests/reference: Rscript link.R  (writes link_values.json next to it)
age_linked <- c(25, 31, 44, 52, 38, 29, 61, 47)
age_unmatched <- c(22, 35, 27, 30, 41)
woman_linked <- c(1, 1, 0, 1, 1, 0, 1, 1)
woman_unmatched <- c(1, 0, 0, 1, 0)
smd_cont <- (mean(age_linked) - mean(age_unmatched)) /
  sqrt((var(age_linked) + var(age_unmatched)) / 2)
pl <- mean(woman_linked); pu <- mean(woman_unmatched)
smd_bin <- (pl - pu) / sqrt((pl * (1 - pl) + pu * (1 - pu)) / 2)
out <- sprintf(
  '{\n  "age_linked": [%s],\n  "age_unmatched": [%s],\n  "woman_linked": [%s],\n  "woman_unmatched": [%s],\n  "smd_age": %.15g,\n  "smd_woman": %.15g,\n  "source": "tests/reference/link.R, R %s"\n}\n',
  paste(age_linked, collapse = ", "), paste(age_unmatched, collapse = ", "),
  paste(woman_linked, collapse = ", "), paste(woman_unmatched, collapse = ", "),
  smd_cont, smd_bin, getRversion()
)
writeLines(out, "link_values.json", sep = "")
