"""Writes phe_edge_inputs.csv, the edge cases phe_reference.R turns into PHEindicatormethods' numbers (run once).

    .venv/bin/python tests/reference/make_phe_inputs.py          # -> phe_edge_inputs.csv
    Rscript tests/reference/phe_reference.R PATH/TO/PHEindicatormethods/R   # -> phe_expected.csv

The cases are the edges where an interval formula can break or where a method changes: 0 of n and n of n,
0, 1 and 9/10 events (PHEindicatormethods switches from exact to Byar's at 10), denominators of 1, and huge
denominators (10^9, and a count of millions). phe_reference.R also runs the demo cluster's inputs
(demo_inputs.csv, written by make_inputs.py), so the numbers the pack prints are covered too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

PROPORTIONS = [(0, 1), (1, 1), (0, 2), (1, 2), (2, 2), (0, 10), (1, 10), (9, 10), (10, 10), (0, 40), (40, 40),
               (3, 40), (0, 1000), (1, 1000), (500, 1000), (999, 1000), (1000, 1000), (0, 10**6), (1, 10**6),
               (123456, 10**6), (10**6, 10**6), (0, 10**9), (1, 10**9), (12345678, 987654321),
               (987654320, 987654321), (10**9, 10**9)]
RATES = [*((x, 3032) for x in range(0, 13)), (0, 1), (1, 1), (5, 1), (9, 1), (10, 1), (15, 4209), (25, 3835),
         (99, 9143), (100, 9143), (999, 20000), (1000, 20000), (1001, 20000), (2500, 60000), (10000, 10**6),
         (123456, 5_900_000), (0, 10**9), (1, 10**9), (10, 10**9), (10**6, 10**9), (10**7, 10**9)]


def edge_inputs() -> pd.DataFrame:
    rows = [{"dataset": "edge", "kind": "proportion", "unit": f"P{i + 1:02d}", "numerator": x, "denominator": n}
            for i, (x, n) in enumerate(PROPORTIONS)]
    rows += [{"dataset": "edge", "kind": "rate", "unit": f"R{i + 1:02d}", "numerator": x, "denominator": n}
             for i, (x, n) in enumerate(RATES)]
    return pd.DataFrame(rows)


if __name__ == "__main__":
    edge_inputs().to_csv(HERE / "phe_edge_inputs.csv", index=False)
