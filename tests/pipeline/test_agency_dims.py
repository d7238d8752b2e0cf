"""dim_reports carries who published each report and where; two reports of one agency and year are flagged."""

import dagster as dg
import pandas as pd

from orchestration.definitions import YEAR_ASSETS
from tests.conftest import SAMPLE_DIR
from tests.pipeline.test_materialize import _materialize


def test_dim_reports_has_agency_region_and_the_same_agency_year_flag(tmp_path):
    """Seed 002 and an edited copy of it (one figure changed, so different content, not a duplicate):
    both are kept, both carry the same agency_id, and both get a same_agency_year issue."""
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    text = (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_text(encoding="utf-8")
    (raw / "taocheng.txt").write_text(text, encoding="utf-8")
    (raw / "taocheng-revised.txt").write_text(text.replace("收费", "收费 ", 1), encoding="utf-8")
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        assert _materialize(instance, raw, wh, YEAR_ASSETS, "2021").success
    dim = pd.read_parquet(wh / "dim_reports").sort_values("source_path")
    assert dim[["source_path", "agency", "agency_full", "agency_id", "admin_level", "agency_kind", "province",
                "city", "county", "division_code", "source_format"]].values.tolist() == [
        [path, "桃城区政府", "衡水市桃城区人民政府", "131102/人民政府", "county", "government", "河北省", "衡水市",
         "桃城区", "131102", "text"] for path in ("taocheng-revised.txt", "taocheng.txt")]
    issues = pd.read_parquet(wh / "quality_issues")
    flagged = issues[issues["rule"] == "same_agency_year"]
    assert sorted(flagged["source_path"]) == ["taocheng-revised.txt", "taocheng.txt"]
    assert set(flagged["found"]) == {"2"}


def test_year_issues_are_written_in_slices_not_one_row_group(tmp_path, monkeypatch):
    """Regression (quality_issues_row_group_1_4gb): the year's own issues (same_agency_year, duplicates,
    texts that are no report) were written as one table, hence one row group: 312,005 rows at 200,000
    reports, and the quality_issues schema check rose to 1.43 GB reading it. Here 5 copies of one agency
    give 5 same_agency_year issues, written 2 at a time."""
    import pyarrow.parquet as pq

    import assets.year

    monkeypatch.setattr(assets.year, "ISSUE_SLICE", 2)
    monkeypatch.setenv("GOVREPORTS_WORKERS", "1")
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    text = (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_text(encoding="utf-8")
    for copy in range(5):
        (raw / f"taocheng-{copy}.txt").write_text(text.replace("收费", "收费" + " " * (copy + 1), 1), encoding="utf-8")
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        assert _materialize(instance, raw, wh, YEAR_ASSETS, "2021").success
    issues = pd.read_parquet(wh / "quality_issues")
    assert (issues["rule"] == "same_agency_year").sum() == 5
    parts = sorted((wh / "quality_issues" / "year=2021").glob("*.parquet"), key=lambda p: int(p.stem[5:]))
    files = [pq.ParquetFile(part) for part in parts]
    sizes = [file.metadata.row_group(i).num_rows for file in files for i in range(file.num_row_groups)]
    assert sum(sizes) == len(issues) and sizes[-3:] == [2, 2, 1]
