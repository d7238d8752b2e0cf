"""Crashes and re-runs: a run killed while it writes a partition leaves the previous one intact and
readable; re-running with unchanged input gives identical rows; changed input replaces exactly its
partition; rows of removed reports disappear, also when every report of a year was removed.

The kill is real: ``govreports run`` in a subprocess with its own DAGSTER_HOME, a partition big
enough to be written for a while, SIGSTOP the moment a temporary file appears (so it is caught
mid-write), then SIGKILL.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.definitions import YEAR_ASSETS
from orchestration.runner import run_pipeline
from tests.conftest import ROOT, SAMPLE_DIR
from tests.reliability.hostile import write

QUIET = {"progress": lambda _: None}
REPORT_002 = "002_a6a6458d8018b677.txt"  # 2021, agency 桃城区政府
REPORT_001 = "001_64ff3bdd190e597a.txt"  # 2021


def parquet_files(warehouse: Path) -> dict[str, bytes]:
    return {p.relative_to(warehouse).as_posix(): p.read_bytes() for p in sorted(warehouse.rglob("*.parquet"))}


def frames(warehouse: Path) -> dict[str, pd.DataFrame]:
    found = {asset: pd.read_parquet(warehouse / asset) for asset in YEAR_ASSETS}
    found |= {p.stem: pd.read_parquet(p) for p in warehouse.glob("*.parquet")}
    return found


def spooled_parts(spool: Path) -> list[Path]:
    """Parquet parts the year pass is writing (locally, before any is published to the warehouse)."""
    return sorted(spool.glob("govreports-2021-*/*/part-*.parquet"))


# ------------------------------------------------------------------------------------ killed mid-write

def big_year(raw: Path, reports: int) -> None:
    """``reports`` distinct 2021 reports (copies of seed 002 under other agency names, each with 30 KB of
    prose), so the 2021 partitions take a moment to write."""
    text = (SAMPLE_DIR / REPORT_002).read_text(encoding="utf-8")
    rng = random.Random(3)
    words = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    for n in range(reports):
        prose = "".join(rng.choice(words) for _ in range(10_000))
        write(raw, f"big/{n:03d}.txt", text.replace("桃城区", f"桃城区{n}号") + "\n" + prose + "\n")


def catch_mid_write(process: subprocess.Popen, spool: Path, timeout: float = 180) -> Path:
    """Stop the run the moment the year pass has Parquet parts being written, and still has once stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if spooled_parts(spool):
            process.send_signal(signal.SIGSTOP)
            still = spooled_parts(spool)
            if still:
                return still[0]
            process.send_signal(signal.SIGCONT)
        time.sleep(0.0005)
    pytest.fail(f"no write caught (exit code {process.poll()})")


