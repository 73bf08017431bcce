"""Table model: clinic x indicator values for one topic and period, in Danish number format."""

from __future__ import annotations

import math

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from klyngedesk.core.formatting import format_number, format_percent
from klyngedesk.core.model import Indicator
from klyngedesk.i18n import tr

Index = QModelIndex | QPersistentModelIndex
_DECIMALS = {"per1000": 1, "percent": 1, "per_patient": 2, "count": 0}


def format_indicator_value(value: float | None, unit: str, lang: str) -> str:
    if unit == "percent":
        return format_percent(value, 1, lang)
    return format_number(value, _DECIMALS.get(unit, 1), lang)


class IndicatorTableModel(QAbstractTableModel):
    """Rows: clinics; columns: the topic's indicators. Sorting uses the raw number (UserRole)."""

    def __init__(self, lang: str = "da") -> None:
        super().__init__()
        self._lang = lang
        self._indicators: list[Indicator] = []
        self._clinic_names: list[str] = []
        self._clinic_tooltips: list[str] = []
        self.clinic_keys: list[str] = []
        self.tooltips: dict[tuple[int, int], str] = {}
        self._frame = pd.DataFrame()

    def set_data(self, clinic_names: dict[str, str], indicators: list[Indicator], inputs: pd.DataFrame,
                 full_names: dict[str, str] | None = None) -> None:
        """`inputs` is core.collate.inputs.indicator_inputs(...) for one topic and period; `clinic_names` the
        names the rows show (short names), `full_names` the whole names for the row headers' tooltips."""
        self.beginResetModel()
        self._indicators = list(indicators)
        self._clinic_names = list(clinic_names.values())
        self._clinic_tooltips = [(full_names or {}).get(k, n) for k, n in clinic_names.items()]
        keys = list(clinic_names)
        self.clinic_keys = keys
        self.tooltips = {}
        if inputs.empty:
            self._frame = pd.DataFrame(index=keys)
        else:
            wide = inputs.pivot(index="clinic", columns="indicator")
            self._frame = wide.reindex(keys)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._clinic_names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._indicators)

    def _cell(self, row: int, col: int, field: str):
        key = self._indicators[col].key
        try:
            return self._frame[(field, key)].iloc[row]
        except KeyError:
            return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        ind = self._indicators[col]
        value = self._cell(row, col, "value")
        value = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                status = self._cell(row, col, "num_status")
                return tr("suppressed", self._lang) if status == "suppressed" else "–"
            return format_indicator_value(value, ind.unit, self._lang)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if (row, col) in self.tooltips:
                return self.tooltips[(row, col)]
            num, den = self._cell(row, col, "numerator"), self._cell(row, col, "denominator")
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
