"""Table model: clinic x indicator values for one topic and period, in Danish number format.

The data are fetched once per topic and period and held as arrays (one column per indicator); a cell's text
and tooltip are made when the view asks for them, so a 1,700-clinic round costs what the screen shows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from klyngedesk.core.formatting import format_number, format_percent
from klyngedesk.core.model import Indicator
from klyngedesk.i18n import tr

Index = QModelIndex | QPersistentModelIndex
Tooltip = Callable[[str, Indicator], str]
_DECIMALS = {"per1000": 1, "percent": 1, "per_patient": 2, "count": 0}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def format_indicator_value(value: float | None, unit: str, lang: str) -> str:
    if unit == "percent":
        return format_percent(value, 1, lang)
    return format_number(value, _DECIMALS.get(unit, 1), lang)


class IndicatorTableModel(QAbstractTableModel):
    """Rows: clinics; columns: the topic's indicators. Sorting uses the raw number (UserRole).
    `tooltip(clinic, indicator)` (set by the page) says where a cell's value came from."""

    def __init__(self, lang: str = "da") -> None:
        super().__init__()
        self._lang = lang
        self._indicators: list[Indicator] = []
        self._clinic_names: list[str] = []
        self._clinic_tooltips: list[str] = []
        self.clinic_keys: list[str] = []
        self.tooltip: Tooltip | None = None
        self._value = np.empty((0, 0))
        self._numerator = np.empty((0, 0))
        self._denominator = np.empty((0, 0))
        self._suppressed = np.empty((0, 0), dtype=bool)
        self._texts: dict[tuple[int, int], str] = {}

    def set_data(self, clinic_names: dict[str, str], indicators: list[Indicator], inputs: pd.DataFrame,
                 full_names: dict[str, str] | None = None) -> None:
        """`inputs` is core.collate.inputs.indicator_inputs(...) for one topic and period; `clinic_names` the
        names the rows show (short names), `full_names` the whole names for the row headers' tooltips."""
        self.beginResetModel()
        self._indicators = list(indicators)
        self.clinic_keys = list(clinic_names)
        self._clinic_names = list(clinic_names.values())
        self._clinic_tooltips = [(full_names or {}).get(k, n) for k, n in clinic_names.items()]
        self._texts = {}
        shape = (len(self.clinic_keys), len(self._indicators))
        self._value, self._numerator, self._denominator = (np.full(shape, np.nan) for _ in range(3))
        self._suppressed = np.zeros(shape, dtype=bool)
        if not inputs.empty and shape[0] and shape[1]:
            rows = pd.Index(self.clinic_keys).get_indexer(inputs["clinic"])
            cols = pd.Index([i.key for i in self._indicators]).get_indexer(inputs["indicator"])
            ok = (rows >= 0) & (cols >= 0)
            r, c = rows[ok], cols[ok]
            for target, field in ((self._value, "value"), (self._numerator, "numerator"),
                                  (self._denominator, "denominator")):
                target[r, c] = pd.to_numeric(inputs[field], errors="coerce").to_numpy(float)[ok]
            self._suppressed[r, c] = (inputs["num_status"] == "suppressed").to_numpy()[ok]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._clinic_names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._indicators)

    def value(self, row: int, col: int) -> float | None:
        value = float(self._value[row, col])
        return None if np.isnan(value) else value

    def text(self, row: int, col: int) -> str:
        """The cell's shown text, made once when first asked for."""
        key = (row, col)
        if key not in self._texts:
            value = self.value(row, col)
            if value is None:
                self._texts[key] = tr("suppressed", self._lang) if self._suppressed[row, col] else "–"
            else:
                self._texts[key] = format_indicator_value(value, self._indicators[col].unit, self._lang)
        return self._texts[key]

    def widest_text(self, col: int) -> str:
        """The longest text the column can show (for its width), without formatting every cell."""
        values = self._value[:, col]
        values = values[~np.isnan(values)]
        candidates = ["–", tr("suppressed", self._lang) if self._suppressed[:, col].any() else "–"]
        if len(values):
            unit = self._indicators[col].unit
            candidates += [format_indicator_value(float(v), unit, self._lang) for v in (values.max(), values.min())]
        return max(candidates, key=len)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return self.value(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            ind = self._indicators[col]
            if self.tooltip is not None:
                text = self.tooltip(self.clinic_keys[row], ind)
                if text:
                    return text
            num, den = self._numerator[row, col], self._denominator[row, col]
            return tr("{numerator} of {denominator}", self._lang,
                      numerator=format_number(num, 0, self._lang), denominator=format_number(den, 0, self._lang))
        return None

    def indicator(self, col: int) -> Indicator:
        return self._indicators[col]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            ind = self._indicators[section]
            return ind.title if role == Qt.ItemDataRole.ToolTipRole else _short(ind.title)
        return self._clinic_tooltips[section] if role == Qt.ItemDataRole.ToolTipRole else self._clinic_names[section]


def _short(title: str, width: int = 28) -> str:
    """Wrap a long indicator title onto two lines for the header."""
    if len(title) <= width:
        return title
    cut = title.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    return title[:cut] + "\n" + title[cut + 1:]
