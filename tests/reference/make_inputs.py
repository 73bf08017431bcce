"""Writes the inputs that funnelplotr_reference.R turns into expected numbers (run once, from the repo root).

    .venv/bin/python tests/reference/make_inputs.py      # -> worked_datasets.csv, demo_inputs.csv
    Rscript tests/reference/funnelplotr_reference.R PATH/TO/FunnelPlotR/R   # -> funnelplotr_expected.csv

worked_datasets.csv: four fixed data sets drawn once from the seeded generator below (proportions with and
without extra-binomial variation, rates with and without extra-Poisson variation; one proportion set has a clinic
far below the rest, one rate set has a clinic with zero events). demo_inputs.csv: every funnel indicator of the demo cluster (default build_demo), each
period, numerator and denominator per clinic as collate sees them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


def worked_datasets(seed: int = 20261201) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []

    def add(name: str, kind: str, num, den) -> None:
        frames.append(pd.DataFrame({"dataset": name, "kind": kind, "unit": [f"U{i + 1:02d}" for i in range(len(num))],
                                    "numerator": np.asarray(num, dtype=int), "denominator": np.asarray(den, dtype=int)}))

    n = rng.integers(60, 1500, 24)
    logit = np.log(0.7 / 0.3) + rng.normal(0, 0.45, n.size)
    logit[4] = np.log(0.3 / 0.7)  # one clinic far below the rest
    add("pr_overdispersed", "proportion", rng.binomial(n, 1 / (1 + np.exp(-logit))), n)
    n = rng.integers(40, 900, 18)
    add("pr_binomial", "proportion", rng.binomial(n, 0.32), n)
    lists = rng.integers(1200, 9500, 22)
    add("sr_overdispersed", "rate", rng.poisson(lists * 0.19 * rng.gamma(12, 1 / 12, lists.size)), lists)
    lists = rng.integers(1500, 9000, 16)
    counts = rng.poisson(lists * 0.004)
    counts[3] = 0
    add("sr_poisson", "rate", counts, lists)
    return pd.concat(frames, ignore_index=True)


def demo_inputs() -> pd.DataFrame:
    from klyngedesk.core.collate.inputs import indicator_inputs
    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = build_demo(Path(tmp) / "demo.klynge")
        with Project.open(path, readonly=True) as project:
            for topic in project.topics():
                units = {i.key: i for i in topic.indicators}
                for period in project.periods():
                    frame = indicator_inputs(project, topic.key, period.key)
                    for _, r in frame.iterrows():
                        ind = units[r["indicator"]]
                        if ind.unit == "count" or ind.denominator_kind == "none":
                            continue
                        if not (np.isfinite(r["numerator"]) and np.isfinite(r["denominator"]) and r["denominator"] > 0):
                            continue
                        rows.append({"dataset": f"demo:{period.key}:{ind.key}",
                                     "kind": "proportion" if ind.unit == "percent" else "rate",
                                     "unit": r["clinic"], "numerator": int(r["numerator"]),
                                     "denominator": int(r["denominator"])})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    worked_datasets().to_csv(HERE / "worked_datasets.csv", index=False)
    demo_inputs().to_csv(HERE / "demo_inputs.csv", index=False)
