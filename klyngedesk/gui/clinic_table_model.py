"""Table model adapting the project's clinics for a QTableView."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from klyngedesk.core.model import Clinic
from klyngedesk.i18n import tr

Index = QModelIndex | QPersistentModelIndex


class ClinicTableModel(QAbstractTableModel):
    """Rows: clinics. Columns: name (the short name when set, the whole name in the tooltip), yder number,
    doctors, EHR system, e-mail."""

    def __init__(self, lang: str = "da") -> None:
        super().__init__()
        self._lang = lang
        self._clinics: list[Clinic] = []

    def set_clinics(self, clinics: list[Clinic]) -> None:
        self.beginResetModel()
        self._clinics = list(clinics)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [tr(h, self._lang) for h in ("Clinic", "Yder number", "Doctors", "EHR system", "E-mail")]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._clinics)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        clinic = self._clinics[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return clinic.name
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [clinic.shown_name, clinic.yder, ", ".join(clinic.doctors), clinic.ehr_system or "",
                    clinic.email or ""][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return clinic.key
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None
