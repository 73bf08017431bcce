"""Data-collection templates: an xlsx per topic and period (optionally per clinic) in the standard layout."""

from klyngedesk.core.templates.meta import (
    DATA_COLUMNS,
    DATA_SHEET,
    META_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    read_template_meta,
)
from klyngedesk.core.templates.workbook import (
    TemplateRequest,
    active_clinics,
    make_clinic_templates,
    make_template,
    template_rows,
    write_template,
)

__all__ = ["DATA_COLUMNS", "DATA_SHEET", "META_SHEET", "TEMPLATE_FORMAT", "TEMPLATE_VERSION", "TemplateRequest",
           "active_clinics", "make_clinic_templates", "make_template", "read_template_meta", "template_rows", "write_template"]
