# Expected interval numbers from PHEindicatormethods' own code, for tests/test_stats_phe_reference.py.
#
# Usage (from the repository root):
#   Rscript tests/reference/phe_reference.R PATH/TO/PHEindicatormethods/R
# where PATH/TO/PHEindicatormethods is a checkout of https://github.com/ukhsa-collaboration/PHEindicatormethods
# (used here: version 2.1.0, commit 093fd288d8f8949dbcfbed70049dbbf385b6141d, 13 Dec 2024).
# Needs base R (Debian: r-base-core, R 4.2.2 here) and dplyr (r-cran-dplyr). The package's DESCRIPTION asks
# for R >= 4.3 and packages Debian does not have, so instead of installing it this sources its files
# R/utils.R (wilson_lower/upper, byars_lower/upper), R/Proportions.R (phe_proportion) and R/Rates.R (phe_rate)
# unmodified and calls the exported functions with their defaults, except that both confidence levels are
# asked for at once (confidence = c(0.95, 0.998), the one pair the package allows) and the multiplier is
# the one KlyngeDesk prints (100 for shares, 1000 for rates per 1000 patients).
#
# Besides PHEindicatormethods' own columns the output has the exact (Garwood) Poisson interval for every
# count from base R's qchisq, which is the formula phe_rate uses below 10 events, at every count:
# KlyngeDesk prints the exact interval at every count (docs/statistics.md says why).
#
# Inputs: tests/reference/phe_edge_inputs.csv (make_phe_inputs.py: 0 of n, n of n, 0/1/9/10 events,
# denominators of 1 and of 10^9) and demo_inputs.csv (make_inputs.py: the demo cluster's funnel indicators).
# Output: tests/reference/phe_expected.csv, one row per input row, numbers with 17 significant digits, and
# phe_pooled_expected.csv, one row per demo data set (the cluster as a whole, pooled by PHEindicatormethods).

suppressPackageStartupMessages(library(dplyr))
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args) >= 1) args[1] else "PHEindicatormethods/R"
for (f in c("utils.R", "Proportions.R", "Rates.R")) source(file.path(src, f))

here <- "tests/reference"
inputs <- rbind(read.csv(file.path(here, "phe_edge_inputs.csv")), read.csv(file.path(here, "demo_inputs.csv")))
inputs$numerator <- as.numeric(inputs$numerator)
inputs$denominator <- as.numeric(inputs$denominator)

props <- inputs[inputs$kind == "proportion", ]
p <- phe_proportion(props, numerator, denominator, confidence = c(0.95, 0.998), multiplier = 100)
p$method <- "Wilson"

rates <- inputs[inputs$kind == "rate", ]
r <- phe_rate(rates, numerator, denominator, confidence = c(0.95, 0.998), multiplier = 1000)

exact <- function(x, n, conf, side) {
  a <- 1 - conf
  if (side == "low") qchisq(a / 2, 2 * x) / 2 / n * 1000 else qchisq(1 - a / 2, 2 * x + 2) / 2 / n * 1000
}
keep <- c("dataset", "kind", "unit", "numerator", "denominator", "value", "lower95_0cl", "upper95_0cl",
          "lower99_8cl", "upper99_8cl", "method")
out <- rbind(as.data.frame(p)[, keep], as.data.frame(r)[, keep])
na <- rep(NA_real_, nrow(p))
out$exact_lower95_0cl <- c(na, exact(r$numerator, r$denominator, 0.95, "low"))
out$exact_upper95_0cl <- c(na, exact(r$numerator, r$denominator, 0.95, "high"))
out$exact_lower99_8cl <- c(na, exact(r$numerator, r$denominator, 0.998, "low"))
out$exact_upper99_8cl <- c(na, exact(r$numerator, r$denominator, 0.998, "high"))
for (col in names(out)) if (is.double(out[[col]])) out[[col]] <- sprintf("%.17g", out[[col]])
write.csv(out, file.path(here, "phe_expected.csv"), row.names = FALSE)
cat("wrote", nrow(out), "rows to", file.path(here, "phe_expected.csv"), "\n")

# The cluster as a whole: each demo data set grouped, as phe_proportion / phe_rate sum a grouped data frame's
# numerators and denominators themselves (their own pooling, not ours).
demo <- inputs[startsWith(inputs$dataset, "demo:"), ]
gp <- phe_proportion(group_by(demo[demo$kind == "proportion", ], dataset, kind), numerator, denominator,
                     confidence = c(0.95, 0.998), multiplier = 100)
gr <- phe_rate(group_by(demo[demo$kind == "rate", ], dataset, kind), numerator, denominator,
               confidence = c(0.95, 0.998), multiplier = 1000)
pooled <- rbind(as.data.frame(gp)[, c("dataset", "kind", "numerator", "denominator", "value", "lower95_0cl",
                                      "upper95_0cl", "lower99_8cl", "upper99_8cl")],
                as.data.frame(gr)[, c("dataset", "kind", "numerator", "denominator", "value", "lower95_0cl",
                                      "upper95_0cl", "lower99_8cl", "upper99_8cl")])
for (col in names(pooled)) if (is.double(pooled[[col]])) pooled[[col]] <- sprintf("%.17g", pooled[[col]])
write.csv(pooled, file.path(here, "phe_pooled_expected.csv"), row.names = FALSE)
cat("wrote", nrow(pooled), "rows to", file.path(here, "phe_pooled_expected.csv"), "\n")
