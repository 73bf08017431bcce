"""Reading, recognising, mapping, checking and storing the files clinics send (no Qt)."""

from klyngedesk.core.ingest.apply import Question
from klyngedesk.core.ingest.importer import FilePlan, ImportPlan, commit_plan, plan_import, undo_import
from klyngedesk.core.ingest.inspect import FileReport, inspect_file
from klyngedesk.core.ingest.mapping import Mapping, signature
from klyngedesk.core.ingest.problems import FileRefused, ImportCancelled, Problem

__all__ = ["FilePlan", "FileRefused", "FileReport", "ImportCancelled", "ImportPlan", "Mapping", "Problem",
           "Question", "commit_plan", "inspect_file", "plan_import", "signature", "undo_import"]
