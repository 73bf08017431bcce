"""What printed packs showed the group: one disclosure snapshot per meeting and topic."""

from __future__ import annotations

import json

from klyngedesk.core.store.connection import now_iso
from klyngedesk.core.store.part import StorePart, to_json


class PublishedStore(StorePart):
    """The disclosure model of each printed pack's group material."""

    def save_published(self, meeting: str, topic: str, disclosure: dict) -> None:
        """Keep (or replace, when the same meeting is printed again) what the pack showed for a topic."""
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO published(meeting_id, topic, printed_at, disclosure_json) "
                      "VALUES (?, ?, ?, ?)", (self.keys.meeting(meeting), topic, now_iso(),
                                              to_json(disclosure)))

    def published(self, *, before: str | None = None) -> list[dict]:
        """Every kept snapshot, oldest meeting first: {"meeting", "topic", "printed_at", "disclosure"}.
        With `before`, only those of other meetings (the earlier packs a member may have kept)."""
        rows = self.conn.execute(
            "SELECT m.key, p.topic, p.printed_at, p.disclosure_json FROM published p "
            "JOIN meetings m ON m.id = p.meeting_id ORDER BY m.date, m.id, p.topic").fetchall()
        return [{"meeting": r[0], "topic": r[1], "printed_at": r[2], "disclosure": json.loads(r[3])}
                for r in rows if before is None or r[0] != before]
