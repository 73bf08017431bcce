"""What printed packs showed the group: one disclosure snapshot per topic of every print of every meeting."""

from __future__ import annotations

import json
from collections.abc import Sequence

from klyngedesk.core.store.connection import now_iso
from klyngedesk.core.store.part import StorePart, to_json


class PublishedStore(StorePart):
    """The disclosure model of every printed pack's group material, each print of a meeting kept (a member may
    hold a draft handed out before a late file as well as the print after it)."""

    def save_print(self, meeting: str, disclosures: Sequence[tuple[str, dict]]) -> bool:
        """Keep one print of `meeting`: (topic, disclosure model) per topic of its group material. A print that
        shows exactly what the meeting's latest print showed (the same topics, each alike) adds nothing: it tells a
        member nothing new. Returns whether a new print was kept."""
        rows = [(topic, to_json(disclosure)) for topic, disclosure in disclosures]
        latest = self.latest_print(meeting)
        if latest and latest == {topic: json.loads(text) for topic, text in rows}:
            return False
        mid = self.keys.meeting(meeting)
        with self.transaction() as c:
            number = c.execute("SELECT coalesce(max(print), 0) + 1 FROM published").fetchone()[0]
            when = now_iso()
            c.executemany("INSERT INTO published(meeting_id, topic, printed_at, disclosure_json, print) "
                          "VALUES (?, ?, ?, ?, ?)", [(mid, topic, when, text, number) for topic, text in rows])
        return True

    def save_published(self, meeting: str, topic: str, disclosure: dict) -> bool:
        """A print of one topic only (`save_print`)."""
        return self.save_print(meeting, [(topic, disclosure)])

    def published(self, *, without_latest: str | None = None) -> list[dict]:
        """Every print kept, oldest meeting first and each meeting's prints in the order printed:
        {"meeting", "topic", "printed_at", "print", "disclosure"}. With `without_latest`, that meeting's latest
        print is left out (what the latest print was audited against, when nothing was printed since)."""
        rows = self.conn.execute(
            "SELECT m.key, p.topic, p.printed_at, p.print, p.disclosure_json FROM published p "
            "JOIN meetings m ON m.id = p.meeting_id ORDER BY m.date, m.id, p.print, p.topic").fetchall()
        last = self._latest_number(without_latest) if without_latest is not None else None
        return [{"meeting": r[0], "topic": r[1], "printed_at": r[2], "print": r[3], "disclosure": json.loads(r[4])}
                for r in rows if last is None or r[3] != last]

    def latest_print(self, meeting: str) -> dict[str, dict]:
        """topic -> disclosure model of the meeting's latest print ({} when it was never printed)."""
        last = self._latest_number(meeting)
        if last is None:
            return {}
        return {r[0]: json.loads(r[1]) for r in self.conn.execute(
            "SELECT topic, disclosure_json FROM published WHERE print = ?", (last,))}

    def _latest_number(self, meeting: str) -> int | None:
        row = self.conn.execute("SELECT max(p.print) FROM published p JOIN meetings m ON m.id = p.meeting_id "
                                "WHERE m.key = ?", (meeting,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])
