"""The new-cluster wizard: name and municipality, the clinics (typed or pasted), topics and rounds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from klyngedesk.core.demo import half_year_periods
from klyngedesk.core.model import Clinic, Cluster, Period
from klyngedesk.core.packages import builtin_packages, topic_from_package
from klyngedesk.core.period_names import period_label
from klyngedesk.core.store import Project
from klyngedesk.gui.clinic_dialog import check_yder
from klyngedesk.gui.error_dialog import error_text, show_error
from klyngedesk.gui.screen_fit import resize_within_screen
from klyngedesk.i18n import KlyngeError, tr

CLINIC_COLUMNS = ("Clinic", "Yder number", "Doctors", "EHR system", "Listed patients")


def half_years(today: date, count: int = 4) -> list[Period]:
    """The last `count` half-years up to the current one, oldest first (keys like 2026H1)."""
    return half_year_periods(count, (today.year, 1 if today.month <= 6 else 2))


class PasteTable(QTableWidget):
    """A table that takes rows pasted from a spreadsheet (tab-separated) with Ctrl+V."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_text(QGuiApplication.clipboard().text())
            return
        super().keyPressEvent(event)

    def paste_text(self, text: str) -> None:
        lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
        start = max(self.currentRow(), 0)
        for offset, line in enumerate(lines):
            row = start + offset
            if row >= self.rowCount():
                self.insertRow(row)
            cells = line.split("\t") if "\t" in line else [c.strip() for c in line.split(";")]
            for col, cell in enumerate(cells[: self.columnCount()]):
                self.setItem(row, col, QTableWidgetItem(cell.strip()))


class ClusterPage(QWizardPage):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.setTitle(tr("The cluster", lang))
        self.setSubTitle(tr("What the cluster is called and where its project file is kept.", lang))
        self.name = QLineEdit()
        self.name.setObjectName("cluster_name")
        self.municipality = QLineEdit()
        self.municipality.setObjectName("cluster_municipality")
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.folder = QLineEdit(docs or str(Path.home()))
        self.folder.setObjectName("cluster_folder")
        browse = QToolButton()
        browse.setText("…")
        browse.setAccessibleName(tr("Choose folder", lang))
        browse.setToolTip(tr("Choose folder", lang))
        browse.clicked.connect(lambda: self.folder.setText(
            QFileDialog.getExistingDirectory(self, tr("Choose folder", lang), self.folder.text()) or self.folder.text()))
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(tr("Cluster &name", lang), self.name)
        form.addRow(tr("&Municipality", lang), self.municipality)
        folder_label = QLabel(tr("&Folder", lang))
        folder_label.setBuddy(self.folder)  # a row holding a layout gets no buddy by itself
        form.addRow(folder_label, row)
        self.registerField("name*", self.name)
        self.name.textChanged.connect(self.completeChanged)


class ClinicsWizardPage(QWizardPage):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self.setTitle(tr("The clinics", lang))
        self.setSubTitle(tr("One clinic per row. Copy the rows from a spreadsheet and press Ctrl+V, or type them. "
                            "Doctors are separated by commas. You can add more later.", lang))
        self.table = PasteTable(8, len(CLINIC_COLUMNS))
        self.table.setObjectName("wizard_clinics")
        self.table.setHorizontalHeaderLabels([tr(c, lang) for c in CLINIC_COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._validate)
        add = QPushButton(tr("Add row", lang))
        add.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        self.problem = QLabel()
        self.problem.setObjectName("wizard_clinic_problem")
        self.problem.setStyleSheet("color: #B03A00;")
        self.problem.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problem)

    def clinics(self) -> list[Clinic]:
        out = []
        for row in range(self.table.rowCount()):
            cells = [(self.table.item(row, c).text().strip() if self.table.item(row, c) else "")
                     for c in range(len(CLINIC_COLUMNS))]
            if not any(cells):
                continue
            doctors = tuple(d.strip() for d in re.split(r"[,/]", cells[2]) if d.strip())
            out.append(Clinic(f"K{len(out) + 1:02d}", cells[0], cells[1], ehr_system=cells[3] or None,
                              doctors=doctors))
        return out

    def list_sizes(self) -> dict[str, int]:
        """Clinic key -> listed patients, where the row gives a number (used for every chosen round)."""
        sizes, n = {}, 0
        for row in range(self.table.rowCount()):
            cells = [(self.table.item(row, c).text().strip() if self.table.item(row, c) else "")
                     for c in range(len(CLINIC_COLUMNS))]
            if not any(cells):
                continue
            n += 1
            digits = re.sub(r"[.\s]", "", cells[4])
            if digits.isdigit():
                sizes[f"K{n:02d}"] = int(digits)
        return sizes

    def problems(self) -> list[str]:
        found, seen = [], set()
        for n, clinic in enumerate(self.clinics(), 1):
            if not clinic.name:
                found.append(tr("Row {row}: the clinic needs a name.", self._lang, row=n))
            problem = check_yder(clinic.yder, self._lang)
            if problem:
                found.append(tr("Row {row}: {problem}", self._lang, row=n, problem=problem))
            size = self._size_text(n)
            if size and not re.fullmatch(r"[\d.\s]+", size):
                found.append(tr("Row {row}: the list size must be a whole number.", self._lang, row=n))
            if clinic.yder and clinic.yder in seen:
                found.append(tr("Row {row}: the yder number {yder} appears twice.", self._lang, row=n,
                                yder=clinic.yder))
            seen.add(clinic.yder)
        return found

    def _size_text(self, n: int) -> str:
        rows = [r for r in range(self.table.rowCount())
                if any(self.table.item(r, c) and self.table.item(r, c).text().strip() for c in range(len(CLINIC_COLUMNS)))]
        item = self.table.item(rows[n - 1], 4) if n - 1 < len(rows) else None
        return item.text().strip() if item else ""

    def _validate(self) -> None:
        self.problem.setText("\n".join(self.problems()))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problems()


