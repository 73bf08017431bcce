"""Health statistics without scipy: Wilson and Poisson intervals, funnel limits, change and trend."""

from klyngedesk.core.stats.change import change_arrays, change_sentence, trend_arrays
from klyngedesk.core.stats.funnel import FLAGS, FunnelResult, funnel, funnel_flags
from klyngedesk.core.stats.intervals import (
    poisson_byar,
    poisson_ci,
    poisson_exact,
    proportion_ratio_ci,
    rate_ratio_ci,
    wilson,
)
from klyngedesk.core.stats.special import gamma_ppf, z_value

__all__ = ["FLAGS", "FunnelResult", "change_arrays", "change_sentence", "funnel", "funnel_flags", "gamma_ppf",
           "poisson_byar", "poisson_ci", "poisson_exact", "proportion_ratio_ci", "rate_ratio_ci", "trend_arrays",
           "wilson", "z_value"]
