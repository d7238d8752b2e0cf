"""Regression: two year runs publishing the same asset at once. A run that found ``<asset>/.staging`` empty
after its swap removed it while a run of another year was about to stage there or list it (seen in
``test_run_queue``: FileNotFoundError '.../report_tables/.staging' in the 2020 run beside 2023 and 2024)."""

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from upath import UPath

from assets.storage.io_manager import HiveParquetIOManager

YEARS_WRITTEN = ["2019", "2020", "2021", "2022", "2023", "2024"]
ROUNDS = 40


def _write_rounds(asset: UPath, year: str) -> None:
    for index in range(ROUNDS):
        HiveParquetIOManager._publish(pd.DataFrame({"report_id": [f"{year}-{index}"]}), asset / f"year={year}")


def test_year_runs_publishing_one_asset_at_once_keep_each_others_staging(tmp_path):
    asset = UPath(tmp_path) / "t"
    with ThreadPoolExecutor(len(YEARS_WRITTEN)) as pool:
        list(pool.map(lambda year: _write_rounds(asset, year), YEARS_WRITTEN))  # re-raises any failure
    for year in YEARS_WRITTEN:
        frame = pd.read_parquet(tmp_path / "t" / f"year={year}")
        assert frame["report_id"].tolist() == [f"{year}-{ROUNDS - 1}"]  # the last write, whole
    assert not any((tmp_path / "t" / ".staging").iterdir())  # nothing staged is left behind
