"""Meetings, code draws, consents, notes and planned actions in the project file."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from klyngedesk.core.cpr import refuse_cpr, refuse_cpr_in_meeting
from klyngedesk.core.model import Meeting, Speaker
from klyngedesk.core.store.connection import now_iso
from klyngedesk.core.store.part import StorePart, row_id, to_json
from klyngedesk.i18n import KlyngeError


class MeetingsStore(StorePart):
    """Meetings and everything anonymisation records per meeting."""

    def save_meeting(self, meeting: Meeting) -> None:
        """Insert or update a meeting (by key) with its topics; text holding a CPR number is refused, nothing
        saved (CprInTypedText)."""
        refuse_cpr_in_meeting(meeting)
        with self.transaction() as c:
            params = (meeting.date.isoformat(), meeting.time, meeting.place, meeting.title,
                      to_json(list(meeting.agenda)),
                      to_json([asdict(s) for s in meeting.speakers]),
                      to_json(list(meeting.questions)),
                      self.keys.period(meeting.period) if meeting.period else None,
                      self.keys.period(meeting.baseline_period) if meeting.baseline_period else None,
                      to_json(meeting.settings))
            row = c.execute("SELECT id FROM meetings WHERE key = ?", (meeting.key,)).fetchone()
            if row:
                mid = row[0]
                c.execute("UPDATE meetings SET date = ?, time = ?, place = ?, title = ?, agenda_json = ?, "
                          "speakers_json = ?, questions_json = ?, period_id = ?, baseline_period_id = ?, "
                          "settings_json = ? WHERE id = ?", (*params, mid))
            else:
                mid = row_id(c.execute("INSERT INTO meetings(date, time, place, title, agenda_json, speakers_json, "
                                "questions_json, period_id, baseline_period_id, settings_json, key) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*params, meeting.key)))
            c.execute("DELETE FROM meeting_topics WHERE meeting_id = ?", (mid,))
            for topic in meeting.topics:
                tid = c.execute("SELECT id FROM topics WHERE key = ?", (topic,)).fetchone()
                if tid is None:
                    raise KlyngeError("Unknown topic {key}.", key=topic)
                c.execute("INSERT INTO meeting_topics(meeting_id, topic_id) VALUES (?, ?)", (mid, tid[0]))

    def meetings(self) -> list[Meeting]:
        topics: dict[int, list[str]] = {}
        for r in self.conn.execute("SELECT mt.meeting_id, t.key FROM meeting_topics mt "
                                   "JOIN topics t ON t.id = mt.topic_id ORDER BY t.id"):
            topics.setdefault(r[0], []).append(r[1])
        return [Meeting(
            key=r["key"], date=date.fromisoformat(r["date"]), title=r["title"], time=r["time"], place=r["place"],
            agenda=tuple(json.loads(r["agenda_json"])),
            speakers=tuple(Speaker(**s) for s in json.loads(r["speakers_json"])),
            questions=tuple(json.loads(r["questions_json"])), topics=tuple(topics.get(r["id"], ())),
            period=r["period"], baseline_period=r["baseline"], settings=json.loads(r["settings_json"]))
            for r in self.conn.execute(
                "SELECT m.*, p.key AS period, b.key AS baseline FROM meetings m "
                "LEFT JOIN periods p ON p.id = m.period_id LEFT JOIN periods b ON b.id = m.baseline_period_id "
                "ORDER BY m.date, m.id")]

    def meeting(self, key: str) -> Meeting:
        for meeting in self.meetings():
            if meeting.key == key:
                return meeting
        raise KlyngeError("Unknown meeting {key}.", key=key)

    # --- code draws ----------------------------------------------------------------------
    def save_draw(self, meeting: str, codes: dict[str, str], scheme: str) -> None:
        """Record a new code draw (clinic key -> code) for a meeting; refused once frozen."""
        with self.transaction() as c:
            mid = self.keys.meeting(meeting)
            current = self.draw(meeting)
            if current and current["frozen_at"]:
                raise KlyngeError("The codes for this meeting were frozen when the pack was printed "
                                  "({at}); they cannot be drawn again.", at=current["frozen_at"])
            did = row_id(c.execute("INSERT INTO code_draws(meeting_id, drawn_at, scheme) VALUES (?, ?, ?)",
                            (mid, now_iso(), scheme)))
            c.executemany("INSERT INTO codes(draw_id, clinic_id, code) VALUES (?, ?, ?)",
                          [(did, self.keys.clinic(k), code) for k, code in codes.items()])
            self.db.audit("draw", meeting=meeting, scheme=scheme, clinics=len(codes))

    def draw(self, meeting: str) -> dict | None:
        """The meeting's current draw: {"codes": {clinic: code}, "scheme", "drawn_at", "frozen_at"}."""
        r = self.conn.execute("SELECT * FROM code_draws WHERE meeting_id = ? ORDER BY id DESC LIMIT 1",
                              (self.keys.meeting(meeting),)).fetchone()
        if r is None:
            return None
        codes = {row[0]: row[1] for row in self.conn.execute(
            "SELECT c.key, k.code FROM codes k JOIN clinics c ON c.id = k.clinic_id WHERE k.draw_id = ?",
            (r["id"],))}
        return {"codes": codes, "scheme": r["scheme"], "drawn_at": r["drawn_at"], "frozen_at": r["frozen_at"]}

    def freeze_draw(self, meeting: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE code_draws SET frozen_at = ? WHERE frozen_at IS NULL AND id = (SELECT MAX(id) "
                      "FROM code_draws WHERE meeting_id = ?)", (now_iso(), self.keys.meeting(meeting)))

    # --- consents ------------------------------------------------------------------------
    def set_consent(self, meeting: str, clinic: str, consented: bool, note: str = "") -> None:
        with self.transaction() as c:
            mid, cid = self.keys.meeting(meeting), self.keys.clinic(clinic)
            if consented:
                c.execute("INSERT OR REPLACE INTO consents(meeting_id, clinic_id, recorded_at, note) "
                          "VALUES (?, ?, ?, ?)", (mid, cid, now_iso(), note))
            else:
                c.execute("DELETE FROM consents WHERE meeting_id = ? AND clinic_id = ?", (mid, cid))
            self.db.audit("consent", meeting=meeting, clinic=clinic, consented=consented)

    def consents(self, meeting: str) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT c.key FROM consents s JOIN clinics c ON c.id = s.clinic_id WHERE s.meeting_id = ?",
            (self.keys.meeting(meeting),))}

    # --- notes and actions ---------------------------------------------------------------
    def add_note(self, text: str, *, clinic: str | None = None, measure: str | None = None,
                 period: str | None = None, audience: str = "private") -> int:
        refuse_cpr("The note", text)
        with self.transaction() as c:
            return row_id(c.execute(
                "INSERT INTO notes(clinic_id, measure_id, period_id, text, created_at, audience) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self.keys.clinic(clinic) if clinic else None, self.keys.measure(measure) if measure else None,
                 self.keys.period(period) if period else None, text, now_iso(), audience)))

    def notes(self, clinic: str | None = None) -> list[dict]:
        sql = ("SELECT n.id, c.key AS clinic, m.key AS measure, p.key AS period, n.text, n.audience, n.created_at "
               "FROM notes n LEFT JOIN clinics c ON c.id = n.clinic_id LEFT JOIN measures m ON m.id = n.measure_id "
               "LEFT JOIN periods p ON p.id = n.period_id")
        params: tuple = ()
        if clinic:
            sql += " WHERE c.key = ?"
            params = (clinic,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY n.id", params)]

    def remove_note(self, note_id: int) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    def add_action(self, clinic: str, text: str, *, indicator: str | None = None, meeting: str | None = None,
                   remeasure_on: date | None = None) -> int:
        refuse_cpr("The planned action", text)
        with self.transaction() as c:
            return row_id(c.execute(
                "INSERT INTO actions(clinic_id, indicator_id, meeting_id, text, remeasure_on, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self.keys.clinic(clinic), self.keys.indicator(indicator) if indicator else None,
                 self.keys.meeting(meeting) if meeting else None, text,
                 remeasure_on.isoformat() if remeasure_on else None, now_iso())))

    def actions(self, clinic: str | None = None) -> list[dict]:
        sql = ("SELECT a.id, c.key AS clinic, i.key AS indicator, m.key AS meeting, a.text, a.remeasure_on "
               "FROM actions a JOIN clinics c ON c.id = a.clinic_id LEFT JOIN indicators i ON i.id = a.indicator_id "
               "LEFT JOIN meetings m ON m.id = a.meeting_id")
        params: tuple = ()
        if clinic:
            sql += " WHERE c.key = ?"
            params = (clinic,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY a.id", params)]