class TopicsPage(QWizardPage):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.setTitle(tr("Topics and rounds", lang))
        self.setSubTitle(tr("Choose the topics from the built-in cluster packages and the half-years you will "
                            "collect data for. More can be added later.", lang))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>" + tr("Topics", lang) + "</b>"))
        self.topics = QListWidget()
        self.topics.setObjectName("wizard_topics")
        self.topics.setAccessibleName(tr("Topics", lang))
        for data in builtin_packages():
            item = QListWidgetItem(data["topic"]["title"])
            item.setData(Qt.ItemDataRole.UserRole, data)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.topics.addItem(item)
        layout.addWidget(self.topics, 1)
        layout.addWidget(QLabel("<b>" + tr("Rounds (periods)", lang) + "</b>"))
        self.period_boxes: list[tuple[QCheckBox, Period]] = []
        periods = half_years(date.today())
        for i, period in enumerate(periods):
            box = QCheckBox(period_label(period.label, lang))
            box.setChecked(i >= len(periods) - 2)
            self.period_boxes.append((box, period))
            layout.addWidget(box)


    def chosen_packages(self) -> list[dict]:
        items = [self.topics.item(i) for i in range(self.topics.count())]
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]


class NewClusterWizard(QWizard):
    """Creates the project file when finished; `created_path` holds where."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setObjectName("new_cluster_wizard")
        self.setWindowTitle(tr("New cluster", lang))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.cluster_page = ClusterPage(lang)
        self.clinics_page = ClinicsWizardPage(lang)
        self.topics_page = TopicsPage(lang)
        for page in (self.cluster_page, self.clinics_page, self.topics_page):
            self.addPage(page)
        self.created_path: Path | None = None
        resize_within_screen(self, 720, 520)

    def target_path(self) -> Path:
        name = re.sub(r"[^\w\- ]+", "", self.cluster_page.name.text()).strip() or "Klynge"
        return Path(self.cluster_page.folder.text()) / f"{name}.klynge"

    def accept(self) -> None:
        try:
            self.created_path = self.create()
        except (KlyngeError, OSError) as error:  # a read-only or full folder: said, and everything typed stays
            self.clinics_page.problem.setText(error_text(error, self._lang))
            show_error(self, error, self._lang)
            return
        super().accept()

    def create(self) -> Path:
        path = self.target_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        cluster = Cluster(self.cluster_page.name.text().strip(), self.cluster_page.municipality.text().strip())
        project = Project.create(path, cluster)
        try:
            with project.transaction():
                for clinic in self.clinics_page.clinics():
                    project.add_clinic(clinic)
                for data in self.topics_page.chosen_packages():
                    project.add_topic(topic_from_package(data, source=data["topic"]["key"]))
                chosen = [p for box, p in self.topics_page.period_boxes if box.isChecked()]
                for period in chosen:
                    project.add_period(period)
                sizes = self.clinics_page.list_sizes()
                project.set_list_sizes([(c, p.key, n) for c, n in sizes.items() for p in chosen])
        except BaseException:
            project.close()
            path.unlink(missing_ok=True)
            raise
        project.close()
        return path
