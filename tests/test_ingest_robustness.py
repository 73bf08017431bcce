"""No file makes the importer crash or hang: damaged, truncated and random content yields a clear refusal."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngedesk.core.ingest import inspect_file

SUFFIXES = [".csv", ".txt", ".xlsx", ".xls", ".ods"]


def _check(path: Path) -> None:
    report = inspect_file(path)
    out = report.to_json(values=True)
    assert out["status"] in ("ok", "refused")
    if out["status"] == "refused":
        assert out["message"] and out["tables"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"tilfaeldig{suffix}"
    path.write_bytes(data)
    _check(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.01, 0.99), flips=st.lists(st.tuples(st.floats(0, 0.999), st.integers(0, 255)), max_size=8),
       name=st.sampled_from(["lib_calamine_header-row.xlsx", "dk_regiondk_Med_use.xlsx",
                             "lib_calamine_number_rows_repeated.ods", "lib_csvkit_test_skip_lines.xls",
                             "dk_ssi_Cases_by_sex.csv"]))
def test_damaged_real_files_never_crash(tmp_path: Path, external: Path, cut: float, flips: list, name: str) -> None:
    data = bytearray((external / name).read_bytes())
    for where, byte in flips:
        data[int(where * len(data))] = byte
    path = tmp_path / name
    path.write_bytes(bytes(data[: max(1, int(cut * len(data)))]) if not flips else bytes(data))
    _check(path)


def test_missing_file_is_refused_not_raised(tmp_path: Path) -> None:
    report = inspect_file(tmp_path / "findes_ikke.csv")
    assert report.refused and report.refusal.kind == "unreadable"



def test_a_reader_panic_is_a_refusal(tmp_path: Path, external: Path) -> None:
    """calamine panics (a Rust panic: BaseException, not Exception) on this .xls cut after 517 bytes."""
    path = tmp_path / "afbrudt.xls"
    path.write_bytes((external / "lib_csvkit_test_skip_lines.xls").read_bytes()[:517])
    report = inspect_file(path)
    assert report.refused and report.refusal.kind == "corrupt"
