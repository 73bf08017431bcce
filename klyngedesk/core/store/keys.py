"""Key -> row id look-ups shared by the stores (a clinic's key to its id, and so on)."""

from __future__ import annotations

from klyngedesk.core.store.connection import ProjectFile
from klyngedesk.i18n import KlyngeError


class Keys:
    """Finds the row id of a clinic, period, measure, indicator or meeting by its key; unknown keys refused."""

    def __init__(self, db: ProjectFile) -> None:
        self.db = db

    def _id(self, table: str, key: str | None, msgid: str) -> int:
        r = self.db.conn.execute(f"SELECT id FROM {table} WHERE key = ?", (key,)).fetchone()
        if r is None:
            raise KlyngeError(msgid, key=key)
        return int(r[0])

    def clinic(self, key: str) -> int:
        return self._id("clinics", key, "Unknown clinic {key}.")

    def period(self, key: str) -> int:
        return self._id("periods", key, "Unknown period {key}.")

    def measure(self, key: str | None) -> int:
        return self._id("measures", key, "Unknown measure {key}.")

    def indicator(self, key: str) -> int:
        return self._id("indicators", key, "Unknown indicator {key}.")

    def meeting(self, key: str) -> int:
        return self._id("meetings", key, "Unknown meeting {key}.")
