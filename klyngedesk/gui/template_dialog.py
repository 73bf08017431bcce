"""Skabeloner til klinikkerne: data-collection templates per topic and round, and the e-mail text to send with them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.period_names import period_label
from klyngedesk.core.store import Project
from klyngedesk.core.templates.sending import PlannedTemplate, email_text, plan_templates, write_templates
from klyngedesk.gui.display_names import date_format, topic_shown
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.screen_fit import resize_within_screen
from klyngedesk.i18n import KlyngeError, ntr, tr


class TemplateDialog(QDialog):
    """Choose topic, round and one-per-clinic or one-for-all; write; copy the e-mail text."""

    def __init__(self, project: Project, lang: str, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project, self._lang = project, lang
        self.setObjectName("template_dialog")
        self.setWindowTitle(tr("Templates for the clinics", lang))
        self.written: list[Path] = []
        self.confirm_box: QMessageBox | None = None
        self.topic_box = QComboBox()
        for topic in project.topics():
            self.topic_box.addItem(topic_shown(topic, lang), topic.key)
        self.period_box = QComboBox()
        for period in project.periods():
            self.period_box.addItem(period_label(period.label, lang), period.key)
        self.period_box.setCurrentIndex(self.period_box.count() - 1)  # usually the round being collected now
        self.each_radio = QRadioButton(tr("One template per clinic (each sees only its own rows)", lang))
        self.all_radio = QRadioButton(tr("One template for all clinics", lang))
        self.each_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.each_radio)
        group.addButton(self.all_radio)
        self.deadline = QDateEdit(QDate(date.today() + timedelta(days=14)))
        self.deadline.setDisplayFormat(date_format(lang))
        self.deadline.setCalendarPopup(True)
        self.folder = QLineEdit(folder or str(Path(project.path).parent / tr("Templates", lang)))
        self.folder.setObjectName("template_folder")
        choose = QPushButton(tr("Choose…", lang))
        choose.setAccessibleName(tr("Choose the folder", lang))
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.files_label = QLabel()
        self.files_label.setWordWrap(True)
        self.files_label.setObjectName("template_files")
        self.mail = QPlainTextEdit()
        self.mail.setObjectName("template_mail")
        self.mail.setReadOnly(True)
        self.mail.setTabChangesFocus(True)
        self.copy_button = QPushButton(tr("&Copy the e-mail text", lang))
        self.copy_button.clicked.connect(self.copy_mail)
        self.status = QLabel()
        self.status.setObjectName("template_status")
        self.status.setWordWrap(True)
        self.open_button = QPushButton(tr("Open folder", lang))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder.text())))
        self.write_button = QPushButton(tr("&Write the templates", lang))
        self.write_button.setObjectName("write_templates_button")
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.write)
        close = QPushButton(tr("Close", lang))
        close.clicked.connect(self.accept)
        form = QFormLayout()
        for text, widget in ((tr("&Topic", lang), self.topic_box), (tr("R&ound", lang), self.period_box),
                             (tr("Reply &by", lang), self.deadline)):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        form.addRow(QLabel(tr("Files", lang)), self.each_radio)
        form.addRow("", self.all_radio)
        folder_label = QLabel(tr("&Folder", lang))
        folder_label.setBuddy(self.folder)
        self.folder.setAccessibleName(tr("Folder", lang))
        form.addRow(folder_label, folder_row)
        form.addRow("", self.files_label)
        mail_label = QLabel(tr("E-mail to send with the templates", lang))
        mail_label.setBuddy(self.mail)
        self.mail.setAccessibleName(mail_label.text())
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        buttons.addWidget(self.write_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(mail_label)
        layout.addWidget(self.mail, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        for box in (self.topic_box, self.period_box):
            box.currentIndexChanged.connect(self._update)
        self.each_radio.toggled.connect(self._update)
        self.deadline.dateChanged.connect(self._update)
        self.folder.textChanged.connect(self._update)
        resize_within_screen(self, 640, 560)
        self._update()

    # --- what will be written ---------------------------------------------------------------
    def planned(self) -> list[PlannedTemplate]:
        topic, period = self.topic_box.currentData(), self.period_box.currentData()
        if topic is None or period is None or not self.folder.text().strip():
            return []
        return plan_templates(self.project, topic, period, self.folder.text().strip(),
                              each_clinic=self.each_radio.isChecked(), lang=self._lang)

    def _update(self) -> None:
        lang = self._lang
        planned = self.planned()
        if not planned:
            self.files_label.setText(tr("Choose a topic, a round and a folder.", lang))
        elif len(planned) == 1:
            self.files_label.setText(tr("Writes {name}", lang, name=planned[0].path.name))
        else:
            self.files_label.setText(ntr("Writes {n} file, e.g. {name}", "Writes {n} files, e.g. {name}",
                                         len(planned), lang, name=planned[0].path.name))
        self.write_button.setEnabled(bool(planned))
        topic, period = self.topic_box.currentText(), self.period_box.currentText()
        deadline = self.deadline.date().toPython()
        self.mail.setPlainText(email_text(self.project.cluster().name, topic, period, deadline,
                                          each_clinic=self.each_radio.isChecked(), lang=lang))

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("Folder for the templates", self._lang), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def copy_mail(self) -> None:
        QGuiApplication.clipboard().setText(self.mail.toPlainText())
        self.status.setText(tr("The e-mail text is copied: paste it into your e-mail program.", self._lang))

    # --- writing ----------------------------------------------------------------------------
    def write(self) -> None:
        planned = self.planned()
        existing = [p for p in planned if p.path.exists()]
        if not existing:
            self._write(planned)
            return
        box = QMessageBox(QMessageBox.Icon.Question, tr("Templates for the clinics", self._lang),
                          tr("{n} of the files already exist, e.g. {name}. A clinic may already have filled one "
                             "in. Replace them?", self._lang, n=len(existing), name=existing[0].path.name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setObjectName("templates_exist_box")
        box.finished.connect(lambda result: self._write(planned) if result == QMessageBox.StandardButton.Yes else None)
        self.confirm_box = box
        box.open()

    def _write(self, planned: list[PlannedTemplate]) -> None:
        try:
            self.written = write_templates(self.project, self.topic_box.currentData(), self.period_box.currentData(),
                                           planned, lang=self._lang)
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        n = len(self.written)
        self.status.setText(tr("{n} templates written to {folder}. Copy the e-mail text and send each clinic "
                               "its file.", self._lang, n=n, folder=self.folder.text()) if n != 1 else
                            tr("The template is written to {folder}. Copy the e-mail text and send it to the "
                               "clinics.", self._lang, folder=self.folder.text()))
        self.open_button.setEnabled(True)
