"""A year partition written in several Parquet parts: read whole by pandas and DuckDB, replaced whole
on re-materialization (no stale part, no staging left), and checked one row group at a time."""


import dagster as dg
import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from upath import UPath

import assets.pipeline.year_pass as year_pass
import assets.storage.parts as parts
from assets.pipeline.frames import BOX, CORRECTED
from assets.storage.io_manager import PartitionTable
from orchestration.checks import ASSET_CHECKS, validate_row_groups
from orchestration.definitions import ASSETS, YEAR_ASSETS, build_resources
from schemas.tables import FactApplications
from tests.conftest import copy_text_samples


def _year_2021(instance, raw, wh):
    result = dg.materialize([*ASSETS, *ASSET_CHECKS], selection=YEAR_ASSETS, partition_key="2021",
                            resources=build_resources(str(raw), str(wh)), instance=instance)
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations() if e.check_name != "quality_summary")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["report_id", "row", "applicant"]).reset_index(drop=True)


def test_partition_in_several_parts_is_read_whole_and_replaced_whole(tmp_path, monkeypatch):
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    copy_text_samples(raw)
    year_dir = wh / "fact_applications" / "year=2021"
    monkeypatch.setattr(year_pass, "MIN_BATCH", 1)  # a part per report (a batch each) …
    monkeypatch.setattr(year_pass, "MAX_BATCH", 1)  # … then, undone, one part for both
    with dg.instance_for_test() as instance:
        dg.materialize(ASSETS, selection=["raw_file_inventory"], resources=build_resources(str(raw), str(wh)),
                       instance=instance)
        _year_2021(instance, raw, wh)
        assert sorted(p.name for p in year_dir.iterdir()) == ["part-0.parquet", "part-1.parquet"]
        several = pd.read_parquet(wh / "fact_applications")
        assert len(several) == 7 * 23 + 7 * 25
        counted = duckdb.sql(f"select count(*) from read_parquet('{wh}/fact_applications/*/*.parquet', "
                             "hive_partitioning=true)").fetchall()
        assert counted == [(len(several),)]
        monkeypatch.undo()
        _year_2021(instance, raw, wh)
    assert [p.name for p in year_dir.iterdir()] == ["part-0.parquet"]  # the stale part-1 went with its directory
    pd.testing.assert_frame_equal(_sorted(pd.read_parquet(wh / "fact_applications")), _sorted(several))
    assert not any((wh / "fact_applications" / ".staging").iterdir())  # nothing staged left


def test_schema_check_fails_when_one_report_spans_two_row_groups(tmp_path, monkeypatch):
    import orchestration.checks

    monkeypatch.setattr(orchestration.checks, "CHECKED_ROWS", 1)  # each row group validated on its own
    frame = pd.DataFrame({"report_id": ["0123456789abcdef"] * 2, "row": ["new_received", "carried_over"],
                          "applicant": ["total", "total"], "value": [1.0, 2.0], "cell_status": ["number"] * 2,
                          "raw": ["1", "2"], "source_line": pd.array([3, 4], dtype="Int64"),
                          **{name: pd.array([None, None], dtype="Int64") if name == "page" else [None, None]
                             for name in (*BOX, *CORRECTED)}})  # no PDF box, no correction
    directory = tmp_path / "year=2021"
    directory.mkdir()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), directory / "part-0.parquet", row_group_size=1)
    rows, problem = validate_row_groups(PartitionTable(UPath(directory), 2021), FactApplications)
    assert problem is not None and "several row groups" in problem["error"]
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), directory / "part-0.parquet")
    assert validate_row_groups(PartitionTable(UPath(directory), 2021), FactApplications) == (2, None)


def test_row_groups_are_read_together_up_to_a_row_count(tmp_path):
    """The schema checks validate consecutive row groups together (a year has one per batch of reports):
    the same rows in the same order, whole row groups only."""
    directory = tmp_path / "year=2021"
    directory.mkdir()
    for part, start in enumerate((0, 5)):
        table = pa.table({"report_id": [f"{i:016x}" for i in range(start, start + 5)], "n": range(start, start + 5)})
        pq.write_table(table, directory / f"part-{part}.parquet", row_group_size=2)  # groups of 2, 2, 1 rows
    reader = PartitionTable(UPath(directory), 2021)
    assert [len(f) for f in reader.row_groups()] == [2, 2, 1, 2, 2, 1]
    frames = list(reader.row_groups(min_rows=3))
    assert [len(f) for f in frames] == [4, 3, 3]
    assert list(pd.concat(frames)["n"]) == list(range(10)) and set(pd.concat(frames)["year"]) == {2021}


def test_a_year_run_reads_only_its_years_rows_of_the_inventory(tmp_path, monkeypatch):
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    copy_text_samples(raw)
    with dg.instance_for_test() as instance:
        dg.materialize(ASSETS, selection=["raw_file_inventory"], resources=build_resources(str(raw), str(wh)),
                       instance=instance)
        stored = parts.StoredTable(UPath(wh / "raw_file_inventory.parquet"))
        whole = stored.read()
        assert set(whole["year"]) == {2020, 2021}  # the samples hold two years
        expected = whole[whole["year"] == 2021].reset_index(drop=True)
        pd.testing.assert_frame_equal(stored.read(year=2021), expected)
        pd.testing.assert_frame_equal(stored.read(["source_path"], year=2021), expected[["source_path"]])
        read_years = []
        plain_read = parts.StoredTable.read

        def recording_read(self, columns=None, year=None):
            frame = plain_read(self, columns, year)
            read_years.append(sorted(frame["year"].unique()) if "year" in frame else [year])
            return frame

        monkeypatch.setattr(parts.StoredTable, "read", recording_read)
        _year_2021(instance, raw, wh)
    assert read_years and all(years == [2021] for years in read_years)  # the year asset and its check
