"""Named mapping profiles (how a source's files map to measures), recognised by their column signature."""

from __future__ import annotations

import json

from klyngedesk.core.store.part import StorePart, to_json
from klyngedesk.i18n import KlyngeError


class MappingStore(StorePart):
    """Mapping profiles per source (Ordiprax, an EHR system, the region, ...)."""

    def save_mapping_profile(self, name: str, signature: str, spec: dict) -> None:
        """Create or replace the profile `name`."""
        if not name.strip():
            raise KlyngeError("A mapping profile needs a name.")
        with self.transaction() as c:
            c.execute("INSERT INTO mapping_profiles(name, signature, spec_json) VALUES (?, ?, ?) "
                      "ON CONFLICT(name) DO UPDATE SET signature = excluded.signature, spec_json = excluded.spec_json",
                      (name.strip(), signature, to_json(spec)))

    def mapping_profiles(self) -> list[dict]:
        return [{"name": r["name"], "signature": r["signature"], "spec": json.loads(r["spec_json"])}
                for r in self.conn.execute("SELECT name, signature, spec_json FROM mapping_profiles ORDER BY name")]

    def mapping_profile(self, name: str) -> dict:
        for profile in self.mapping_profiles():
            if profile["name"] == name:
                return profile
        raise KlyngeError("Unknown mapping profile {name}.", name=name)

    def remove_mapping_profile(self, name: str) -> None:
        with self.transaction() as c:
            if c.execute("DELETE FROM mapping_profiles WHERE name = ?", (name,)).rowcount == 0:
                raise KlyngeError("Unknown mapping profile {name}.", name=name)
