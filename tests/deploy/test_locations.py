"""Locations as configured: a plain path and a ``file://`` URL name the same local folder, with the local
rules kept (hidden files skipped, links out of the folder not followed), and the warehouse's DuckDB glob
stays a plain path there."""

import os
from pathlib import Path

import pandas as pd

from assets.pipeline.ingest import discover
from assets.storage.resources import RawDirectory, Warehouse, is_local, storage_path


def test_a_file_url_and_a_plain_path_discover_the_same_files_and_keep_the_local_rules(tmp_path: Path):
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    (raw / "sub").mkdir(parents=True)
    outside.mkdir()
    (raw / "a.txt").write_text("a")
    (raw / "sub" / "b.txt").write_text("b")
    (raw / ".hidden.txt").write_text("h")
    (outside / "secret.txt").write_text("s")
    os.symlink(outside / "secret.txt", raw / "link_out.txt")
    os.symlink(raw / "a.txt", raw / "sub" / "link_in.txt")

    plain, url = RawDirectory(path=str(raw)).root(), RawDirectory(path=raw.resolve().as_uri()).root()
    assert plain == url and is_local(url) and isinstance(url, Path)
    names = discover(url)
    assert names == ["a.txt", "sub/b.txt", "sub/link_in.txt"]
    assert names == discover(plain)


def test_a_local_warehouse_glob_is_a_plain_path_duckdb_reads(tmp_path: Path):
    (tmp_path / "wh" / "t" / "year=2021").mkdir(parents=True)
    pd.DataFrame({"v": [2, 3]}).to_parquet(tmp_path / "wh" / "t" / "year=2021" / "part-0.parquet")
    warehouse = Warehouse(path=f"file://{tmp_path / 'wh'}")
    assert warehouse.glob("t") == f"{(tmp_path / 'wh').resolve()}/t/*/*.parquet"
    frame = warehouse.query(f"select year, sum(v) as v from read_parquet('{warehouse.glob('t')}', "
                            "hive_partitioning = true) group by all")
    assert frame.to_dict("records") == [{"year": 2021, "v": 5}]
    assert storage_path("s3://bucket/prefix").protocol == "s3" and not is_local(storage_path("s3://bucket/prefix"))


def test_discover_orders_by_folder_then_name_as_path_sorting_did(tmp_path: Path):
    for name in ("a-c.txt", "a/b.txt", "a/z/y.txt", "a b.txt", "b.txt", "a/.git/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert discover(tmp_path) == ["a/b.txt", "a/z/y.txt", "a b.txt", "a-c.txt", "b.txt"]
    assert discover(tmp_path) == [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*"))
                                  if p.is_file() and ".git" not in p.parts]
