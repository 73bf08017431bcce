"""Planned actions between rounds: changing and removing them (adding and listing live in meetings_store)."""

from __future__ import annotations

import enum
from datetime import date

from klyngedesk.core.cpr import refuse_cpr
from klyngedesk.core.store.part import StorePart
from klyngedesk.i18n import KlyngeError


class _Keep(enum.Enum):
    """The default of an argument left out: keep the stored value."""

    KEEP = enum.auto()


_KEEP = _Keep.KEEP


class ActionsStore(StorePart):
    """Edit or remove one planned action by its id."""

    def update_action(self, action_id: int, *, text: str | None = None, remeasure_on: date | None | _Keep = _KEEP,
                      indicator: str | None | _Keep = _KEEP) -> None:
        """Change an action's text, re-measure date or indicator; arguments left out stay as they are."""
        refuse_cpr("The planned action", text)
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM actions WHERE id = ?", (action_id,)).fetchone() is None:
                raise KlyngeError("Unknown planned action {id}.", id=action_id)
            if text is not None:
                c.execute("UPDATE actions SET text = ? WHERE id = ?", (text, action_id))
            if not isinstance(remeasure_on, _Keep):
                c.execute("UPDATE actions SET remeasure_on = ? WHERE id = ?",
                          (remeasure_on.isoformat() if remeasure_on else None, action_id))
            if not isinstance(indicator, _Keep):
                c.execute("UPDATE actions SET indicator_id = ? WHERE id = ?",
                          (self.keys.indicator(indicator) if indicator else None, action_id))

    def remove_action(self, action_id: int) -> None:
        with self.transaction() as c:
            if c.execute("DELETE FROM actions WHERE id = ?", (action_id,)).rowcount == 0:
                raise KlyngeError("Unknown planned action {id}.", id=action_id)
