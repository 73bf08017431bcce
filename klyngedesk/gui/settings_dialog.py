"""The settings dialog: language, small-number threshold, code scheme, funnel adjustment and the usual folders."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.anonymise.audit import marks_small
from klyngedesk.core.settings import CODE_SCHEME, OVERDISPERSION, THRESHOLD, UserDefaults, resolve
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.screen_fit import keep_rows_whole
from klyngedesk.i18n import tr

CODE_SCHEMES = ("letters", "numbers")


class SettingsDialog(QDialog):
    """Language and folders live in QSettings; threshold and code scheme are the user's defaults for new
    projects (core/settings.py) and, with a project open, that project's own."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lang = ctx.lang
        self.setWindowTitle(tr("Settings", lang))
        self.setObjectName("settings_dialog")
        self.language = QComboBox()
        self.language.addItem("Dansk", "da")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(ctx.settings_language())))
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 50)
        self.threshold.setValue(ctx.threshold())
        self.threshold.setSuffix(" " + tr("patients", lang))
        self.code_scheme = QComboBox()
        self.code_scheme.addItem(tr("Letters (A, B, C …)", lang), "letters")
        self.code_scheme.addItem(tr("Numbers (1, 2, 3 …)", lang), "numbers")
        self.code_scheme.setCurrentIndex(max(0, self.code_scheme.findData(ctx.code_scheme())))
        # FunnelPlotR's default: limits adjusted where the practices vary more than chance explains
        self.overdispersion = QCheckBox(tr("Adjust the funnel limits for &overdispersion (recommended)", lang))
        self.overdispersion.setObjectName("overdispersion")
        self.overdispersion.setChecked(resolve(OVERDISPERSION, ctx.holder.project))
        self.overdispersion.setToolTip(tr("When the practices vary more than chance can explain, the funnel limits "
                                          "are widened for it (Spiegelhalter 2005), as FunnelPlotR does. Switched "
                                          "off, the handout says so and more clinics fall outside.", lang))
        self.import_folder = self._folder_row("folders/import", tr("Choose the folder for incoming files", lang))
        self.pack_folder = self._folder_row("folders/packs", tr("Choose the folder for meeting packs", lang))
        form = QFormLayout()
        form.addRow(tr("&Language", lang), self.language)
        form.addRow(tr("Small-number &threshold", lang), self.threshold)
        form.addRow(tr("&Code scheme", lang), self.code_scheme)
        form.addRow(tr("Funnel limits", lang), self.overdispersion)
        form.addRow(tr("Folder for &incoming files", lang), self.import_folder[0])
        form.addRow(tr("Folder for meeting &packs", lang), self.pack_folder[0])
        self.restart_note = QLabel(tr("A new language takes effect when KlyngeDesk starts next time.", lang))
        self.restart_note.setWordWrap(True)
        policy = self.restart_note.sizePolicy()  # its room is kept while hidden: the layout does not jump
        policy.setRetainSizeWhenHidden(True)
        self.restart_note.setSizePolicy(policy)
        self.restart_note.setVisible(False)
        self.language.currentIndexChanged.connect(
            lambda: self.restart_note.setVisible(self.language.currentData() != ctx.lang))
        note = QLabel(threshold_note(self.threshold.value(), lang))
        note.setWordWrap(True)
        self.threshold_note = note
        self.threshold.valueChanged.connect(lambda value: note.setText(threshold_note(value, lang)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.restart_note)
        layout.addWidget(buttons)
        keep_rows_whole(self, 520)

    def _folder_row(self, key: str, caption: str) -> tuple[QWidget, QLineEdit]:
        row = QWidget()
        edit = QLineEdit(str(self.ctx.settings.value(key, "")))
        edit.setAccessibleName(caption)
        browse = QToolButton()
        browse.setText("…")
        browse.setAccessibleName(caption)
        browse.setToolTip(caption)
        browse.clicked.connect(lambda: edit.setText(QFileDialog.getExistingDirectory(self, caption, edit.text())
                                                    or edit.text()))
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        box.addWidget(browse)
        edit.setObjectName(key.replace("/", "_"))
        row.setFocusProxy(edit)  # Alt+letter on the label reaches the text field
        return row, edit

    def accept(self) -> None:
        settings = self.ctx.settings
        settings.setValue("language", self.language.currentData())
        user = UserDefaults()          # the defaults every new project uses, in the GUI and the CLI alike
        user.set(THRESHOLD, self.threshold.value())
        user.set(CODE_SCHEME, str(self.code_scheme.currentData()))
        adjust = self.overdispersion.isChecked()
        changed = adjust != resolve(OVERDISPERSION, self.ctx.holder.project)
        if changed:                    # only a changed choice becomes the default (the built-in one is on)
            user.set(OVERDISPERSION, adjust)
        settings.setValue("folders/import", self.import_folder[1].text().strip())
        settings.setValue("folders/packs", self.pack_folder[1].text().strip())
        project = self.ctx.holder.project
        if project is not None and not project.readonly:
            project.set_setting(THRESHOLD.key, self.threshold.value())
            project.set_setting(CODE_SCHEME.key, self.code_scheme.currentData())
            if changed:
                project.set_setting(OVERDISPERSION.key, adjust)
        super().accept()


def threshold_note(threshold: int, lang: str) -> str:
    """What group material does with small counts at `threshold`: "<T" from 5, hidden below (see
    `audit.marks_small`: "<3" would tell the count is 1 or 2)."""
    if threshold <= 1:
        return tr("With threshold 1 no count is hidden for being small; 0 is shown.", lang)
    if marks_small(threshold):
        return tr("Counts from 1 to {top} are shown as \"<{threshold}\" in group material, and a rate or share of "
                  "them as \"{words}\"; 0 is shown.", lang, top=threshold - 1, threshold=threshold,
                  words=tr("fewer than {n} cases", lang, n=threshold))
    return tr("Counts from 1 to {top} are shown as \"hidden\" in group material, like the counts hidden to protect "
              "them: \"<{threshold}\" would tell them too closely (from threshold 5 they are shown as \"<5\"). 0 is "
              "shown.", lang, top=threshold - 1, threshold=threshold)
