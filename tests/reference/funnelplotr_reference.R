# Expected funnel numbers from FunnelPlotR's own code, for tests/test_funnel_reference.py.
#
# Usage (from the repository root):
#   Rscript tests/reference/funnelplotr_reference.R PATH/TO/FunnelPlotR/R
# where PATH/TO/FunnelPlotR is a checkout of https://github.com/nhs-r-community/FunnelPlotR
# (used here: version 0.6.0, commit 9020d4972873d863e10b8a16555975f0e322adfc).
# Needs base R (Debian: r-base-core) and rlang (r-cran-rlang). CRAN's FunnelPlotR needs ggplot2 >= 3.5.2,
# which Debian does not have, so instead of installing the package this sources its R files and runs its
# unmodified funnel_plot() with the drawing step replaced by a no-op (draw_plot and validate_funnel_plot
# only build and check the ggplot object; every number comes from the code above them).
#
# Defaults are FunnelPlotR's: limit = 99 (flags outside the 99.8 % limits), draw_adjusted = TRUE,
# draw_unadjusted = FALSE, sr_method = "SHMI", trim_by = 0.1, SHMI_rounding = TRUE. Proportions are run
# with data_type = "PR"; rates with data_type = "SR" on expected counts E = pooled rate x denominator
# (indirect standardisation to the cluster's own rate), numerator = observed events.
#
# Inputs: tests/reference/worked_datasets.csv and demo_inputs.csv (tests/reference/make_inputs.py).
# Output: tests/reference/funnelplotr_expected.csv, one row per unit.

suppressPackageStartupMessages(library(rlang))
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args) >= 1) args[1] else "FunnelPlotR/R"
for (f in c("aggregate_func.R", "od_adjustment.R", "calculate_limits.R", "build_limits_lookup.R",
            "outliers_func.R", "classes_methods.R", "funnel_plot.R")) {
  source(file.path(src, f))
}
draw_plot <- function(...) NULL
validate_funnel_plot <- function(funnelplot) invisible(TRUE)

here <- "tests/reference"
inputs <- rbind(read.csv(file.path(here, "worked_datasets.csv")),
                read.csv(file.path(here, "demo_inputs.csv")))

out <- list()
for (ds in unique(inputs$dataset)) {
  d <- inputs[inputs$dataset == ds, ]
  kind <- d$kind[1]
  if (kind == "proportion") {
    fp <- suppressMessages(funnel_plot(d, numerator = numerator, denominator = denominator, group = unit,
                                       data_type = "PR"))
    d$fp_denominator <- d$denominator
  } else {
    pooled <- sum(d$numerator) / sum(d$denominator)
    d$expected <- pooled * d$denominator
    fp <- suppressMessages(funnel_plot(d, numerator = numerator, denominator = expected, group = unit,
                                       data_type = "SR"))
  }
  a <- fp$aggregated_data
  adj <- isTRUE(fp$draw_adjusted)
  pick <- function(od, plain) if (adj) a[[od]] else a[[plain]]
  res <- data.frame(dataset = ds, kind = kind, unit = as.character(a$group),
                    numerator = a$numerator, fp_denominator = a$denominator, ratio = a$rr,
                    LCL95 = a$LCL95, UCL95 = a$UCL95, LCL99 = a$LCL99, UCL99 = a$UCL99,
                    OD95LCL = a$OD95LCL, OD95UCL = a$OD95UCL, OD99LCL = a$OD99LCL, OD99UCL = a$OD99UCL,
                    l95 = pick("OD95LCL", "LCL95"), u95 = pick("OD95UCL", "UCL95"),
                    l998 = pick("OD99LCL", "LCL99"), u998 = pick("OD99UCL", "UCL99"),
                    outlier = a$outlier, phi = fp$phi, tau2 = fp$tau2, draw_adjusted = adj,
                    target = if (kind == "proportion") sum(d$numerator) / sum(d$denominator) else 1)
  out[[ds]] <- res
}
result <- do.call(rbind, out)
write.csv(result, file.path(here, "funnelplotr_expected.csv"), row.names = FALSE)
cat(sprintf("%s: phi %.4f tau2 %.6f adjusted %s outliers %d\n", names(out),
            sapply(out, function(r) r$phi[1]), sapply(out, function(r) r$tau2[1]),
            sapply(out, function(r) r$draw_adjusted[1]), sapply(out, function(r) sum(r$outlier))), sep = "")
