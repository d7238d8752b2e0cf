"""The raw_reports asset reads through the same entry point as the parser: an HTML page is stored as
its rendered lines with source_format 'html' (real Dagster instance, real files, no mocks)."""

import shutil

import dagster as dg
import pandas as pd

from orchestration.definitions import ASSETS, build_resources
from tests.conftest import FIXTURES, SAMPLE_DIR

CRAWLED_PAGE = FIXTURES / "devset" / "raw" / "020_shuyang_fgj_2023.html"


def _materialize(instance, raw, wh, selection, partition=None):
    return dg.materialize(ASSETS, selection=selection, partition_key=partition,
                          resources=build_resources(str(raw), str(wh)), instance=instance)


def test_raw_reports_stores_html_pages_as_rendered_lines(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    shutil.copy(CRAWLED_PAGE, raw / CRAWLED_PAGE.name)
    shutil.copy(SAMPLE_DIR / "002_a6a6458d8018b677.txt", raw / "002_a6a6458d8018b677.txt")
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        assert _materialize(instance, raw, wh, ["raw_reports"], "2023").success
    inventory = pd.read_parquet(wh / "raw_file_inventory.parquet").set_index("source_path")
    assert inventory.loc[CRAWLED_PAGE.name, ["outcome", "year", "encoding"]].tolist() == ["report", 2023, "utf-8"]
    stored = pd.read_parquet(wh / "raw_reports" / "year=2023" / "part-0.parquet")
    assert stored["source_path"].tolist() == [CRAWLED_PAGE.name]
    assert stored["source_format"].tolist() == ["html"]
    lines = stored["text"].iloc[0].split("\n")
    assert "| 规范性文件 | 8 | 0 | 18 |" in lines
    assert not any("<" in line and ">" in line for line in lines)
