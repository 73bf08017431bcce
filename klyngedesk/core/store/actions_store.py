"""Planned actions between rounds: changing and removing them (adding and listing live in meetings_store)."""

from __future__ import annotations

from datetime import date

from klyngedesk.i18n import KlyngeError

_KEEP = object()


class ActionsStore:
    """Mixin over ProjectFile: edit or remove one planned action by its id."""

    def update_action(self, action_id: int, *, text: str | None = None, remeasure_on: date | None | object = _KEEP,
                      indicator: str | None | object = _KEEP) -> None:
        """Change an action's text, re-measure date or indicator; arguments left out stay as they are."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM actions WHERE id = ?", (action_id,)).fetchone() is None:
                raise KlyngeError("Unknown planned action {id}.", id=action_id)
            if text is not None:
                c.execute("UPDATE actions SET text = ? WHERE id = ?", (text, action_id))
            if remeasure_on is not _KEEP:
                c.execute("UPDATE actions SET remeasure_on = ? WHERE id = ?",
                          (remeasure_on.isoformat() if remeasure_on else None, action_id))
            if indicator is not _KEEP:
                c.execute("UPDATE actions SET indicator_id = ? WHERE id = ?",
                          (self._indicator_id(indicator) if indicator else None, action_id))

    def remove_action(self, action_id: int) -> None:
        with self.transaction() as c:
            if c.execute("DELETE FROM actions WHERE id = ?", (action_id,)).rowcount == 0:
                raise KlyngeError("Unknown planned action {id}.", id=action_id)
