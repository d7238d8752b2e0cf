"""An inventory given the previous one parses only what it has not seen, and gives what a fresh one gives."""

import shutil

import dagster as dg
import pyarrow.parquet as pq
import pytest

import assets.pipeline.ingest as ingest
from assets.pipeline.ingest import build_inventory, current_records
from orchestration.definitions import ASSETS, build_resources
from tests.conftest import SAMPLE_DIR, copy_text_samples


@pytest.fixture()
def raw(tmp_path):
    folder = tmp_path / "raw"
    copy_text_samples(folder)
    return folder


@pytest.fixture()
def parsed(monkeypatch):
    """The names of the files the inventory parses (workers=1: in this process)."""
    names: list[str] = []
    read_entry = ingest.read_entry

    def recording(source_path, data, full=True):
        names.append(source_path)
        return read_entry(source_path, data, full)

    monkeypatch.setattr(ingest, "read_entry", recording)
    return names


def test_second_inventory_parses_only_new_and_changed_files(raw, parsed):
    first = build_inventory(raw)
    changed = sorted(p.name for p in raw.iterdir())[1]
    (raw / changed).write_bytes((raw / changed).read_bytes() + "\n附件：无\n".encode())
    (raw / "2021").mkdir()
    shutil.copy(SAMPLE_DIR / changed, raw / "2021" / "copy.txt")  # the old bytes under a new name
    parsed.clear()
    second = build_inventory(raw, known=current_records(first))
    assert sorted(parsed) == sorted([changed, "2021/copy.txt"])
    parsed.clear()
    assert second.equals(build_inventory(raw)) and len(parsed) == len(second)


def test_a_duplicate_whose_original_was_removed_becomes_the_report(raw, parsed):
    original = sorted(p.name for p in raw.iterdir())[1]
    shutil.copy(raw / original, raw / "zz_copy.txt")
    first = build_inventory(raw)
    assert first.to_pandas().set_index("source_path").loc["zz_copy.txt", "outcome"] == "duplicate"
    (raw / original).unlink()
    parsed.clear()
    second = build_inventory(raw, known=current_records(first))
    assert parsed == []
    records = {r["source_path"]: (r["outcome"], r["reason"]) for r in second.to_pylist()}
    assert records["zz_copy.txt"] == ("report", None)
    assert second.equals(build_inventory(raw))


def test_records_of_another_code_version_are_parsed_again(raw, parsed, monkeypatch):
    first = build_inventory(raw)
    monkeypatch.setattr(ingest, "code_version", lambda: "0" * 16)
    parsed.clear()
    second = build_inventory(raw, known=current_records(first))
    assert len(parsed) == len(second) == len(first)
    assert set(second["code_version"].to_pylist()) == {"0" * 16}


def test_inventory_asset_keeps_the_records_of_unchanged_files(raw, tmp_path):
    warehouse = tmp_path / "warehouse"
    resources = build_resources(str(raw), str(warehouse))
    with dg.instance_for_test() as instance:
        results = [dg.materialize(ASSETS, selection=["raw_file_inventory"], resources=resources, instance=instance)
                   for _ in range(2)]
        tables = [pq.read_table(warehouse / "raw_file_inventory.parquet")]
        (warehouse / "raw_file_inventory.parquet").write_bytes(b"not parquet")  # a damaged previous inventory
        results.append(dg.materialize(ASSETS, selection=["raw_file_inventory"], resources=resources,
                                      instance=instance))
        tables.append(pq.read_table(warehouse / "raw_file_inventory.parquet"))
    metadata = [result.get_asset_materialization_events()[0].materialization.metadata for result in results]
    files = len(list(raw.iterdir()))
    assert [(m["records_kept"].value, m["files_parsed"].value) for m in metadata] == [(0, files), (files, 0),
                                                                                     (0, files)]
    assert tables[0].equals(tables[1])
