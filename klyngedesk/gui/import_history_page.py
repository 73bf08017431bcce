"""The import-history tab: every batch with its file, time, mapping and values; undo one whole batch."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.commands import UndoBatch
from klyngedesk.core.formatting import format_date_time
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.read_only import writes
from klyngedesk.gui.undo import push_or_explain
from klyngedesk.i18n import tr

COLUMNS = ("Batch", "File", "Imported", "Mapping", "Values", "Status", "Source")


_SOURCE_LABELS = {"format": "format", "sheet": "sheet", "header_row": "header row", "encoding": "encoding",
                  "topic": "topic", "period": "period"}
# Built-in layouts the importer names a batch after when no saved profile was used.
_LAYOUT_LABELS = {"standard": "KlyngeDesk standard format", "long": "long table", "wide": "one row per clinic",
                  "single": "one clinic's own export", "demo": "demo data", "correction": "correction"}


def _source_text(details: dict, lang: str) -> str:
    return ", ".join(f"{tr(label, lang)}: {details[k]}" for k, label in _SOURCE_LABELS.items()
                     if details.get(k) not in (None, ""))


def _mapping_text(mapping: str | None, lang: str) -> str:
    """A saved profile keeps its own name; a built-in layout is described in words."""
    return tr(_LAYOUT_LABELS[mapping], lang) if mapping in _LAYOUT_LABELS else (mapping or "")


class ImportHistoryPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self.undo_stack = None  # set by the main window
        self.import_button = QPushButton(tr("Import files…", lang))
        self.import_button.setObjectName("import_files_button")
        self.undo_button = QPushButton(tr("Undo this import", lang))
        self.undo_button.setObjectName("undo_import_button")
        self.undo_button.setEnabled(False)
        writes(self.import_button, self.undo_button)
        self.undo_button.clicked.connect(self.undo_selected)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("batches_table")
        self.table.setAccessibleName(tr("Imports", lang))
        self.table.setHorizontalHeaderLabels([tr(c, lang) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        hint = QLabel(tr("Drop the clinics' files anywhere on this window, or press Import files.", lang))
        hint.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def load(self, project: Project) -> None:
        batches = [b for b in project.batches() if b.mapping != "correction"]
        self.table.setRowCount(len(batches))
        for row, b in enumerate(reversed(batches)):
            status = tr("undone", self._lang) if b.status == "undone" else tr("active", self._lang)
            cells = (str(b.id), b.file_name, format_date_time(b.imported_at, self._lang, short=True),
                     _mapping_text(b.mapping, self._lang), str(b.values), status, _source_text(b.details, self._lang))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (b.id, b.status))
                self.table.setItem(row, col, item)
        self._selection_changed()

    def select_batch(self, batch_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)[0] == batch_id:
                self.table.selectRow(row)
                return

    def _selected(self) -> tuple[int, str] | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _selection_changed(self) -> None:
        chosen = self._selected()
        self.undo_button.setEnabled(bool(chosen) and chosen[1] == "committed")

    def undo_selected(self) -> None:
        chosen = self._selected()
        if not chosen:
            return
        names = {b.id: b.file_name for b in self.ctx.holder.project.batches()} if self.ctx.holder.project else {}
        text = tr("removal of the import of {file}", self._lang, file=names.get(chosen[0], ""))
        push_or_explain(self.undo_stack, UndoBatch(chosen[0]), self.ctx.holder, self._lang, self, text)
