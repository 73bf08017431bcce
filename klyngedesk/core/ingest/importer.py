"""Import files as batches: plan (read, map, match, check; writes nothing), then commit one batch per file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from klyngedesk.core.ingest.apply import NO_PERIOD, Mapped, Question, RowLabels, build_values, cell_text
from klyngedesk.core.ingest.checks import check_values
from klyngedesk.core.ingest.clinic_match import match_clinic, name_index, yder_index, yder_text
from klyngedesk.core.ingest.context import ImportContext, squash
from klyngedesk.core.ingest.inspect import OVERLONG_ROWS, FileReport, inspect_file, key_values
from klyngedesk.core.ingest.mapping import (
    Mapping,
    clinic_from_metadata,
    guess_mapping,
    profile_for,
    signature,
    suggest_roles,
    topic_measures,
)
from klyngedesk.core.ingest.privacy import redact
from klyngedesk.core.ingest.problems import (
    Cancelled,
    ImportCancelled,
    Problem,
    Progress,
    cap_problems,
    check_cancel,
)
from klyngedesk.core.ingest.tables import Table, is_empty
from klyngedesk.core.logsetup import log_internal_error
from klyngedesk.core.model import NewValue
from klyngedesk.core.records import bulk
from klyngedesk.core.store.value_columns import ValueColumns
from klyngedesk.i18n import KlyngeError, tr


@dataclass
class FilePlan:
    """One file's way into the project; `status` is ready, duplicate, refused, failed or questions."""

    report: FileReport
    status: str = "ready"
    mapping: Mapping | None = None
    values: ValueColumns = field(default_factory=ValueColumns)
    list_sizes: list[NewValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    replaces: int = 0
    duplicate_of: int | None = None
    clinics: set[str] = field(default_factory=set)
    batch: int | None = None
    signature: str = ""
    suggestions: dict[str, str] = field(default_factory=dict)  # column -> role or measure, for an unmapped file

    @property
    def name(self) -> str:
        """The file's name as shown and stored (anything shaped like a CPR number masked)."""
        return redact(self.report.path.name)

    def message(self, lang: str | None = None) -> str | None:
        if self.report.refusal is not None:
            return f"{self.name}: {self.report.refusal.message(lang)}"
        errors = [p.message(self.name, lang) for p in self.problems if p.severity == "error"]
        if errors:
            return errors[0]
        if self.status == "duplicate" and self.duplicate_of is None:
            return tr("{file} is the same file as another one in this import; skipped.", lang, file=self.name)
        if self.status == "duplicate":
            return tr("{file} was imported before (batch {batch}); skipped.", lang, file=self.name,
                      batch=self.duplicate_of)
        return None

    def to_json(self, lang: str | None = None) -> dict:
        return {"path": redact(str(self.report.path)), "status": self.status, "message": self.message(lang),
                "batch": self.batch, "values": len(self.values), "replaces": self.replaces,
                "list_sizes": len(self.list_sizes),
                "clinics": sorted(self.clinics), "layout": self.mapping.layout if self.mapping else None,
                "mapping": self.mapping.name if self.mapping else None, "sha256": self.report.sha256,
                "problems": [p.to_json(self.name, lang) for p in self.problems],
                "suggestions": self.suggestions,
                "questions": [{"id": q.id, "message": tr(q.msgid, lang, **q.params)} for q in self.questions]}


@dataclass
class ImportPlan:
    files: list[FilePlan]

    @property
    def ok(self) -> bool:
        """True when every file can be stored (or is a duplicate that will be skipped)."""
        return all(f.status in ("ready", "duplicate") for f in self.files)

    @property
    def ready(self) -> list[FilePlan]:
        return [f for f in self.files if f.status == "ready"]


def plan_import(project, paths: Iterable[str | Path], *, topic: str | None = None, period: str | None = None,
                mapping: str | None = None, clinic: str | None = None, answers: dict[str, bool] | None = None,
                confirm: bool = False, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ImportPlan:
    """Read, map, match and check every file; nothing is written. `confirm` answers every question yes."""
    files = [Path(p) for p in paths]
    if period is not None:
        project.period(period)  # raises for an unknown period
    ctx = ImportContext.from_project(project, topic)
    if clinic is not None:
        clinic = _chosen_clinic(ctx, clinic)
    plans: list[FilePlan] = []
    with bulk():  # a region's file is a million cells and their values: no collector walks over them
        _plan_files(project, files, plans, ctx, period=period, mapping=mapping, clinic=clinic, answers=answers,
                    confirm=confirm, progress=progress, cancelled=cancelled)
    return ImportPlan(plans)


def _plan_files(project, files: list[Path], plans: list[FilePlan], ctx: ImportContext, *, period: str | None,
                mapping: str | None, clinic: str | None, answers: dict[str, bool] | None, confirm: bool,
                progress: Progress | None, cancelled: Cancelled | None) -> None:
    seen_hashes: dict[str, str] = {}
    for i, path in enumerate(files):
        check_cancel(cancelled)
        report = inspect_file(path, cancelled=cancelled)
        plan = FilePlan(report)
        plans.append(plan)
        if report.refused:
            plan.status = "refused"
            continue
        earlier = project.batch_by_hash(report.sha256)
        if earlier is not None or report.sha256 in seen_hashes:
            plan.status, plan.duplicate_of = "duplicate", earlier.id if earlier else None
            continue
        seen_hashes[report.sha256] = path.name
        try:
            _plan_file(plan, ctx, period=period, mapping=mapping, clinic=clinic, answers=answers or {},
                       confirm=confirm)
        except (KlyngeError, ImportCancelled):
            raise
        except Exception as exc:  # a bug in KlyngeDesk: logged (without the file's contents), the file not stored
            log = log_internal_error("import", exc)
            plan.status, plan.values, plan.list_sizes, plan.questions = "failed", ValueColumns(), [], []
            plan.problems = [Problem("error", "KlyngeDesk hit an internal error while reading this file; this is a "
                                     "fault in the program, not necessarily in the file. The details (without "
                                     "the file's contents) are in the log file {path}.", {"path": str(log)})]
        if progress:
            progress((i + 1) / len(files))
    _refuse_values_in_two_files(plans)


def _refuse_values_in_two_files(plans: list[FilePlan]) -> None:
    """A value (clinic, measure, period) in two files of one import: which one is right is not for the order
    of the files to decide (the later would silently replace the earlier). The later file gets an error naming
    its cell and the earlier file's row, and the import stores nothing until one of them is left out."""
    eligible = [fp for fp in plans if fp.status in ("ready", "questions") and len(fp.values)]
    if len(eligible) < 2:
        return
    seen: dict[tuple[str, str, str], tuple[FilePlan, int | None]] = {}
    for fp in eligible:
        keys = fp.values.keys()
        clash = next((i for i, key in enumerate(keys) if key in seen), None)
        if clash is not None:
            other, row = seen[keys[clash]]
            value = fp.values[clash]
            fp.problems.insert(0, Problem(
                "error", "The value of clinic {clinic} for {measure} in {period} is also in {other} (row {other_row}); "
                "import only one of the two files, or correct one of them.",
                {"clinic": value.clinic, "measure": value.measure, "period": value.period, "other": other.name,
                 "other_row": row if row is not None else "?"}, row=value.row, column=value.col, sheet=value.sheet))
            fp.status = "failed"
        seen.update({key: (fp, row) for key, row in zip(keys, fp.values.row, strict=True) if key not in seen})


def _plan_file(plan: FilePlan, ctx: ImportContext, *, period: str | None, mapping: str | None,
               clinic: str | None, answers: dict[str, bool], confirm: bool) -> None:
    report = plan.report
    meta_period = ctx.period_for(report.metadata["period"]) if report.metadata.get("period") else None
    if not meta_period and report.metadata.get("periode"):
        meta_period = ctx.period_for(report.metadata["periode"])
    empty_tables = 0
    # What inspect warned about (hidden rows, NUL characters, how a column's numbers were read, numbers not
    # read, percentages above 100, a column without a heading) is in the plan the user confirms.
    plan.problems += [p for p in report.problems if p.severity == "warning" or p.msgid == OVERLONG_ROWS]
    unmapped: list[Table] = []
    for table in report.tables:
        chosen = profile_for(table, ctx, mapping) if mapping else profile_for(table, ctx)
        if chosen is None:
            chosen = guess_mapping(table, ctx, report.metadata)
        if chosen is None:
            unmapped.append(table)
            continue
        if not _has_values(table, chosen):
            empty_tables += 1  # an unfilled template: say so first, not that it lacks its clinic or period
            plan.mapping = plan.mapping or chosen
            continue
        if chosen.period is None and not chosen.period_column:
            said = _title_period(table, ctx) or meta_period
            if period and said and said != period:  # last round's file put into this round: never silently
                plan.problems.append(Problem("error", "The file says its values are for {said}, but they were to "
                                             "be imported as {chosen}. Choose the period 'as the file says' (on the "
                                             "command line: leave out --period), or correct the file.",
                                             {"said": said, "chosen": period}, sheet=table.sheet))
            chosen.period = period or said
            if chosen.period is None and (label := _period_label(table, report)):  # said, but not a round
                around = ctx.period_around(label)
                plan.problems.append(Problem(
                    "error", "The file says its period is {label}, a month or a day inside {period}, not the whole "
                    "period; KlyngeDesk does not know whether the values are for the month or for {period}. "
                    "Choose the period if they are for the whole period." if around else
                    "The file says its period is {label}, which is not a period of the project. Add the period to "
                    "the project, or choose the period the values are for.",
                    {"label": redact(label)[:40], "period": around or ""}, sheet=table.sheet))
        elif period and chosen.period_column is None:
            chosen.period = period
        if chosen.layout == "single" or (chosen.yder_column is None and chosen.name_column is None):
            chosen.layout = "single"
            chosen.clinic = clinic or _metadata_clinic(report, ctx, plan)
            if chosen.clinic is None:
                if not any(p.severity == "error" for p in plan.problems):
                    beside = _beside(table, report.tables)
                    plan.problems += _clinics_in_columns([table], ctx) or [
                        Problem("error", "The file does not say which clinic it is from; choose the clinic.",
                                sheet=table.sheet) if beside is None else
                        Problem("error", "The columns {columns} are read as a table of their own, without the clinic "
                                "columns: an empty column (or row) in the sheet splits the table at {letter}. "
                                "Delete the empty column or row in the file and import it again.",
                                {"columns": redact(", ".join(table.columns))[:120], "letter": beside},
                                sheet=table.sheet)]
                continue
        if mapping and chosen.name is None:
            chosen.name = mapping
        mapped = build_values(table, chosen, ctx, answers, confirm)
        if table.overlong:
            _leave_out_overlong_rows(table, mapped)
        if (left := _numbers_left_out(table, chosen)):
            plan.problems.append(left)
        if table.total_labels:
            plan.problems.append(totals_warning(table))
        plan.mapping = plan.mapping or chosen
        plan.values += mapped.values
        plan.list_sizes += mapped.list_sizes
        plan.problems += mapped.problems
        plan.questions += mapped.questions
        plan.clinics |= mapped.clinics | ({chosen.clinic} if chosen.clinic else set())
        plan.signature = plan.signature or signature(table)
    if plan.mapping is not None:  # another table of the file is imported: the ones left are said, not dropped
        plan.problems += [_unmapped_warning(t) for t in unmapped]
    if any(p.msgid.startswith("The file says its period is") for p in plan.problems):
        plan.problems = [p for p in plan.problems if p.msgid != NO_PERIOD]  # said better above
    if empty_tables and not (plan.values or plan.list_sizes or plan.questions):
        plan.problems = [p for p in plan.problems if p.severity == "warning"]
    if plan.mapping is None:
        plan.suggestions = next((s for s in (suggest_roles(t, topic_measures(ctx)) for t in report.tables)
                                 if any(not r.startswith("@") for r in s.values())), {})
    # (a warning about the file, such as how a column's numbers were read, is no reason to say less)
    if plan.mapping is None and not _errors(plan.problems):
        plan.problems += _clinics_in_columns(report.tables, ctx) or _periods_in_columns(report.tables, ctx)
    if plan.mapping is None and not _errors(plan.problems):
        plan.problems.append(Problem("error", "No table in the file could be matched to clinics and measures of "
                                     "the topic. Choose which column holds which measure (on the command line: "
                                     "--mapping), or use the KlyngeDesk standard format."))
    if not (plan.values or plan.list_sizes or plan.questions) and not any(p.severity == "error" for p in plan.problems):
        plan.problems.append(Problem("error", "The file contains no values to import."))
    plan.problems += check_values(plan.values, ctx, plan.list_sizes)
    plan.replaces = sum(map(ctx.previous.__contains__, plan.values.keys())) if ctx.previous else 0
    # Asked per file and per count: a yes for one file (or for fewer values) never covers another replacement.
    replace_id = f"replace:{report.sha256[:16]}:{plan.replaces}"
    if plan.replaces and not confirm and not answers.get(replace_id):
        plan.questions.append(Question(replace_id, "{file} replaces {n} values already stored (the old values are "
                                       "kept in the history).", {"file": report.path.name, "n": plan.replaces}))
    _ask_before_changing_list_sizes(plan, ctx, answers, confirm)
    # In the order a user fixes them: the file as a whole and its columns first, then single cells.
    plan.problems = cap_problems(sorted(plan.problems, key=lambda p: p.row is not None))
    if any(p.severity == "error" for p in plan.problems):
        plan.status = "failed"
    elif plan.questions:
        plan.status = "questions"


def _periods_in_columns(tables: list[Table], ctx: ImportContext) -> list[Problem]:
    """A table whose column headings are the project's periods (2025H2, 2026H1 side by side: wide by period)
    could not be mapped: said by its columns, never guessed into one period (each value needs its own)."""
    for table in tables:
        named = [(c, letter, period) for c, letter in zip(table.columns, table.letters, strict=True)
                 if c not in table.unnamed and (period := ctx.period_for(c)) is not None]
        if named:
            return [Problem("error", "The periods are in columns ({columns}); KlyngeDesk reads one period per row. "
                            "Write the period in a column of its own, one row per clinic, measure and period (as "
                            "in the standard format), and import the file again.",
                            {"columns": ", ".join(f"{redact(c)[:20]} ({letter})" for c, letter, _ in named[:6])},
                            sheet=table.sheet)]
    return []


def _clinics_in_columns(tables: list[Table], ctx: ImportContext) -> list[Problem]:
    """A table turned on its side (clinics as columns, measures as rows: a pivot copied the other way round) is
    said as such by the columns naming clinics, never as a file that does not say its clinic."""
    by_yder, by_name = yder_index(ctx.clinics), name_index(ctx.clinics)
    for table in tables:
        lines = [[c if c not in table.unnamed else None for c in table.columns]]
        lines += [[table.parsed[c].values[i] for c in table.columns] for i in range(min(3, table.n_rows))]
        for cells in lines:
            named = [(cell, letter) for cell, letter in zip(cells, table.letters, strict=True)
                     if _names_clinic(cell, by_yder, by_name)]
            if len({_names_clinic(cell, by_yder, by_name) for cell, _ in named}) >= 2:
                return [Problem("error", "The clinics are in columns ({columns}) and the measures in rows: the table "
                                "is turned on its side. KlyngeDesk reads one clinic per row; turn the table (in "
                                "Excel: Copy, Paste Special, Transpose), or use the standard format, and import "
                                "the file again.",
                                {"columns": ", ".join(f"{redact(cell_text(cell))[:20]} ({letter})"
                                                      for cell, letter in named[:6])}, sheet=table.sheet)]
    return []


def _names_clinic(cell: object, by_yder: dict[str, str], by_name: dict[str, str]) -> str | None:
    """The clinic a heading or cell names by its yder number (digits only) or its exact name, else None."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)) or isinstance(cell, str) and cell.strip().isdigit():
        return by_yder.get(yder_text(cell))
    return by_name.get(squash(cell)) if isinstance(cell, str) else None


def _beside(table: Table, tables: list[Table]) -> str | None:
    """The sheet column where a table without clinic columns starts, when another table of the same sheet
    covers the same rows (the parts either side of an empty column), else None."""
    for other in tables:
        if other is not table and other.sheet == table.sheet and other.row_numbers == table.row_numbers:
            return table.letters[0]
    return None


def _period_label(table: Table, report: FileReport) -> str | None:
    """The period a table's title lines or the file's metadata name, as written."""
    found = key_values([[line] for line in table.title])
    return found.get("periode") or found.get("period") or report.metadata.get("period") or \
        report.metadata.get("periode")


def _title_period(table: Table, ctx: ImportContext) -> str | None:
    """The period a table's own title lines name ('Periode: 2. halvår 2026' above the second of two stacked
    tables is that table's period, not the first table's)."""
    found = key_values([[line] for line in table.title])
    label = found.get("periode") or found.get("period")
    return ctx.period_for(label) if label else None


def _unmapped_warning(table: Table) -> Problem:
    first = table.header_row or (table.row_numbers[0] if table.row_numbers else 0)
    return Problem("warning", "The table from row {row} ({n} rows; columns {columns}) was not imported: its columns "
                   "do not match clinics and measures of the topic. Check that nothing in it belongs to the data.",
                   {"row": first, "n": table.n_rows, "columns": redact(", ".join(table.columns))[:120]},
                   sheet=table.sheet)


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _leave_out_overlong_rows(table: Table, mapped: Mapped) -> None:
    """The values of rows a split cell has shifted are not checked (the file is refused for the rows): a
    count moved under the next measure would only add messages about numbers the clinic never wrote there."""
    rows = {row for row, _ in table.overlong}
    mapped.values = mapped.values.take([i for i, r in enumerate(mapped.values.row) if r not in rows])
    mapped.list_sizes = [v for v in mapped.list_sizes if v.row not in rows]
    mapped.problems = [p for p in mapped.problems if p.row not in rows]


def _numbers_left_out(table: Table, mapping: Mapping) -> Problem | None:
    """Columns of numbers the mapping reads nothing from: said, so the coordinator knows data was left out
    (not a column that only the values a split cell pushed past the headings make)."""
    used = set(mapping.referenced()) | set(mapping.guessed) | table.spilled()
    left = [f"{c} ({x})" for c, x in zip(table.columns, table.letters, strict=True)
            if c not in used and table.parsed[c].ctype == "number"]
    if not left:
        return None
    return Problem("warning", NUMBERS_LEFT_OUT, {"columns": redact(", ".join(left))[:200]}, sheet=table.sheet)


NUMBERS_LEFT_OUT = ("The columns {columns} hold numbers but are not mapped to any measure of the topic; nothing "
                    "from them was imported. If one of them belongs to the topic, choose its measure in the window "
                    "(on the command line: --mapping).")


def totals_warning(table: Table) -> Problem:
    """Rows left out as totals or averages are said in the plan the user confirms, with their labels: a clinic
    whose name only looks like a total ('Klyngen') would otherwise be lost without a word."""
    return Problem("warning", "Left out as totals or averages, not clinics: {rows}. Their values were not "
                   "imported; if one of them is a clinic, write its yder number in the row.",
                   {"rows": RowLabels(sorted(table.total_labels.items()))}, sheet=table.sheet)


def _ask_before_changing_list_sizes(plan: FilePlan, ctx: ImportContext, answers: dict[str, bool],
                                    confirm: bool) -> None:
    """A stored list size is replaced only after a yes, per file and per count, as stored values are."""
    changed = [(v, ctx.list_sizes[(v.clinic, v.period)]) for v in plan.list_sizes
               if (v.clinic, v.period) in ctx.list_sizes and v.value is not None
               and int(v.value) != ctx.list_sizes[(v.clinic, v.period)]]
    if not changed:
        return
    sizes_id = f"list_sizes:{plan.report.sha256[:16]}:{len(changed)}"
    if confirm or answers.get(sizes_id):
        return
    first, old = changed[0]
    plan.questions.append(Question(sizes_id, "{file} changes {n} stored list sizes (e.g. {clinic}: {old} → {new} "
                                   "patients; the old figures come back if the import is undone).",
                                   {"file": plan.report.path.name, "n": len(changed), "clinic": first.clinic,
                                    "old": old, "new": int(cast(float, first.value))}))


def _has_values(table: Table, mapping: Mapping) -> bool:
    """Whether any cell the mapping reads holds something (a number, a suppressed or an error cell)."""
    columns = [mapping.value_column] if mapping.value_column else [*mapping.columns, *mapping.guessed]
    return any(not is_empty(v) for c in columns if c in table.parsed for v in table.column(c))


def _chosen_clinic(ctx: ImportContext, chosen: str) -> str:
    """The clinic the user chose for single-clinic files: its key, yder number or exact name."""
    if any(c.key == chosen for c in ctx.clinics):
        return chosen
    match = match_clinic(ctx.clinics, chosen) if any(ch.isdigit() for ch in chosen) else None
    if match is None or match.key is None:  # not a yder number of the cluster: its name, then
        match = match_clinic(ctx.clinics, None, chosen)
    if match.key is None or not match.exact:
        raise KlyngeError("Unknown clinic {key}.", key=chosen)
    return match.key


def _metadata_clinic(report: FileReport, ctx: ImportContext, plan: FilePlan) -> str | None:
    yder, name = clinic_from_metadata(report.metadata)
    if yder is None and name is None:
        return None
    match = match_clinic(ctx.clinics, yder, name)
    if match.key is not None and match.exact:
        return match.key
    plan.problems.append(Problem("error", "Unknown clinic {label}: it is not in the cluster. Add it first; "
                                 "KlyngeDesk never creates a clinic from a file.", {"label": redact(match.label)}))
    return None


def commit_plan(project, plan: ImportPlan, *, save_profile: str | None = None, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> list[int]:
    """Store every ready file as its own batch, all in one transaction; refuses if any file is not ready."""
    if not plan.ok:
        raise KlyngeError("Nothing was imported: some files were refused or need answers.")
    ids = []
    # Every clinic, measure and period of a batch is read from its table in this transaction, and nothing
    # is deleted: SQLite's own look-up of each value's four references (a third of storing a region's file)
    # is skipped when this is the outermost transaction.
    with project.transaction(foreign_keys=False), bulk():
        for i, fp in enumerate(plan.ready):
            check_cancel(cancelled)
            m = fp.mapping
            details = {"kind": "import", "sha256": fp.report.sha256, "format": fp.report.format,
                       "encoding": fp.report.encoding, "delimiter": fp.report.delimiter,
                       "sheet": redact(fp.report.sheet) if fp.report.sheet else None,
                       "layout": m.layout if m else None, "clinics": sorted(fp.clinics), "replaces": fp.replaces,
                       "size": fp.report.size, "list_sizes": _store_list_sizes(project, fp.list_sizes)}
            fp.batch = project.add_batch(fp.name, fp.report.sha256, fp.values,
                                         mapping=(m.name or m.layout) if m else None, details=details)
            ids.append(fp.batch)
            project.audit("import", file=fp.name, sha256=fp.report.sha256, batch=fp.batch, values=len(fp.values),
                          replaced=fp.replaces)
            if save_profile and m is not None and m.layout != "standard" and hasattr(project, "save_mapping_profile"):
                project.save_mapping_profile(save_profile, fp.signature, m.to_spec())
            if progress:
                progress((i + 1) / max(len(plan.ready), 1))
    return ids


def _store_list_sizes(project, sizes: list[NewValue]) -> dict:
    """Store list sizes from the file; remember the earlier figures so undo can put them back."""
    if not sizes:
        return {}
    previous = []
    for period in {v.period for v in sizes}:
        table = project.list_sizes(period)
        wanted = {v.clinic for v in sizes if v.period == period}
        previous += [[r.clinic, period, int(r.patients)] for r in table.itertuples(index=False) if r.clinic in wanted]
    project.set_list_sizes([(v.clinic, v.period, int(cast(float, v.value))) for v in sizes])
    return {"new": [[v.clinic, v.period, int(cast(float, v.value))] for v in sizes], "previous": previous}


def undo_import(project, batch_id: int) -> None:
    """Take an import back completely: its values go, the values it replaced return, list sizes too."""
    with project.transaction():
        batch = next((b for b in project.batches() if b.id == batch_id), None)
        project.undo_batch(batch_id)
        previous = (batch.details.get("list_sizes") or {}).get("previous") if batch else None
        if previous:
            project.set_list_sizes([tuple(p) for p in previous])
        project.audit("undo_import", batch=batch_id)
