"""Collation: a topic's indicators for a period, with intervals, funnel limits, ranks and change."""

from __future__ import annotations

from collections.abc import Callable

from klyngedesk.core.collate.table import IndicatorTable
from klyngedesk.core.store import Project


def collate(project: Project, topic: str, period: str, compare: str | None = None, *,
            overdispersion: bool | None = None, progress: Callable[[float], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> IndicatorTable:
    """Collate every indicator of `topic` for `period` (optionally against the baseline `compare`).

    Per clinic: numerator, denominator, value in the indicator's unit, 95 % interval (Wilson score for
    percentages, exact/Byar Poisson otherwise), rank, funnel limits at 95 % and 99.8 % around the pooled
    value (with the additive overdispersion adjustment when `overdispersion` is True; None = the
    project setting "overdispersion", default False), outside-limit flag, data-quality flags, and with
    `compare` the baseline value and the change with its rate-ratio interval. For the cluster: pooled
    value with interval, median, quartiles, min/max, references, target, compositions and the change
    sentence in Danish and English. Unknown topic/period raise KlyngeError.
    """
    raise NotImplementedError  # implemented in the next commit
