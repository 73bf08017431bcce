"""Reading, recognising, mapping, checking and storing the files clinics send (no Qt)."""

from klyngedesk.core.ingest.importer import ImportPlan, commit_plan, plan_import, undo_import
from klyngedesk.core.ingest.inspect import FileReport, inspect_file
from klyngedesk.core.ingest.problems import FileRefused, Problem

__all__ = ["FileRefused", "FileReport", "ImportPlan", "Problem", "commit_plan", "inspect_file",
           "plan_import", "undo_import"]
