"""Regression (stale_inventory_read_as_fresh): a year run read each file again and took its sha256,
report_id and year from the inventory without checking that the bytes were still those the inventory had
read. A file edited after the inventory was parsed with its old identity (its raw_reports row kept the old
sha256 next to the new text), and a removed one failed the step with a bare FileNotFoundError. Now the
run fails with the file's name and what to do, and publishes nothing of the year."""


import dagster as dg
import pandas as pd
import pytest

from assets.pipeline.year_pass import Entry, YearTask, run_batch
from orchestration.checks import ASSET_CHECKS
from orchestration.definitions import ASSETS, YEAR_ASSETS, build_resources
from tests.conftest import copy_text_samples

REPORT_002 = "002_a6a6458d8018b677.txt"  # 2021
REPORT_001 = "001_64ff3bdd190e597a.txt"  # 2021


def _materialize(instance, raw, wh, selection, partition=None):
    return dg.materialize([*ASSETS, *ASSET_CHECKS], selection=selection, partition_key=partition,
                          resources=build_resources(str(raw), str(wh)), instance=instance, raise_on_error=False)


def _failure(result) -> str:
    [event] = result.get_step_failure_events()
    return event.step_failure_data.user_failure_data.description


def _published(wh):
    return {p.relative_to(wh).as_posix(): p.read_bytes() for p in sorted(wh.glob("*/year=2021/*.parquet"))}


@pytest.fixture()
def year_2021(tmp_path):
    """The sample reports inventoried and their 2021 partitions written once."""
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    copy_text_samples(raw)
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        assert _materialize(instance, raw, wh, YEAR_ASSETS, "2021").success
        yield instance, raw, wh


def test_a_file_edited_after_the_inventory_fails_the_year_and_publishes_nothing(year_2021):
    instance, raw, wh = year_2021
    before = _published(wh)
    text = (raw / REPORT_002).read_text(encoding="utf-8")
    (raw / REPORT_002).write_text(text.replace("行政规范性文件\n\n0\n\n0\n\n10\n", "行政规范性文件\n\n0\n\n0\n\n12\n"),
                                  encoding="utf-8")
    result = _materialize(instance, raw, wh, YEAR_ASSETS, "2021")
    assert not result.success
    assert _failure(result) == (f"{REPORT_002}: changed since the inventory (its sha256 differs); "
                                "materialize raw_file_inventory again, then this year")
    assert _published(wh) == before  # the partition written before, byte for byte
    # what the message says to do gives the edited figure
    assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
    assert _materialize(instance, raw, wh, YEAR_ASSETS, "2021").success
    raw_reports = pd.read_parquet(wh / "raw_reports").set_index("source_path")
    inventory = pd.read_parquet(wh / "raw_file_inventory.parquet").set_index("source_path")
    assert raw_reports["sha256"][REPORT_002] == inventory["sha256"][REPORT_002]
    facts = pd.read_parquet(wh / "fact_active_disclosure")
    cell = facts[(facts["report_id"] == raw_reports["report_id"][REPORT_002])
                 & (facts["item"] == "normative_documents") & (facts["measure"] == "in_force")]
    assert cell["value"].tolist() == [12.0]


def test_a_file_removed_after_the_inventory_fails_the_year_with_its_name(year_2021):
    instance, raw, wh = year_2021
    before = _published(wh)
    (raw / REPORT_001).unlink()
    result = _materialize(instance, raw, wh, YEAR_ASSETS, "2021")
    assert not result.success
    assert _failure(result) == (f"{REPORT_001}: removed since the inventory; materialize raw_file_inventory "
                                "again, then this year")
    assert _published(wh) == before


def test_every_stale_file_of_a_batch_is_named(tmp_path):
    copy_text_samples(tmp_path / "raw")
    entries = [Entry(name, "r", "0" * 64, "utf-8", True, "text") for name in (REPORT_001, REPORT_002, "gone.txt")]
    failures = run_batch(YearTask(tmp_path / "raw", 2021, entries)).failures
    assert [failure.split(":")[0] for failure in failures] == [REPORT_001, REPORT_002, "gone.txt"]
    assert "changed since the inventory" in failures[0] and "removed since the inventory" in failures[2]
