"""Mapping a table to the topic's measures: standard, long, wide and single-clinic layouts; named profiles."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from klyngedesk.core.ingest.context import ImportContext, squash
from klyngedesk.core.ingest.tables import Table, fold, is_standard
from klyngedesk.core.ingest.units import share_mark, without_share_marks

YDER_HEADERS = {"ydernummer", "ydernr", "yder", "ydernrpraksis", "praksisnummer", "praksisnr", "ydernummerpraksis",
                "klinikid", "yderid", "ydernumre"}
NAME_HEADERS = {"praksis", "praksisnavn", "klinik", "kliniknavn", "laegepraksis", "laegehus", "navn", "enhed",
                "enhedsnavn", "praksisensnavn", "klinikkensnavn", "laegehusetsnavn"}
MEASURE_HEADERS = {"maaling", "maalinger", "indikator", "measure", "variabel", "parameter", "noegletal",
                   "maalingnoegle"}
VALUE_HEADERS = {"vaerdi", "value", "antal", "taeller", "resultat", "count", "vaerdiantal"}
PERIOD_HEADERS = {"periode", "period", "halvaar", "kvartal", "maaleperiode"}
CLINIC_META_KEYS = ("ydernummer", "ydernr", "yder", "clinic yder", "clinic", "klinik", "praksis")
FUZZY_MEASURE_MIN = 88
SUGGEST_MIN = 75  # rapidfuzz WRatio: only fairly clear header matches are proposed (the user still confirms)
YDER, NAME, PERIOD = "@yder", "@name", "@period"  # roles a column can have besides holding a measure


@dataclass
class Mapping:
    """How a table becomes values. Columns are named as in the file; `labels` maps file labels to measures."""

    layout: str  # "standard" | "long" | "wide" | "single"
    yder_column: str | None = None
    name_column: str | None = None
    measure_column: str | None = None
    value_column: str | None = None
    period_column: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # wide: file column -> measure key
    labels: dict[str, str] = field(default_factory=dict)  # long: folded file label -> measure key
    clinic: str | None = None  # single-clinic files: the clinic key
    period: str | None = None  # when the file has no period column
    name: str | None = None  # the profile's name, when it came from one
    guessed: dict[str, str] = field(default_factory=dict)  # fuzzy proposals awaiting confirmation

    def referenced(self) -> list[str]:
        cols = [self.yder_column, self.name_column, self.measure_column, self.value_column, self.period_column]
        return [c for c in cols if c] + list(self.columns)

    def to_spec(self) -> dict:
        spec = asdict(self)
        for key in ("clinic", "period", "name", "guessed"):
            spec.pop(key)
        return spec

    @classmethod
    def from_spec(cls, spec: dict, name: str | None = None) -> Mapping:
        known = {k: v for k, v in spec.items() if k in cls.__dataclass_fields__}
        return cls(**known, name=name)


def signature(table: Table) -> str:
    """The folded, sorted column names: how a saved profile recognises its source next time."""
    return signature_of(table.columns)


def signature_of(columns: list[str]) -> str:
    return "|".join(sorted(squash(c) for c in columns))


def _find(table: Table, names: set[str]) -> str | None:
    return next((c for c in table.columns if squash(c) in names), None)


def _resolve_columns(table: Table, mapping: Mapping) -> Mapping | None:
    """The profile's columns matched to this table's (folded), or None if one is missing."""
    by_fold = {squash(c): c for c in table.columns}
    out = Mapping(**{**asdict(mapping), "columns": {}})
    for attr in ("yder_column", "name_column", "measure_column", "value_column", "period_column"):
        col = getattr(mapping, attr)
        if col is not None:
            if squash(col) not in by_fold:
                return None
            setattr(out, attr, by_fold[squash(col)])
    for col, measure in mapping.columns.items():
        if squash(col) not in by_fold:
            return None
        out.columns[by_fold[squash(col)]] = measure
    return out


def profile_for(table: Table, ctx: ImportContext, name: str | None = None) -> Mapping | None:
    """A saved profile that fits the table: the named one, else one whose signature matches."""
    for profile in ctx.profiles:
        if name is not None and profile["name"] != name:
            continue
        if name is None and profile["signature"] != signature(table):
            continue
        resolved = _resolve_columns(table, Mapping.from_spec(profile["spec"], profile["name"]))
        if resolved is not None:
            return resolved
    return None


def guess_mapping(table: Table, ctx: ImportContext, metadata: dict[str, str]) -> Mapping | None:
    """Recognise the layout from headers and contents; None when the table does not look like clinic data."""
    if is_standard(table.columns):
        col = {fold(c): c for c in table.columns}
        return Mapping("standard", yder_column=col["ydernummer"], name_column=col.get("praksis"),
                       measure_column=col["maaling"], value_column=col["vaerdi"], period_column=col["periode"])
    yder = _find(table, YDER_HEADERS) or _column_of_yder_numbers(table, ctx)
    name = _find(table, NAME_HEADERS)
    period = _find(table, PERIOD_HEADERS) or _column_of_periods(table, ctx)
    measure = _find(table, MEASURE_HEADERS) or _column_of_measures(table, ctx, {yder, name, period})
    value = _find(table, VALUE_HEADERS)
    wide, guessed = _measure_columns(table, ctx, {yder, name, period, measure, value})
    if value is None and measure is not None:
        numeric = [c for c in table.columns if table.parsed[c].ctype in ("number", "percent")
                   and c not in (yder, name, period)]
        value = numeric[0] if len(numeric) == 1 else None
    has_clinic = yder is not None or name is not None
    if measure and value and not wide:
        layout = "long" if has_clinic else "single"
        return Mapping(layout, yder, name, measure, value, period)
    if wide:
        return Mapping("wide" if has_clinic else "single", yder, name, None, None, period, columns=wide,
                       guessed=guessed)
    return None


def clinic_from_metadata(metadata: dict[str, str]) -> tuple[str | None, str | None]:
    """(yder number, name) of a single-clinic file from 'Ydernummer: 012345' lines or the template sheet."""
    yder = name = None
    for key in CLINIC_META_KEYS:
        for meta_key, value in metadata.items():
            if squash(meta_key) == squash(key):
                if any(ch.isdigit() for ch in value) and sum(ch.isdigit() for ch in value) >= 4:
                    yder = yder or value
                else:
                    name = name or value
    return yder, name


def _measure_columns(table: Table, ctx: ImportContext, skip: set) -> tuple[dict[str, str], dict[str, str]]:
    """Columns whose heading names a measure: exact (key or title) or close, to be confirmed."""
    exact, guessed = {}, {}
    titles = {squash(t): k for k, t in ctx.measures.items()}
    for col in table.columns:
        if col in skip:
            continue
        lower = table.sub_headings.get(col)  # 'KOL-opfølgning Patienter med KOL': the measure is the lower row
        plain = without_share_marks(col) if share_mark(col) else None  # 'kol_lfu (%)': mapped, refused as shares
        key = ctx.measure_for(col) or (ctx.measure_for(lower) if lower else None) or \
            (ctx.measure_for(plain) if plain else None)
        if key:  # named exactly: mapped whatever its cells hold, so cells that are no number are refused by cell
            exact[col] = key
            continue
        if table.parsed[col].ctype not in ("number", "percent", "empty"):
            continue
        if col in table.unnamed and not lower:  # "Kolonne ALT" is a letter, not a heading like "i alt"
            continue
        from rapidfuzz import fuzz, process  # only for a heading that names no measure exactly (start-up)

        best = process.extractOne(squash(lower or plain or col), titles, scorer=fuzz.token_sort_ratio,
                                  score_cutoff=FUZZY_MEASURE_MIN)
        if best is not None:
            guessed[col] = best[0]
    taken = set(exact.values())
    guessed = {c: k for c, k in guessed.items() if k not in taken}
    return {**exact, **guessed}, guessed


def _column_of_yder_numbers(table: Table, ctx: ImportContext) -> str | None:
    from klyngedesk.core.ingest.clinic_match import yder_text

    known = {yder_text(c.yder) for c in ctx.clinics if c.yder}
    for col in table.columns:
        vals = [v for v in table.column(col)[:200] if v is not None]
        if vals and sum(yder_text(v) in known for v in vals) * 2 >= len(vals):
            return col
    return None


def _column_of_periods(table: Table, ctx: ImportContext) -> str | None:
    for col in table.columns:
        vals = [v for v in table.column(col)[:200] if isinstance(v, str)]
        if vals and sum(ctx.period_for(v) is not None for v in vals) * 2 >= len(vals):
            return col
    return None


def _column_of_measures(table: Table, ctx: ImportContext, skip: set) -> str | None:
    for col in table.columns:
        if col in skip:
            continue
        vals = [v for v in table.column(col)[:500] if isinstance(v, str)]
        if vals and sum(ctx.measure_for(v) is not None for v in set(vals)) * 2 >= len(set(vals)):
            return col
    return None


# --- proposals for a table the importer could not map by itself (the wizard shows them, `import` prints them)
def current_roles(mapping: Mapping) -> dict[str, str]:
    """File column -> role (YDER, NAME, PERIOD, @measure, @value) or measure key, as the mapping says."""
    roles = {c: m for c, m in mapping.columns.items()}
    for attr, role in (("yder_column", YDER), ("name_column", NAME), ("measure_column", "@measure"),
                       ("value_column", "@value"), ("period_column", PERIOD)):
        if getattr(mapping, attr):
            roles[getattr(mapping, attr)] = role
    return roles


def suggest_roles(table: Table, topics: dict[str, dict[str, str]]) -> dict[str, str]:
    """A proposal for a table the importer could not map by itself: clinic columns by the importer's own
    header words, measure columns by clear header similarity, all from the one topic that fits best (each
    measure once). Shown, never applied until the user confirms or changes it."""
    roles: dict[str, str] = {}
    for column in table.columns:
        folded = squash(column)
        for role, words in ((YDER, YDER_HEADERS), (NAME, NAME_HEADERS), (PERIOD, PERIOD_HEADERS)):
            if folded in words and role not in roles.values():
                roles[column] = role
    types = table.column_types  # built once: per column it made a 16,384-column sheet quadratic (a minute)
    numeric = [c for c in table.columns if c not in roles and c not in table.unnamed and
               types.get(c) in ("number", "percent")]
    from rapidfuzz import fuzz  # only when proposing a mapping for a file no mapping fitted (start-up)

    best: tuple[float, dict[str, str]] = (0.0, {})
    for measures in topics.values():
        chosen: dict[str, str] = {}
        total = 0.0
        scored = sorted(((fuzz.WRatio(c.lower(), t.lower()), c, k) for c in numeric for k, t in measures.items()
                         if shares_a_word(c, t)), reverse=True)
        for score, column, key in scored:
            if score >= SUGGEST_MIN and column not in chosen and key not in chosen.values():
                chosen[column] = key
                total += score
        if total > best[0]:
            best = (total, chosen)
    return {**roles, **best[1]}


MIN_WORD = 4        # a heading word shorter than this ('uge', 'år', 'n') names no measure
WORD_MATCH_MIN = 85  # rapidfuzz ratio of two words: a typo ('tramdol') still matches, another word does not


FILLER_WORDS = {"alt", "med", "for", "til", "per", "pct", "and", "the", "all", "total"}


def _words(text: str, shortest: int = MIN_WORD) -> list[str]:
    import re

    return [w for w in re.findall(r"[0-9a-z]+", fold(text))
            if len(w) >= shortest and not w.isdigit() and w not in FILLER_WORDS]


def shares_a_word(heading: str, title: str) -> bool:
    """Whether a heading names a measure word by word: one of its words is one of the title's (an abbreviation
    such as 'KOL' or 'TCA' too), or, of four letters or more, holds one, lies in one ('Tramadolbrugere' and
    'Brugere af tramadol') or is a typo of one. A whole-string similarity proposed 'Uge' for 'Brugere af
    tramadol' (its letters lie in 'brugere')."""
    from rapidfuzz import fuzz

    title_words = _words(title, 3)
    if set(_words(heading, 3)) & set(title_words):
        return True
    long_words = [t for t in title_words if len(t) >= MIN_WORD]
    return any(w in t or t in w or fuzz.ratio(w, t) >= WORD_MATCH_MIN for w in _words(heading) for t in long_words)


def topic_measures(ctx: ImportContext) -> dict[str, dict[str, str]]:
    """topic key -> {measure key: title}, the shape suggest_roles compares against."""
    out: dict[str, dict[str, str]] = {}
    for key, title in ctx.measures.items():
        out.setdefault(ctx.measure_topic.get(key, ""), {})[key] = title
    return out


def spec_from_roles(roles: dict[str, str], layout: str = "wide") -> dict:
    """The importer's profile spec for what the user chose in the editor."""
    by_role = {r: c for c, r in roles.items() if r.startswith("@")}
    columns = {c: m for c, m in roles.items() if not m.startswith("@")}
    has_clinic = YDER in by_role or NAME in by_role
    return Mapping(layout if layout in ("wide", "single") else ("wide" if has_clinic else "single"),
                   by_role.get(YDER), by_role.get(NAME), None, None, by_role.get(PERIOD), columns=columns).to_spec()
