"""Schema of the project file as stepwise migrations; PRAGMA user_version says which have run."""

from __future__ import annotations

# Each entry upgrades the file from version i to version i + 1. Never edit a released step:
# append a new one. Each step runs inside one transaction, after an automatic backup.
MIGRATIONS: list[str] = [
    # 0 -> 1: the first schema.
    """
    CREATE TABLE cluster (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        municipality TEXT NOT NULL DEFAULT '',
        region TEXT NOT NULL DEFAULT '',
        settings_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE clinics (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        yder TEXT NOT NULL DEFAULT '',
        address TEXT,
        email TEXT,
        ehr_system TEXT,
        active_from TEXT,
        active_to TEXT
    );
    CREATE INDEX clinics_yder ON clinics(yder);
    CREATE TABLE doctors (
        id INTEGER PRIMARY KEY,
        clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
        name TEXT NOT NULL
    );
    CREATE TABLE periods (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        CHECK (start <= end)
    );
    CREATE TABLE list_sizes (
        clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
        period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
        age_band TEXT NOT NULL DEFAULT '',
        sex TEXT NOT NULL DEFAULT '',
        patients INTEGER NOT NULL CHECK (patients >= 0),
        PRIMARY KEY (clinic_id, period_id, age_band, sex)
    );
    CREATE TABLE topics (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        package_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE measures (
        id INTEGER PRIMARY KEY,
        topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE indicators (
        id INTEGER PRIMARY KEY,
        topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        key TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        numerator_id INTEGER NOT NULL REFERENCES measures(id),
        denominator_id INTEGER REFERENCES measures(id),
        denominator_kind TEXT NOT NULL CHECK (denominator_kind IN ('measure', 'list_size', 'none')),
        unit TEXT NOT NULL CHECK (unit IN ('per1000', 'percent', 'per_patient', 'count')),
        per_year INTEGER NOT NULL DEFAULT 0,
        direction TEXT CHECK (direction IN ('max', 'min')),
        target_value REAL,
        target_source TEXT,
        group_key TEXT,
        sort_order INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        mapping TEXT,
        status TEXT NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'undone')),
        details_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX batches_sha ON batches(sha256);
    CREATE TABLE vals (
        id INTEGER PRIMARY KEY,
        clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
        measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
        period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
        value REAL,
        status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'suppressed', 'missing')),
        source_text TEXT,
        corrected INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1,
        batch_id INTEGER REFERENCES batches(id) ON DELETE CASCADE,
        sheet TEXT,
        row INTEGER,
        col TEXT,
        superseded_by INTEGER REFERENCES vals(id) ON DELETE SET NULL
    );
    CREATE UNIQUE INDEX vals_active ON vals(clinic_id, measure_id, period_id) WHERE active = 1;
    CREATE INDEX vals_batch ON vals(batch_id);
    CREATE TABLE mapping_profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        signature TEXT NOT NULL DEFAULT '',
        spec_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        date TEXT NOT NULL,
        time TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        agenda_json TEXT NOT NULL DEFAULT '[]',
        speakers_json TEXT NOT NULL DEFAULT '[]',
        questions_json TEXT NOT NULL DEFAULT '[]',
        period_id INTEGER REFERENCES periods(id),
        baseline_period_id INTEGER REFERENCES periods(id),
        settings_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE meeting_topics (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        PRIMARY KEY (meeting_id, topic_id)
    );
    CREATE TABLE code_draws (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        drawn_at TEXT NOT NULL,
        scheme TEXT NOT NULL DEFAULT 'letters',
        frozen_at TEXT
    );
    CREATE TABLE codes (
        draw_id INTEGER NOT NULL REFERENCES code_draws(id) ON DELETE CASCADE,
        clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        PRIMARY KEY (draw_id, clinic_id),
        UNIQUE (draw_id, code)
    );
    CREATE TABLE consents (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
        recorded_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (meeting_id, clinic_id)
    );
    CREATE TABLE reference_values (
        id INTEGER PRIMARY KEY,
        indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
        period_id INTEGER REFERENCES periods(id) ON DELETE CASCADE,
        scope TEXT NOT NULL CHECK (scope IN ('region', 'national')),
        value REAL NOT NULL,
        source TEXT NOT NULL,
        recorded TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        clinic_id INTEGER REFERENCES clinics(id) ON DELETE CASCADE,
        measure_id INTEGER REFERENCES measures(id) ON DELETE CASCADE,
        period_id INTEGER REFERENCES periods(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        detail_json TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 1 -> 2: notes can be shared with the group (anonymised) or kept private, and clinics get
    # planned actions between rounds.
    """
    ALTER TABLE notes ADD COLUMN audience TEXT NOT NULL DEFAULT 'private'
        CHECK (audience IN ('private', 'group'));
    CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        clinic_id INTEGER NOT NULL REFERENCES clinics(id) ON DELETE CASCADE,
        indicator_id INTEGER REFERENCES indicators(id) ON DELETE CASCADE,
        meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
        text TEXT NOT NULL,
        remeasure_on TEXT,
        created_at TEXT NOT NULL
    );
    """,
    # 2 -> 3: replacing and undoing large batches stays fast. The foreign key superseded_by needs an
    # index of its own (SQLite scans the whole table per deleted row without one).
    """
    CREATE INDEX vals_superseded ON vals(superseded_by) WHERE superseded_by IS NOT NULL;
    """,
    # 3 -> 4: what each printed pack showed the group (the disclosure model of its group material, per
    # topic), so that a later pack is audited against everything a member has kept.
    """
    CREATE TABLE published (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        printed_at TEXT NOT NULL,
        disclosure_json TEXT NOT NULL,
        UNIQUE (meeting_id, topic)
    );
    """,
    # 4 -> 5: a short display name per clinic ("Kort navn"), shown in the window instead of a long name.
    # It identifies the clinic as its name does (the leak check looks for it too).
    """
    ALTER TABLE clinics ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
    """,
    # 5 -> 6: the anonymised tables of each meeting's last printed pack, with digests of every input they rest on,
    # so presentation mode shows what the members hold at once while nothing changed since (no audit again).
    """
    CREATE TABLE printed_slides (
        meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
        printed_at TEXT NOT NULL,
        lang TEXT NOT NULL,
        inputs_json TEXT NOT NULL
    );
    CREATE TABLE printed_tables (
        meeting_id INTEGER NOT NULL REFERENCES printed_slides(meeting_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        topic TEXT NOT NULL,
        table_json TEXT NOT NULL,
        PRIMARY KEY (meeting_id, position)
    );
    """,
    # 6 -> 7: every print of a meeting is kept (a member may hold a draft handed out before a late file as well as
    # the print after it), numbered by `print`; the one print an older file kept per meeting and topic stays.
    """
    CREATE TABLE published_prints (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        printed_at TEXT NOT NULL,
        disclosure_json TEXT NOT NULL,
        print INTEGER NOT NULL
    );
    INSERT INTO published_prints(id, meeting_id, topic, printed_at, disclosure_json, print)
        SELECT id, meeting_id, topic, printed_at, disclosure_json,
               (SELECT min(q.id) FROM published q WHERE q.meeting_id = p.meeting_id) FROM published p;
    DROP TABLE published;
    ALTER TABLE published_prints RENAME TO published;
    CREATE INDEX published_meeting ON published(meeting_id, print);
    """,
]

LATEST_VERSION = len(MIGRATIONS)
