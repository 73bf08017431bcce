"""Cluster, clinics, doctors, periods and list sizes in the project file."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from klyngedesk.core.cpr import refuse_cpr, refuse_cpr_in_clinic
from klyngedesk.core.model import Clinic, Cluster, Period
from klyngedesk.core.store.part import StorePart
from klyngedesk.i18n import KlyngeError

if TYPE_CHECKING:  # pandas is imported by the reads that return a frame (opening a project needs none)
    import pandas as pd


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


_LIST_SIZES = ("SELECT c.key AS clinic, p.key AS period, l.patients FROM list_sizes l "
               "JOIN clinics c ON c.id = l.clinic_id JOIN periods p ON p.id = l.period_id "
               "WHERE l.age_band = '' AND l.sex = ''")


class ClinicsStore(StorePart):
    """The cluster and its clinics, periods and list sizes."""

    # --- cluster -------------------------------------------------------------------------
    def cluster(self) -> Cluster:
        r = self.conn.execute("SELECT * FROM cluster WHERE id = 1").fetchone()
        return Cluster(r["name"], r["municipality"], r["region"], json.loads(r["settings_json"]))

    def set_cluster(self, cluster: Cluster) -> None:
        refuse_cpr("The cluster's name, municipality or region", cluster.name, cluster.municipality, cluster.region)
        with self.transaction() as c:
            c.execute(
                "INSERT INTO cluster(id, name, municipality, region, settings_json) VALUES (1, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, municipality = excluded.municipality, "
                "region = excluded.region, settings_json = excluded.settings_json",
                (cluster.name, cluster.municipality, cluster.region, json.dumps(cluster.settings)))

    def setting(self, name: str, default=None):
        return self.cluster().settings.get(name, default)

    def set_setting(self, name: str, value) -> None:
        c = self.cluster()
        self.set_cluster(Cluster(c.name, c.municipality, c.region, {**c.settings, name: value}))

    # --- clinics -------------------------------------------------------------------------
    def add_clinic(self, clinic: Clinic) -> None:
        refuse_cpr_in_clinic(clinic)
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM clinics WHERE key = ?", (clinic.key,)).fetchone():
                raise KlyngeError("A clinic with the key {key} already exists.", key=clinic.key)
            if clinic.yder and c.execute("SELECT 1 FROM clinics WHERE yder = ?", (clinic.yder,)).fetchone():
                raise KlyngeError("A clinic with yder number {yder} already exists.", yder=clinic.yder)
            c.execute(
                "INSERT INTO clinics(key, name, yder, address, email, ehr_system, active_from, active_to, short_name) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (clinic.key, clinic.name, clinic.yder, clinic.address, clinic.email, clinic.ehr_system,
                 _iso(clinic.active_from), _iso(clinic.active_to), clinic.short_name.strip()))
            self._write_doctors(clinic.key, clinic.doctors)

    def update_clinic(self, clinic: Clinic) -> None:
        refuse_cpr_in_clinic(clinic)
        with self.transaction() as c:
            cid = self.keys.clinic(clinic.key)
            c.execute(
                "UPDATE clinics SET name = ?, yder = ?, address = ?, email = ?, ehr_system = ?, "
                "active_from = ?, active_to = ?, short_name = ? WHERE id = ?",
                (clinic.name, clinic.yder, clinic.address, clinic.email, clinic.ehr_system,
                 _iso(clinic.active_from), _iso(clinic.active_to), clinic.short_name.strip(), cid))
            self._write_doctors(clinic.key, clinic.doctors)

    def remove_clinic(self, key: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM clinics WHERE id = ?", (self.keys.clinic(key),))

    def _write_doctors(self, key: str, doctors: tuple[str, ...]) -> None:
        cid = self.keys.clinic(key)
        self.conn.execute("DELETE FROM doctors WHERE clinic_id = ?", (cid,))
        self.conn.executemany("INSERT INTO doctors(clinic_id, name) VALUES (?, ?)", [(cid, d) for d in doctors])

    def clinics(self) -> list[Clinic]:
        doctors: dict[int, list[str]] = {}
        for r in self.conn.execute("SELECT clinic_id, name FROM doctors ORDER BY id"):
            doctors.setdefault(r[0], []).append(r[1])
        return [
            Clinic(r["key"], r["name"], r["yder"], r["address"], r["email"], r["ehr_system"],
                   _d(r["active_from"]), _d(r["active_to"]), tuple(doctors.get(r["id"], ())), r["short_name"])
            for r in self.conn.execute("SELECT * FROM clinics ORDER BY name COLLATE NOCASE, key")
        ]

    def clinic(self, key: str) -> Clinic:
        for clinic in self.clinics():
            if clinic.key == key:
                return clinic
        raise KlyngeError("Unknown clinic {key}.", key=key)

    # --- periods -------------------------------------------------------------------------
    def add_period(self, period: Period) -> None:
        if period.start > period.end:
            raise KlyngeError("The period {key} ends before it starts.", key=period.key)
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM periods WHERE key = ?", (period.key,)).fetchone():
                raise KlyngeError("A period with the key {key} already exists.", key=period.key)
            c.execute("INSERT INTO periods(key, label, start, end) VALUES (?, ?, ?, ?)",
                      (period.key, period.label, period.start.isoformat(), period.end.isoformat()))

    def periods(self) -> list[Period]:
        return [Period(r["key"], r["label"], date.fromisoformat(r["start"]), date.fromisoformat(r["end"]))
                for r in self.conn.execute("SELECT * FROM periods ORDER BY start, key")]

    def period(self, key: str) -> Period:
        for period in self.periods():
            if period.key == key:
                return period
        raise KlyngeError("Unknown period {key}.", key=key)

    # --- list sizes ----------------------------------------------------------------------
    def set_list_sizes(self, rows: list[tuple[str, str, int]], age_band: str = "", sex: str = "") -> None:
        """Store list sizes as (clinic key, period key, patients), replacing earlier figures."""
        with self.transaction() as c:
            params = []
            for clinic, period, patients in rows:
                if patients is None or patients < 0:
                    raise KlyngeError("A list size must be zero or more (clinic {clinic}, period {period}).",
                                      clinic=clinic, period=period)
                params.append((self.keys.clinic(clinic), self.keys.period(period), age_band, sex, int(patients)))
            c.executemany("INSERT OR REPLACE INTO list_sizes(clinic_id, period_id, age_band, sex, patients) "
                          "VALUES (?, ?, ?, ?, ?)", params)

    def list_size_totals(self) -> dict[tuple[str, str], int]:
        """(clinic, period) -> total list size, as a plain dict (an import needs no frame, nor pandas)."""
        return {(str(c), str(p)): int(n) for c, p, n in self.conn.execute(_LIST_SIZES)}

    def list_sizes(self, period: str | None = None) -> pd.DataFrame:
        """Total list size per clinic and period: columns clinic, period, patients."""
        sql = _LIST_SIZES
        params: tuple = ()
        if period is not None:
            sql += " AND p.key = ?"
            params = (period,)
        import pandas as pd

        return pd.read_sql_query(sql, self.conn, params=params)
