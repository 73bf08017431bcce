"""Collation: from stored values to comparable indicator values per clinic."""

from klyngedesk.core.collate.collate import collate, collate_many
from klyngedesk.core.collate.table import (
    Change,
    ClinicRow,
    Composition,
    CompositionPart,
    Funnel,
    IndicatorResult,
    IndicatorTable,
    Reference,
    Target,
)
from klyngedesk.core.collate.trend import Trend, indicator_trends

__all__ = ["Change", "ClinicRow", "Composition", "CompositionPart", "Funnel", "IndicatorResult",
           "IndicatorTable", "Reference", "Target", "Trend", "collate", "collate_many", "indicator_trends"]