def test_run_killed_mid_write_leaves_the_previous_partition_intact(tmp_path):
    """Parts are written locally (TMPDIR) and published by a directory swap: a run killed while writing
    leaves every partition of the warehouse as it was, byte for byte, for pandas and DuckDB alike."""
    raw, warehouse, home = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "dagster_home"
    spool = tmp_path / "spool"
    for sample in SAMPLE_DIR.glob("*.txt"):
        write(raw, sample.name, sample.read_bytes())
    run_pipeline(str(raw), str(warehouse), years=[2021], **QUIET)
    before_bytes, before = parquet_files(warehouse), frames(warehouse)
    big_year(raw, 12)
    home.mkdir()
    spool.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run", "--raw", str(raw), "--warehouse", str(warehouse),
         "--year", "2021"], cwd=ROOT, env={**os.environ, "DAGSTER_HOME": str(home), "TMPDIR": str(spool)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        catch_mid_write(process, spool)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its worker processes
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    published = {k: v for k, v in parquet_files(warehouse).items() if k != "raw_file_inventory.parquet"}
    assert published == {k: v for k, v in before_bytes.items() if k != "raw_file_inventory.parquet"}
    for asset in YEAR_ASSETS:  # pandas and DuckDB see the previous year, whole
        pd.testing.assert_frame_equal(pd.read_parquet(warehouse / asset), before[asset])
        count = duckdb.sql(f"select count(*) from read_parquet('{warehouse / asset}/*/*.parquet', "
                           "hive_partitioning=true)").fetchall()[0][0]
        assert count == len(before[asset])
    # the next run completes over the leftover and gives the whole new year
    run_pipeline(str(raw), str(warehouse), years=[2021], **QUIET)
    dim = pd.read_parquet(warehouse / "dim_reports")
    assert len(dim) == 2 + 12
    assert [p for p in warehouse.rglob("*.parquet") if p.name.startswith(".")] == []
    assert not [p for staging in warehouse.rglob(".staging") for p in staging.iterdir()]  # nothing staged left


# ------------------------------------------------------------------------------------ re-runs

@pytest.fixture(scope="module")
def reruns(tmp_path_factory):
    """Four runs over one raw folder and warehouse, with snapshots after each."""
    root = tmp_path_factory.mktemp("reruns")
    raw, warehouse = root / "raw", root / "warehouse"
    for sample in SAMPLE_DIR.glob("*.txt"):
        write(raw, sample.name, sample.read_bytes())
    snapshots = {}

    def snapshot(name: str) -> None:
        snapshots[name] = {"bytes": parquet_files(warehouse), "frames": frames(warehouse),
                           "mtimes": {p.relative_to(warehouse).as_posix(): p.stat().st_mtime_ns
                                      for p in warehouse.rglob("*.parquet")}}

    run_pipeline(str(raw), str(warehouse), **QUIET)
    snapshot("first")
    run_pipeline(str(raw), str(warehouse), **QUIET)
    snapshot("unchanged")
    changed = (raw / REPORT_002).read_text(encoding="utf-8").replace("行政规范性文件\n\n0\n\n0\n\n10\n",
                                                                       "行政规范性文件\n\n0\n\n0\n\n12\n")
    (raw / REPORT_002).write_text(changed, encoding="utf-8")
    (raw / REPORT_001).unlink()
    run_pipeline(str(raw), str(warehouse), years=[2021], **QUIET)
    snapshot("changed_2021")
    inventory = pd.read_parquet(warehouse / "raw_file_inventory.parquet")
    for path in inventory.loc[inventory["year"] == 2020, "source_path"]:
        (raw / path).unlink()
    summary = run_pipeline(str(raw), str(warehouse), **QUIET)
    snapshot("no_2020")
    return snapshots, summary


def test_unchanged_input_gives_identical_rows(reruns):
    snapshots, _ = reruns
    first, again = snapshots["first"], snapshots["unchanged"]
    assert sorted(first["frames"]) == sorted(again["frames"])
    for name, frame in first["frames"].items():
        pd.testing.assert_frame_equal(frame, again["frames"][name], obj=name)
    assert first["bytes"] == again["bytes"]  # same rows, same bytes: pyarrow writes no timestamp


def test_changed_input_replaces_exactly_that_partition(reruns):
    snapshots, _ = reruns
    before, after = snapshots["unchanged"], snapshots["changed_2021"]
    untouched = [p for p in before["bytes"] if "/year=2020/" in p]
    assert untouched and all(after["bytes"][p] == before["bytes"][p] and after["mtimes"][p] == before["mtimes"][p]
                             for p in untouched)  # not even rewritten
    dim = after["frames"]["dim_reports"]
    assert sorted(dim.loc[dim["year"] == 2021, "source_path"]) == [REPORT_002]
    facts = after["frames"]["fact_active_disclosure"]
    cell = facts[(facts["year"] == 2021) & (facts["item"] == "normative_documents") & (facts["measure"] == "in_force")]
    assert cell["value"].tolist() == [12.0]


def test_rows_of_a_removed_report_disappear_from_every_table(reruns):
    snapshots, _ = reruns
    before, after = snapshots["unchanged"], snapshots["changed_2021"]
    dim = before["frames"]["dim_reports"]
    removed = dim.loc[dim["source_path"] == REPORT_001, "report_id"].item()
    for name in ("raw_reports", "report_sections", "report_tables", "fact_applications", "dim_reports"):
        assert removed in set(before["frames"][name]["report_id"]), name
    for name in YEAR_ASSETS:
        assert removed not in set(after["frames"][name]["report_id"]), name


def test_year_whose_reports_were_all_removed_is_emptied(reruns):
    """Regression (stale_year_after_all_reports_removed): `govreports run` only ran years found in the
    inventory, so a year whose every report was removed kept all its old rows."""
    snapshots, summary = reruns
    assert summary["years"] == [2020, 2021]
    after = snapshots["no_2020"]
    for name in YEAR_ASSETS:
        frame = after["frames"][name]
        assert (frame["year"].astype(int) == 2020).sum() == 0, name
        assert f"{name}/year=2020/part-0.parquet" in after["bytes"]  # rewritten empty, still readable
    rollup = after["frames"]["rollup_applications"]
    assert rollup["year"].tolist() == [2021]


def test_readers_ignore_a_leftover_temporary_file(tmp_path):
    """What a killed run leaves (a half-written ``.part-0.parquet.<id>.tmp``) is invisible to the readers
    the README documents: pandas on the asset folder and DuckDB on ``*/*.parquet``."""
    asset = tmp_path / "fact_applications"
    (asset / "year=2021").mkdir(parents=True)
    pd.DataFrame({"report_id": ["a", "b"], "value": [1.0, 2.0]}).to_parquet(asset / "year=2021" / "part-0.parquet")
    whole = (asset / "year=2021" / "part-0.parquet").read_bytes()
    (asset / "year=2021" / ".part-0.parquet.0123abcd.tmp").write_bytes(whole[: len(whole) // 2])
    (asset / "year=2020").mkdir()
    (asset / "year=2020" / ".part-0.parquet.4567cdef.tmp").write_bytes(b"PAR1\x00garbage")
    frame = pd.read_parquet(asset)
    assert frame["report_id"].tolist() == ["a", "b"] and set(frame["year"].astype(int)) == {2021}
    rows = duckdb.sql(f"select year, report_id from read_parquet('{asset}/*/*.parquet', hive_partitioning=true) "
                      "order by 2").fetchall()
    assert rows == [(2021, "a"), (2021, "b")]
