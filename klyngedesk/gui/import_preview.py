"""One file in the import wizard: what was recognised, a preview grid with detected types, problems that jump."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.ingest.importer import FilePlan
from klyngedesk.core.ingest.inspect import cell_json
from klyngedesk.core.ingest.mapping import NAME, PERIOD, YDER, current_roles, spec_from_roles, suggest_roles
from klyngedesk.core.ingest.tables import Table, fold
from klyngedesk.gui.display_names import DisplayNames, window_text
from klyngedesk.i18n import tr

__all__ = ["FilePreview", "current_roles", "spec_from_roles", "suggest_roles"]  # the roles live in the core

PREVIEW_ROWS = 60
ROLE_WORDS = {YDER: "yder number", NAME: "clinic name", "@measure": "measure", "@value": "value", PERIOD: "period"}
TYPE_WORDS = {"number": "number", "percent": "percent", "date": "date", "text": "text", "empty": "empty"}
STATUS_WORDS = {"ready": "ready to import", "duplicate": "imported before - skipped", "refused": "refused",
                "failed": "cannot be imported yet", "questions": "needs your answer"}
STATUS_MARKS = {"ready": "✓", "duplicate": "=", "refused": "✗", "failed": "!", "questions": "?"}


def _column_index(table: Table, column: str | None) -> int:
    """The grid column a problem names: its heading as in the file, as provenance writes it ('vaerdi (E)': the
    heading and the sheet letter), or spelled without æøå ('vaerdi' for 'værdi'); -1 when it is none of them."""
    if not column:
        return -1
    if column in table.columns:
        return table.columns.index(column)
    head, _, letter = column.rpartition(" (")
    if head and letter.endswith(")") and letter[:-1] in table.letters:
        k = table.letters.index(letter[:-1])
        if fold(table.columns[k]) == fold(head):
            return k
    else:
        head = column
    folded = [fold(c) for c in table.columns]
    return folded.index(fold(head)) if fold(head) in folded else -1


def cell_text(value) -> str:
    shown = cell_json(value)
    if isinstance(shown, dict):
        return str(next(iter(shown.values())))
    if isinstance(shown, float):
        return f"{shown:g}".replace(".", ",")
    return "" if shown is None else str(shown)


def recognised_html(plan: FilePlan, lang: str, names: DisplayNames | None = None) -> str:
    names = names or DisplayNames()
    report = plan.report
    if report.refused:
        return (f"<p><b>{html.escape(plan.name)}</b>: {tr('refused', lang)}</p>"
                f"<p style='color:#B03A00'>{html.escape(window_text(plan.message(lang) or ''))}</p>"
                f"<p>{tr('Nothing from this file will be stored.', lang)}</p>")
    facts = [(tr("Format", lang), report.format), (tr("Encoding", lang), report.encoding),
             (tr("Delimiter", lang), repr(report.delimiter) if report.delimiter else None),
             (tr("Sheet", lang), report.sheet),
             (tr("Header row", lang), str(report.tables[0].header_row or tr("no header row", lang))
              if report.tables else None),
             (tr("Layout", lang), plan.mapping.layout if plan.mapping else None),
             (tr("Mapping", lang), plan.mapping.name if plan.mapping and plan.mapping.name else None),
             (tr("Values", lang), str(len(plan.values))),
             (tr("Clinics", lang), ", ".join(sorted(names.clinic(c) for c in plan.clinics)) or None)]
    rows = "".join(f"<tr><td>{k}</td><td><b>{html.escape(str(v))}</b></td></tr>" for k, v in facts if v)
    status = f"{STATUS_MARKS.get(plan.status, '')} {tr(STATUS_WORDS.get(plan.status, plan.status), lang)}"
    message = window_text(plan.message(lang) or "")
    extra = f"<p style='color:#B03A00'>{html.escape(message)}</p>" if message and plan.status != "ready" else ""
    return f"<p><b>{html.escape(plan.name)}</b> — {status}</p><table cellspacing='4'>{rows}</table>{extra}"


class FilePreview(QWidget):
    """The selected file: recognised facts, the preview grid, mapping of columns, problems."""

    mapping_edited = Signal(dict)  # file column -> measure key ("" = not imported)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self.facts = QLabel()
        self.facts.setObjectName("import_facts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.grid = QTableWidget()
        self.grid.setObjectName("import_preview")
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setObjectName("import_mapping")
        self.mapping.setHorizontalHeaderLabels([tr("Column in the file", lang), tr("Measure", lang)])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().setVisible(False)
        self.problems = QListWidget()
        self.problems.setObjectName("import_problems")
        self.problems.setAccessibleName(tr("Problems", lang))
        self.problems.setWordWrap(True)
        self.problems.itemClicked.connect(self.jump_to_problem)
        self.problems.itemActivated.connect(self.jump_to_problem)
        self.mapping_label = QLabel("<b>" + tr("Columns and measures", lang) + "</b>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.facts)
        layout.addWidget(self.grid, 2)
        layout.addWidget(self.mapping_label)
        layout.addWidget(self.mapping, 2)
        layout.addWidget(QLabel("<b>" + tr("Problems", lang) + "</b>"))
        layout.addWidget(self.problems, 1)
        self._table: Table | None = None
        self.suggested = False

    def show_plan(self, plan: FilePlan | None, topics: dict[str, dict[str, str]],
                  names: DisplayNames | None = None) -> None:
        """`topics`: topic key -> {measure key: title} of the topics the files are imported for."""
        measures = {k: t for ms in topics.values() for k, t in ms.items()}
        self.grid.clear()
        self.grid.setRowCount(0)
        self.grid.setColumnCount(0)
        self.mapping.setRowCount(0)
        self.problems.clear()
        self._table = None
        if plan is None:
            self.facts.setText("")
            return
        names = names or DisplayNames()
        self.facts.setText(recognised_html(plan, self._lang, names))
        if plan.report.tables:
            self._fill_grid(plan.report.tables[0])
        self._fill_mapping(plan, measures, topics)
        for problem in plan.problems:
            item = QListWidgetItem(("⚠ " if problem.severity == "warning" else "✗ ") + names.problem_text(problem, self._lang))
            item.setToolTip(item.text())
            item.setData(Qt.ItemDataRole.UserRole, (problem.row, problem.column))
            self.problems.addItem(item)
        if plan.report.refused:
            self.problems.addItem(QListWidgetItem("✗ " + window_text(plan.message(self._lang) or "")))

    def _fill_grid(self, table: Table) -> None:
        self._table = table
        types = table.column_types
        self.grid.setColumnCount(len(table.columns))
        self.grid.setHorizontalHeaderLabels(
            [f"{c}\n({tr(TYPE_WORDS.get(types.get(c, ''), types.get(c, '')), self._lang)})" for c in table.columns])
        rows = table.rows[:PREVIEW_ROWS]
        self.grid.setRowCount(len(rows))
        self.grid.setVerticalHeaderLabels([str(n) for n in table.row_numbers[:PREVIEW_ROWS]])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(cell_text(value))
                if isinstance(value, float):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.grid.setItem(r, c, item)

    def _fill_mapping(self, plan: FilePlan, measures: dict[str, str], topics: dict[str, dict[str, str]]) -> None:
        """Long/standard layouts are shown as recognised; wide and unrecognised ones get an editor per column."""
        mapping, table = plan.mapping, self._table
        self.mapping_label.setVisible(table is not None)
        self.mapping.setVisible(table is not None)
        if table is None:
            return
        editable = mapping is None or mapping.layout in ("wide", "single")
        roles = current_roles(mapping) if mapping is not None else suggest_roles(table, topics)
        self.mapping.blockSignals(True)
        self.mapping.setRowCount(len(table.columns))
        for row, column in enumerate(table.columns):
            self.mapping.setItem(row, 0, QTableWidgetItem(column))
            if not editable:
                word = ROLE_WORDS.get(roles.get(column, ""))
                text = tr(word, self._lang) if word else measures.get(roles.get(column, ""), "")
                self.mapping.setItem(row, 1, QTableWidgetItem(text))
                continue
            box = QComboBox()
            box.setAccessibleName(tr("Measure for the column {column}", self._lang, column=column))
            box.addItem(tr("— not imported —", self._lang), "")
            for role, word in ROLE_WORDS.items():
                if role in (YDER, NAME, PERIOD):
                    box.addItem(tr(word, self._lang), role)
            for key, title in measures.items():
                box.addItem(title, key)
            box.setCurrentIndex(max(0, box.findData(roles.get(column, ""))))
            box.currentIndexChanged.connect(self._edited)
            self.mapping.setCellWidget(row, 1, box)
        self.mapping.blockSignals(False)
        self.suggested = mapping is None and any(roles.values())

    def edited_roles(self) -> dict[str, str]:
        """File column -> role (YDER, NAME, PERIOD) or measure key, as chosen in the editor."""
        out = {}
        for row in range(self.mapping.rowCount()):
            box = self.mapping.cellWidget(row, 1)
            if isinstance(box, QComboBox) and box.currentData():
                out[self.mapping.item(row, 0).text()] = box.currentData()
        return out

    def _edited(self) -> None:
        self.mapping_edited.emit(self.edited_roles())

    def jump_to_problem(self, item: QListWidgetItem) -> None:
        """Select the cell a problem is about in the preview grid (row by sheet row, column by name)."""
        row, column = item.data(Qt.ItemDataRole.UserRole) or (None, None)
        table = self._table
        if table is None:
            return
        r = table.row_numbers.index(row) if row in table.row_numbers[:PREVIEW_ROWS] else -1
        c = _column_index(table, column)
        if r < 0 and c < 0:
            return
        self.grid.setCurrentCell(max(r, 0), max(c, 0))
        target = self.grid.item(max(r, 0), max(c, 0))
        if target is not None:
            target.setBackground(QColor("#FFE2CC"))
            self.grid.scrollToItem(target)
        self.grid.setFocus()
