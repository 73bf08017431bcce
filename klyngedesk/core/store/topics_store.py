"""Topics with their measures and indicators, and reference values, in the project file."""

from __future__ import annotations

import json

from klyngedesk.core.model import Indicator, Measure, ReferenceValue, Topic
from klyngedesk.core.store.part import StorePart, row_id, to_json
from klyngedesk.i18n import KlyngeError


class TopicsStore(StorePart):
    """Topics, measures, indicators, region/national reference values."""

    def add_topic(self, topic: Topic) -> None:
        """Store a topic, its measures and indicators in one transaction."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM topics WHERE key = ?", (topic.key,)).fetchone():
                raise KlyngeError("A topic with the key {key} already exists.", key=topic.key)
            tid = row_id(c.execute("INSERT INTO topics(key, title, description, package_json) VALUES (?, ?, ?, ?)",
                            (topic.key, topic.title, topic.description,
                             to_json(topic.package))))
            for m in topic.measures:
                if c.execute("SELECT 1 FROM measures WHERE key = ?", (m.key,)).fetchone():
                    raise KlyngeError("A measure with the key {key} already exists.", key=m.key)
                c.execute("INSERT INTO measures(topic_id, key, title, description) VALUES (?, ?, ?, ?)",
                          (tid, m.key, m.title, m.description))
            for order, ind in enumerate(topic.indicators):
                num = self.keys.measure(ind.numerator)
                den = self.keys.measure(ind.denominator) if ind.denominator_kind == "measure" else None
                if ind.denominator_kind == "measure" and not ind.denominator:
                    raise KlyngeError("Indicator {key} needs a denominator measure.", key=ind.key)
                c.execute(
                    "INSERT INTO indicators(topic_id, key, title, description, numerator_id, denominator_id, "
                    "denominator_kind, unit, per_year, direction, target_value, target_source, group_key, "
                    "sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (tid, ind.key, ind.title, ind.description, num, den, ind.denominator_kind, ind.unit,
                     int(ind.per_year), ind.direction, ind.target_value, ind.target_source, ind.group_key,
                     order))

    def remove_topic(self, key: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM topics WHERE key = ?", (key,))

    def topics(self) -> list[Topic]:
        measures: dict[int, list[Measure]] = {}
        for r in self.conn.execute("SELECT * FROM measures ORDER BY id"):
            measures.setdefault(r["topic_id"], []).append(Measure(r["key"], r["title"], r["description"]))
        indicators: dict[int, list[Indicator]] = {}
        for r in self.conn.execute(
                "SELECT i.*, n.key AS num_key, d.key AS den_key FROM indicators i "
                "JOIN measures n ON n.id = i.numerator_id LEFT JOIN measures d ON d.id = i.denominator_id "
                "ORDER BY i.topic_id, i.sort_order, i.id"):
            indicators.setdefault(r["topic_id"], []).append(Indicator(
                key=r["key"], title=r["title"], numerator=r["num_key"], denominator=r["den_key"],
                denominator_kind=r["denominator_kind"], unit=r["unit"], description=r["description"],
                per_year=bool(r["per_year"]), direction=r["direction"], target_value=r["target_value"],
                target_source=r["target_source"], group_key=r["group_key"]))
        return [Topic(r["key"], r["title"], r["description"], tuple(measures.get(r["id"], ())),
                      tuple(indicators.get(r["id"], ())), json.loads(r["package_json"]))
                for r in self.conn.execute("SELECT * FROM topics ORDER BY id")]

    def topic(self, key: str) -> Topic:
        for topic in self.topics():
            if topic.key == key:
                return topic
        raise KlyngeError("Unknown topic {key}.", key=key)

    def measure_keys(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT key FROM measures")}

    # --- reference values ----------------------------------------------------------------
    def add_reference(self, ref: ReferenceValue) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO reference_values(indicator_id, period_id, scope, value, source, recorded) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      (self.keys.indicator(ref.indicator), self.keys.period(ref.period) if ref.period else None,
                       ref.scope, ref.value, ref.source, ref.recorded))

    def references(self, indicator: str | None = None) -> list[ReferenceValue]:
        sql = ("SELECT i.key AS ind, p.key AS per, r.scope, r.value, r.source, r.recorded "
               "FROM reference_values r JOIN indicators i ON i.id = r.indicator_id "
               "LEFT JOIN periods p ON p.id = r.period_id")
        params: tuple = ()
        if indicator:
            sql += " WHERE i.key = ?"
            params = (indicator,)
        return [ReferenceValue(r["ind"], r["scope"], r["value"], r["source"], r["per"], r["recorded"])
                for r in self.conn.execute(sql + " ORDER BY r.id", params)]
