"""The whole pipeline on a real S3-compatible server (moto on loopback), configured by URL alone: raw reports
uploaded to a bucket, the warehouse in the same bucket. What lands there, read back with pandas through s3fs,
equals a local run of the same reports; the DuckDB rollups read the bucket through the registered fsspec
filesystem (DuckDB's httpfs cannot be downloaded here)."""

from pathlib import Path

import dagster as dg
import fsspec
import pandas as pd
import pytest

from assets.pipeline import year_pass
from assets.pipeline.ingest import discover
from assets.storage.resources import RawDirectory, Warehouse
from orchestration.definitions import ASSETS, build_resources
from orchestration.runner import run_pipeline
from orchestration.sensors import changed_files
from tests.conftest import SAMPLE_DIR, TEXT_SAMPLES, copy_text_samples

BUCKET = "govreports"
FIRST, SECOND = [path.name for path in TEXT_SAMPLES][:2]
FILLED = ["raw_file_inventory.parquet", "fact_applications", "dim_reports", "quality_issues",
          "rollup_applications.parquet", "rollup_agencies.parquet", "trends.parquet"]  # rows from the samples


def upload_samples(fs: fsspec.AbstractFileSystem, prefix: str) -> None:
    """The sample reports, one of them in a sub-folder, plus a hidden file that must be skipped."""
    for index, path in enumerate(TEXT_SAMPLES):
        fs.pipe(f"{prefix}/{'2021/' if index == 1 else ''}{path.name}", path.read_bytes())
    fs.pipe(f"{prefix}/.cache/notes.txt", b"not a report")


def local_copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    copy_text_samples(raw)
    second = sorted(raw.iterdir())[1]
    (raw / "2021").mkdir()
    second.rename(raw / "2021" / second.name)
    return raw


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=["modified_ns"], errors="ignore")  # when each copy of a file was written
    if "year" in frame:
        frame["year"] = frame["year"].astype(int)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture()
def bucket(s3) -> fsspec.AbstractFileSystem:
    fs = fsspec.filesystem("s3")
    fs.mkdir(BUCKET)
    yield fs
    fs.rm(BUCKET, recursive=True)


def test_discover_lists_a_bucket_prefix_and_skips_hidden_files(bucket):
    upload_samples(bucket, f"{BUCKET}/raw")
    root = RawDirectory(path=f"s3://{BUCKET}/raw").root()
    names = discover(root)
    assert len(names) == len(TEXT_SAMPLES) and not any(".cache" in name for name in names)
    assert sum(name.startswith("2021/") for name in names) == 1


def test_the_raw_files_sensor_scan_sees_objects_written_by_another_client(bucket):
    upload_samples(bucket, f"{BUCKET}/raw")
    root = RawDirectory(path=f"s3://{BUCKET}/raw").root()
    found = changed_files(root, {})
    assert len(found) == len(TEXT_SAMPLES) and all(state is not None for _, state in found)
    recorded = {name: state for name, state in found}  # as an inventory would record them
    assert changed_files(root, recorded) == []  # same stat (size, mtime): nothing changed
    crawler = fsspec.filesystem("s3", skip_instance_cache=True)  # another writer: this process's cache not told
    crawler.pipe(f"{BUCKET}/raw/2021/{SECOND}", b"replaced by an empty report")
    crawler.pipe(f"{BUCKET}/raw/new/{FIRST}", (SAMPLE_DIR / FIRST).read_bytes())
    assert [name for name, _ in changed_files(root, recorded)] == [f"2021/{SECOND}", f"new/{FIRST}"]


def test_pipeline_on_s3_equals_the_local_run(bucket, tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # ephemeral instances: this test is about storage
    upload_samples(bucket, f"{BUCKET}/raw")
    with monkeypatch.context() as one_report_per_part:  # several parts uploaded per partition
        one_report_per_part.setattr(year_pass, "MIN_BATCH", 1)
        one_report_per_part.setattr(year_pass, "MAX_BATCH", 1)
        remote = run_pipeline(f"s3://{BUCKET}/raw", f"s3://{BUCKET}/warehouse", progress=lambda _: None)
    local = run_pipeline(str(local_copy(tmp_path)), str(tmp_path / "warehouse"), progress=lambda _: None)
    assert remote["years"] == local["years"] == [2020, 2021]
    assert remote["rows"] == local["rows"] and remote["outcomes"] == local["outcomes"]

    tables = sorted(path.name for path in (tmp_path / "warehouse").iterdir()
                    if not path.name.startswith("."))  # a local warehouse also keeps .locks
    assert sorted(key.rsplit("/", 1)[1] for key in bucket.ls(f"{BUCKET}/warehouse")) == tables
    assert set(FILLED) <= set(tables)
    for table in tables:  # every asset of the pipeline
        from_s3 = pd.read_parquet(f"s3://{BUCKET}/warehouse/{table}")  # pandas' own s3fs path, as a user reads it
        assert len(from_s3) > 0 or table not in FILLED, table
        pd.testing.assert_frame_equal(canonical(from_s3), canonical(pd.read_parquet(tmp_path / "warehouse" / table)))

    written = bucket.find(f"{BUCKET}/warehouse")
    assert {f"{BUCKET}/warehouse/fact_applications/year=2021/part-{n}.parquet" for n in (0, 1)} <= set(written)
    assert not [key for key in written if key.endswith(".tmp")]  # every temporary object was renamed


def test_inventory_on_s3_keeps_the_records_of_unchanged_objects(bucket):
    upload_samples(bucket, f"{BUCKET}/raw")
    resources = build_resources(f"s3://{BUCKET}/raw", f"s3://{BUCKET}/warehouse")
    with dg.instance_for_test() as instance:
        runs = [dg.materialize(ASSETS, selection=["raw_file_inventory"], resources=resources, instance=instance)
                for _ in range(2)]
    kept = [run.get_asset_materialization_events()[0].materialization.metadata["records_kept"].value for run in runs]
    assert kept == [0, len(TEXT_SAMPLES)]


def test_duckdb_reads_the_bucket_through_the_fsspec_filesystem(bucket):
    frame = pd.DataFrame({"report_id": ["a", "b", "c"], "value": [1, 2, 3]})
    for year, rows in ((2020, frame[:1]), (2021, frame[1:])):
        with bucket.open(f"{BUCKET}/wh/fact_x/year={year}/part-0.parquet", "wb") as handle:
            rows.to_parquet(handle, index=False)
    warehouse = Warehouse(path=f"s3://{BUCKET}/wh")
    assert warehouse.glob("fact_x") == f"s3://{BUCKET}/wh/fact_x/*/*.parquet"
    result = warehouse.query(f"select year, sum(value) as total from read_parquet('{warehouse.glob('fact_x')}', "
                             "hive_partitioning = true) group by all order by year")
    assert result.to_dict("records") == [{"year": 2020, "total": 1}, {"year": 2021, "total": 5}]
