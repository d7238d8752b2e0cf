"""`govreports run --changed` leaves a year as it is only when its files and the code are those it was built from."""


import pandas as pd
import pytest

import assets.pipeline.versions as versions
from orchestration.cli import main
from orchestration.definitions import YEAR_ASSETS
from orchestration.runner import run_pipeline
from tests.conftest import copy_text_samples


@pytest.fixture()
def raw(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    folder = tmp_path / "raw"
    copy_text_samples(folder)
    return folder


def _parts(warehouse, year):
    """Each year table's part files with the inode and mtime they have now (rewritten files get new ones)."""
    return {path: (path.stat().st_ino, path.stat().st_mtime_ns)
            for asset in YEAR_ASSETS for path in (warehouse / asset / f"year={year}").glob("*.parquet")}


def _run(raw, warehouse, **options):
    said: list[str] = []
    run_pipeline(str(raw), str(warehouse), progress=said.append, **options)
    return said


def _tables(warehouse):
    tables = {asset: pd.read_parquet(warehouse / asset) for asset in YEAR_ASSETS}
    return {asset: table.sort_values(list(table.columns)).reset_index(drop=True) for asset, table in tables.items()}


def test_run_changed_rebuilds_only_the_year_whose_files_changed(raw, tmp_path):
    warehouse = tmp_path / "warehouse"
    _run(raw, warehouse)
    before = {year: _parts(warehouse, year) for year in (2020, 2021)}
    inventory = pd.read_parquet(warehouse / "raw_file_inventory.parquet")
    changed = inventory.loc[inventory["year"] == 2021, "source_path"].iloc[0]
    (raw / changed).write_bytes((raw / changed).read_bytes() + "\n附件：无\n".encode())

    said = _run(raw, warehouse, changed_only=True)
    assert "unchanged since written (same files, same code), left as they are: [2020]" in said
    assert [line for line in said if line.startswith("[2/4]")] == ["[2/4] year 2021 (1/1)"]
    assert _parts(warehouse, 2020) == before[2020]
    assert set(_parts(warehouse, 2021).values()).isdisjoint(before[2021].values())

    fresh = tmp_path / "fresh"
    _run(raw, fresh)
    kept = _tables(warehouse)
    for asset, table in _tables(fresh).items():
        pd.testing.assert_frame_equal(kept[asset], table, obj=asset)
    assert _run(raw, warehouse, changed_only=True)[1] == "unchanged since written (same files, same code), " \
                                                        "left as they are: [2020, 2021]"


def test_run_changed_rebuilds_every_year_after_a_code_change(raw, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse"
    _run(raw, warehouse)
    monkeypatch.setattr(versions, "code_version", lambda: "f" * 16)
    said = _run(raw, warehouse, changed_only=True)
    assert not [line for line in said if line.startswith("unchanged")]
    assert [line for line in said if line.startswith("[2/4]")] == ["[2/4] year 2020 (1/2)", "[2/4] year 2021 (2/2)"]


def test_run_changed_rebuilds_a_year_whose_files_were_all_removed(raw, tmp_path, capsys):
    warehouse = tmp_path / "warehouse"
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    inventory = pd.read_parquet(warehouse / "raw_file_inventory.parquet")
    for name in inventory.loc[inventory["year"] == 2021, "source_path"]:
        (raw / name).unlink()
    capsys.readouterr()
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse), "--changed"]) == 0
    out = capsys.readouterr().out
    assert "left as they are: [2020]" in out and "[2/4] year 2021 (1/1)" in out
    assert len(pd.read_parquet(warehouse / "dim_reports", filters=[("year", "==", 2021)])) == 0
