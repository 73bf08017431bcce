"""Table model adapting the project's clinics for a QTableView."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from klyngedesk.core.model import Clinic
from klyngedesk.i18n import tr

Index = QModelIndex | QPersistentModelIndex
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole})


class ClinicTableModel(QAbstractTableModel):
    """Rows: clinics. Columns: name (the short name when set, the whole name in the tooltip), yder number,
    doctors, EHR system, e-mail."""

    def __init__(self, lang: str = "da") -> None:
        super().__init__()
        self._lang = lang
        self._clinics: list[Clinic] = []
        self._texts: list[tuple[str, ...]] = []

    def set_clinics(self, clinics: list[Clinic]) -> None:
        self.beginResetModel()
        self._clinics = list(clinics)
        # Each row's texts made once: the view asks for them many times (1,700 clinics: widths, paint).
        self._texts = [(c.shown_name, c.yder, ", ".join(c.doctors), c.ehr_system or "", c.email or "")
                       for c in self._clinics]
        self.endResetModel()

    def column_texts(self, column: int) -> list[str]:
        """Every row's text in `column` (for measuring the column's width without asking the view)."""
        return [texts[column] for texts in self._texts]

    def headers(self) -> list[str]:
        return [tr(h, self._lang) for h in ("Clinic", "Yder number", "Doctors", "EHR system", "E-mail")]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._clinics)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.UserRole:
            return self._clinics[row].key
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return self._clinics[row].name
        return self._texts[row][index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None
