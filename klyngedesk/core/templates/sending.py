"""Sending templates to the clinics: files named by clinic name, written per clinic or for all, and the e-mail text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from klyngedesk.core.formatting import format_short_date
from klyngedesk.core.period_names import period_label
from klyngedesk.core.templates.workbook import active_clinics, make_template
from klyngedesk.i18n import tr

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 100  # characters of the file name before .xlsx: long clinic names stay inside Windows' path limit


def safe_file_name(text: str, limit: int = MAX_NAME) -> str:
    """A file name a clinic can receive on Windows, macOS and Linux; Danish letters are kept."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = name[:limit].rstrip(" .") or "skabelon"
    return f"_{name}" if name.split(".")[0].upper() in _WINDOWS_RESERVED else name


@dataclass(frozen=True)
class PlannedTemplate:
    """One file to write: where, and for which clinic (None: one template with rows for every clinic)."""

    path: Path
    clinic: str | None
    clinic_name: str | None


def plan_templates(project, topic: str, period: str, folder: str | Path, *, each_clinic: bool,
                   lang: str = "da") -> list[PlannedTemplate]:
    """The files the templates would be written to, named by topic, round and clinic name (never a key)."""
    folder = Path(folder)
    the_topic, the_period = project.topic(topic), project.period(period)
    stem = f"{the_topic.title} {period_label(the_period.label, lang)}"
    if not each_clinic:
        all_name = tr("all clinics", lang)
        return [PlannedTemplate(folder / f"{safe_file_name(f'{stem} - {all_name}')}.xlsx", None, None)]
    planned: list[PlannedTemplate] = []
    used: set[str] = set()
    for clinic in active_clinics(project, the_period):
        name = safe_file_name(f"{stem} - {clinic.name}")
        if name.casefold() in used:  # two clinics whose names differ only where a file name cannot
            name = safe_file_name(f"{stem} - {clinic.name}", MAX_NAME - 8) + f" ({clinic.yder or clinic.key})"
        used.add(name.casefold())
        planned.append(PlannedTemplate(folder / f"{name}.xlsx", clinic.key, clinic.name))
    return planned


def write_templates(project, topic: str, period: str, planned: list[PlannedTemplate], *,
                    lang: str = "da") -> list[Path]:
    """Write the planned templates (the folder is created if needed)."""
    written = []
    for item in planned:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        written.append(make_template(project, topic, period, item.path, clinic=item.clinic, lang=lang))
    return written


def email_text(cluster: str, topic_title: str, period_label: str, deadline: date, *, each_clinic: bool,
               lang: str = "da") -> str:
    """The e-mail to send with the templates: what to fill in, what never to send, by when, how."""
    attached = tr("Attached is your clinic's template", lang) if each_clinic else \
        tr("Attached is the template; fill in the rows for your own clinic only", lang)
    return tr("Subject: Data for the cluster meeting: {topic}, {period}\n\n"
              "Dear colleagues,\n\n"
              "For our next meeting in {cluster} about {topic} we collect figures for {period}. "
              "{attached}. Fill in the yellow cells on the sheet \"Data\" with counts only (no patient details, "
              "no CPR numbers), keep the file name, save it as .xlsx and send it back to me by secure e-mail "
              "no later than {deadline}.\n\n"
              "The instructions sheet explains each figure. Thank you in advance.\n\n"
              "Best regards", lang, cluster=cluster, topic=topic_title, period=period_label, attached=attached,
              deadline=format_short_date(deadline, lang))
