"""The printed pack's own anonymised tables per meeting, and digests of everything in the file they rest on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from klyngedesk.core.store.connection import now_iso
from klyngedesk.core.store.part import StorePart

# What the tables of a meeting's pack are computed from, as SQL over the project file, one group per input the
# coordinator would name. Whole rows (`*`): a column a later schema adds is covered without a word here. The
# meeting's own id is the one parameter (`:m`); `:own` rows of `published` are this print's own record.
_MEETING_MEASURES = ("SELECT ms.id FROM measures ms JOIN meeting_topics mt ON mt.topic_id = ms.topic_id "
                     "WHERE mt.meeting_id = :m UNION SELECT i.numerator_id FROM indicators i JOIN meeting_topics mt "
                     "ON mt.topic_id = i.topic_id WHERE mt.meeting_id = :m UNION SELECT i.denominator_id FROM "
                     "indicators i JOIN meeting_topics mt ON mt.topic_id = i.topic_id WHERE mt.meeting_id = :m")
INPUT_QUERIES: dict[str, tuple[str, ...]] = {
    "values": (f"SELECT * FROM vals WHERE active = 1 AND measure_id IN ({_MEETING_MEASURES}) ORDER BY id",),
    "clinics": ("SELECT * FROM clinics ORDER BY id", "SELECT * FROM doctors ORDER BY id",
                "SELECT * FROM list_sizes ORDER BY clinic_id, period_id, age_band, sex"),
    "rounds": ("SELECT * FROM periods ORDER BY id",),
    "topics": ("SELECT * FROM topics ORDER BY id", "SELECT * FROM measures ORDER BY id",
               "SELECT * FROM indicators ORDER BY id", "SELECT * FROM reference_values ORDER BY id"),
    "meeting": ("SELECT * FROM meetings WHERE id = :m", "SELECT * FROM meeting_topics WHERE meeting_id = :m "
                "ORDER BY topic_id"),
    "codes": ("SELECT * FROM code_draws WHERE meeting_id = :m ORDER BY id", "SELECT c.* FROM codes c JOIN code_draws d "
              "ON d.id = c.draw_id WHERE d.meeting_id = :m ORDER BY c.draw_id, c.clinic_id"),
    "consents": ("SELECT * FROM consents WHERE meeting_id = :m ORDER BY clinic_id",),
    "cluster": ("SELECT * FROM cluster",),
    "notes": ("SELECT * FROM notes ORDER BY id",),   # (a note on a value goes into its row's quality marks)
    "earlier_prints": ("SELECT * FROM published WHERE id NOT IN (SELECT value FROM json_each(:own)) ORDER BY id",),
}
# Tables the group's tables never read: the log, the import batches' provenance, mappings, the clinics' own
# planned actions (personal handouts only), and the printed tables themselves. Every other table of the file,
# also one a later schema adds, is digested whole under "other" unless a group above reads it.
APART = frozenset({"audit_log", "batches", "mapping_profiles", "actions", "printed_slides", "printed_tables"})
READ = frozenset({"vals", "clinics", "doctors", "list_sizes", "periods", "topics", "measures", "indicators",
                  "reference_values", "meetings", "meeting_topics", "code_draws", "codes", "consents", "cluster",
                  "notes", "published"})


class PrintedStore(StorePart):
    """The anonymised tables each meeting's last printed pack showed, with the digests of what they rest on."""

    def save_printed(self, meeting: str, lang: str, inputs: dict[str, str],
                     tables: Iterable[tuple[str, str]]) -> None:
        """Keep the print's tables ((topic, table JSON) in the pack's order), replacing the meeting's earlier ones."""
        mid = self.keys.meeting(meeting)
        with self.transaction() as c:
            c.execute("DELETE FROM printed_slides WHERE meeting_id = ?", (mid,))
            c.execute("INSERT INTO printed_slides(meeting_id, printed_at, lang, inputs_json) VALUES (?, ?, ?, ?)",
                      (mid, now_iso(), lang, json.dumps(inputs, sort_keys=True)))
            c.executemany("INSERT INTO printed_tables(meeting_id, position, topic, table_json) VALUES (?, ?, ?, ?)",
                          [(mid, i, topic, text) for i, (topic, text) in enumerate(tables)])

    def printed(self, meeting: str) -> dict | None:
        """{"printed_at", "lang", "inputs", "topics"} of the meeting's last print, or None (never printed)."""
        row = self.conn.execute("SELECT s.printed_at, s.lang, s.inputs_json, s.meeting_id FROM printed_slides s "
                                "JOIN meetings m ON m.id = s.meeting_id WHERE m.key = ?", (meeting,)).fetchone()
        if row is None:
            return None
        topics = [r[0] for r in self.conn.execute("SELECT topic FROM printed_tables WHERE meeting_id = ? "
                                                  "ORDER BY position", (row[3],))]
        return {"printed_at": row[0], "lang": row[1], "inputs": json.loads(row[2]), "topics": topics}

    def printed_table(self, meeting: str, position: int) -> str:
        """The JSON of the print's `position`-th topic table (KeyError if there is none)."""
        row = self.conn.execute("SELECT t.table_json FROM printed_tables t JOIN meetings m ON m.id = t.meeting_id "
                                "WHERE m.key = ? AND t.position = ?", (meeting, position)).fetchone()
        if row is None:
            raise KeyError((meeting, position))
        return str(row[0])

    def input_digests(self, meeting: str) -> dict[str, str]:
        """A SHA-256 per group of INPUT_QUERIES (and "other") over the file as it is now, with the meeting's own
        latest print (its `published` rows) left out of the earlier prints."""
        mid = self.keys.meeting(meeting)
        own = [r[0] for r in self.conn.execute("SELECT id FROM published WHERE print = (SELECT max(print) FROM "
                                               "published WHERE meeting_id = ?)", (mid,))]
        params = {"m": mid, "own": json.dumps(own)}
        tables = [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                                                  "NOT LIKE 'sqlite_%' ORDER BY name")]
        others = tuple(f'SELECT * FROM "{t}"' for t in tables if t not in APART | READ)
        out = {}
        for name, queries in {**INPUT_QUERIES, "other": others}.items():
            digest = hashlib.sha256()
            for sql in queries:
                digest.update(sql.encode())
                cursor = self.conn.execute(sql, {k: v for k, v in params.items() if f":{k}" in sql})
                while rows := cursor.fetchmany(20_000):   # (rows as tuples: a sqlite3.Row's repr is its address)
                    digest.update(repr([tuple(r) for r in rows]).encode())
            out[name] = digest.hexdigest()
        return out
