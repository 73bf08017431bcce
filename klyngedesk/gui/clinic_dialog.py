"""Add or edit one clinic: details, doctors, active dates, EHR system and list sizes, checked as you type."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.cpr import CprInTypedText, refuse_cpr_in_clinic
from klyngedesk.core.model import Clinic, Period
from klyngedesk.core.period_names import period_label
from klyngedesk.gui.discard_guard import GuardedDialog
from klyngedesk.gui.display_names import date_format
from klyngedesk.i18n import tr

SHORT_NAME_LENGTH = 30   # characters: a short name fits a table's name column and a chart's row label
EHR_SYSTEMS = ("XMO", "EG Clinea", "MultiMed Web", "Novax", "WinPLC", "Ganglion", "Wingp", "CGM")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_yder(yder: str, lang: str) -> str | None:
    """A problem with a yder number (5-6 digits), or None. Empty is allowed (filled in later)."""
    if yder and not re.fullmatch(r"\d{5,6}", yder):
        return tr("A yder number has 5 or 6 digits.", lang)
    return None


def tab_chain(*widgets: QWidget) -> None:
    """Tab moves through the widgets in the order they are shown (not the order they were made)."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)


def _qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate.currentDate()


class ClinicDialog(GuardedDialog):
    """`clinic` None = a new clinic with `new_key`. After accept: result_clinic and result_sizes."""

    def __init__(self, lang: str, periods: list[Period], taken_yder: set[str], clinic: Clinic | None = None,
                 sizes: dict[str, int] | None = None, new_key: str = "K01", parent: QWidget | None = None,
                 taken_names: set[str] | None = None) -> None:
        """`taken_names`: the names other clinics are shown by (a short name must tell clinics apart)."""
        super().__init__(parent)
        self._lang = lang
        self._taken = taken_yder
        self._taken_names = {n.casefold() for n in taken_names or set()}
        self._key = clinic.key if clinic else new_key
        self.setObjectName("clinic_dialog")
        self.setWindowTitle(tr("Edit clinic", lang) if clinic else tr("Add clinic", lang))
        self.name = QLineEdit(clinic.name if clinic else "")
        self.name.setObjectName("clinic_name")
        self.short_name = QLineEdit(clinic.short_name if clinic else "")
        self.short_name.setObjectName("clinic_short_name")
        self.short_name.setMaxLength(SHORT_NAME_LENGTH)
        self.short_name.setPlaceholderText(tr("Shown in tables and charts instead of the name", lang))
        self.short_name.setToolTip(tr("A short name for the window's tables, charts and lists (at most {n} "
                                      "characters). It identifies the clinic like its name: it is never "
                                      "printed for the group.", lang, n=SHORT_NAME_LENGTH))
        self.yder = QLineEdit(clinic.yder if clinic else "")
        self.yder.setObjectName("clinic_yder")
        self.yder.setPlaceholderText("123456")
        self.address = QLineEdit(clinic.address or "" if clinic else "")
        self.email = QLineEdit(clinic.email or "" if clinic else "")
        self.ehr = QComboBox()
        self.ehr.setEditable(True)
        self.ehr.addItems(["", *EHR_SYSTEMS])
        self.ehr.setCurrentText(clinic.ehr_system or "" if clinic else "")
        self.doctors = QPlainTextEdit("\n".join(clinic.doctors) if clinic else "")
        self.doctors.setObjectName("clinic_doctors")
        self.doctors.setTabChangesFocus(True)
        self.doctors.setPlaceholderText(tr("One doctor per line", lang))
        self.doctors.setMaximumHeight(90)
        self.active_from = QDateEdit(_qdate(clinic.active_from if clinic else None))
        self.has_from = QCheckBox(tr("Member since", lang))
        self.has_from.setChecked(bool(clinic and clinic.active_from))
        self.active_to = QDateEdit(_qdate(clinic.active_to if clinic else None))
        self.has_to = QCheckBox(tr("Left the cluster on", lang))
        self.has_to.setChecked(bool(clinic and clinic.active_to))
        for edit in (self.active_from, self.active_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format(lang))
        self.sizes: dict[str, QSpinBox] = {}
        sizes_form = QFormLayout()
        for period in periods:
            spin = QSpinBox()
            spin.setRange(0, 100000)
            spin.setGroupSeparatorShown(True)
            spin.setSpecialValueText(tr("not known", lang))
            spin.setValue((sizes or {}).get(period.key, 0))
            spin.setAccessibleName(tr("Listed patients {period}", lang, period=period_label(period.label, lang)))
            self.sizes[period.key] = spin
            sizes_form.addRow(period_label(period.label, lang), spin)
        self.problem = QLabel()
        self.problem.setObjectName("clinic_problem")
        self.problem.setStyleSheet("color: #B03A00;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("&Name", lang), self.name)
        form.addRow(tr("&Short name", lang), self.short_name)
        form.addRow(tr("&Yder number", lang), self.yder)
        form.addRow(tr("&Doctors", lang), self.doctors)
        form.addRow(tr("&EHR system", lang), self.ehr)
        form.addRow(tr("&Address", lang), self.address)
        form.addRow(tr("E-&mail", lang), self.email)
        dates = QHBoxLayout()
        for w in (self.has_from, self.active_from, self.has_to, self.active_to):
            dates.addWidget(w)
        form.addRow(tr("Active", lang), dates)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if periods:
            layout.addWidget(QLabel("<b>" + tr("Listed patients per period", lang) + "</b>"))
            layout.addLayout(sizes_form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for signal in (self.name.textChanged, self.short_name.textChanged, self.yder.textChanged, self.email.textChanged,
                       self.has_from.toggled, self.has_to.toggled, self.active_from.dateChanged,
                       self.active_to.dateChanged):
            signal.connect(self.validate)
        self.result_clinic: Clinic | None = None
        self.result_sizes: dict[str, int] = {}
        tab_chain(self.name, self.short_name, self.yder, self.doctors, self.ehr, self.address, self.email, self.has_from,
                  self.active_from, self.has_to, self.active_to, *self.sizes.values(), self.buttons)
        self.validate()

    def problems(self) -> list[str]:
        lang, found = self._lang, []
        if not self.name.text().strip():
            found.append(tr("The clinic needs a name.", lang))
        shown = (self.short_name.text().strip() or self.name.text().strip()).casefold()
        if shown and shown in self._taken_names:
            found.append(tr("Another clinic is already shown as “{name}”: choose a short name that tells them "
                            "apart.", lang, name=self.short_name.text().strip() or self.name.text().strip()))
        yder = self.yder.text().strip()
        problem = check_yder(yder, lang)
        if problem:
            found.append(problem)
        elif yder in self._taken:
            found.append(tr("Another clinic already has the yder number {yder}.", lang, yder=yder))
        email = self.email.text().strip()
        if email and not _EMAIL.match(email):
            found.append(tr("The e-mail address looks incomplete.", lang))
        if self.has_from.isChecked() and self.has_to.isChecked() and \
                self.active_to.date() < self.active_from.date():
            found.append(tr("The clinic cannot leave before it joined.", lang))
        return found

    def validate(self) -> None:
        found = self.problems()
        self.problem.setText("\n".join(found))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not found)

    def accept(self) -> None:
        if self.problems():
            return
        doctors = tuple(d.strip() for d in self.doctors.toPlainText().splitlines() if d.strip())
        clinic = Clinic(
            self._key, self.name.text().strip(), self.yder.text().strip(), self.address.text().strip() or None,
            self.email.text().strip() or None, self.ehr.currentText().strip() or None,
            self.active_from.date().toPython() if self.has_from.isChecked() else None,
            self.active_to.date().toPython() if self.has_to.isChecked() else None, doctors,
            self.short_name.text().strip())
        try:   # refused here as the store would refuse it, so that what was typed stays in the dialog
            refuse_cpr_in_clinic(clinic)
        except CprInTypedText as error:
            self.problem.setText(error.message(self._lang))
            return
        self.result_clinic = clinic
        self.result_sizes = {k: spin.value() for k, spin in self.sizes.items() if spin.value() > 0}
        super().accept()
