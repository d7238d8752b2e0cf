"""The raw-folder sensor on a real folder and a real instance: only new or changed reports start runs,
for exactly their years; the inventory run comes first and the year runs follow it; rollups refresh after."""

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_defs
from orchestration.sensors import YEARS_TAG, scan_raw_dir
from tests.conftest import SAMPLE_DIR, copy_text_samples

TEMPLATE = SAMPLE_DIR / "001_64ff3bdd190e597a.txt"


def report_for_2023() -> str:
    """Sample report 001 (year 2021, title says 2020) edited into a 2023 report."""
    lines = TEMPLATE.read_text(encoding="utf-8").replace("2021", "2023").split("\n")
    title = next(i for i, line in enumerate(lines) if "年度报告" in line)
    lines[title] = lines[title].replace("2020", "2023")
    return "\n".join(lines)


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    copy_text_samples(folder)
    return folder


def evaluate(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None):
    """One tick of raw_files_sensor, as the daemon evaluates it (with the Definitions' resources)."""
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    with dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs,
                                 resources=defs.resources) as context:
        return sensor.evaluate_tick(context)


def requested_years(tick) -> list[list[str]]:
    return [request.tags[YEARS_TAG].split(",") for request in tick.run_requests]


def test_new_or_changed_files_request_exactly_their_years(raw: Path, tmp_path: Path):
    defs = build_defs(str(raw), str(tmp_path / "warehouse"))
    with dg.instance_for_test() as instance:
        first = evaluate(defs, instance, None)
        assert requested_years(first) == [["2020", "2021"]]
        assert first.run_requests[0].job_name in (None, "refresh_inventory")

        again = evaluate(defs, instance, first.cursor)
        assert again.run_requests == [] and again.skip_message == "5 file(s), none changed"

        (raw / "sub").mkdir()
        (raw / "sub" / "new_2023.txt").write_text(report_for_2023(), encoding="utf-8")
        added = evaluate(defs, instance, again.cursor)
        assert requested_years(added) == [["2023"]]

        assert evaluate(defs, instance, added.cursor).run_requests == []
        shutil.copy(raw / "sub" / "new_2023.txt", tmp_path / "copy.txt")  # an identical copy, new mtime
        os.replace(tmp_path / "copy.txt", raw / "sub" / "new_2023.txt")
        same = evaluate(defs, instance, added.cursor)
        assert same.run_requests == []

        (raw / "000_0e7b839799d88c56.txt").unlink()  # a removed report: its year must be rebuilt without it
        assert requested_years(evaluate(defs, instance, same.cursor)) == [["2020"]]


def test_only_stat_changed_files_are_read_and_parsing_is_spread_over_ticks(raw: Path):
    first = scan_raw_dir(raw, {}, max_parsed=2)
    assert not first.complete and len(first.changed_paths) == 2
    rest = scan_raw_dir(raw, first.files, max_parsed=2)
    done = scan_raw_dir(raw, rest.files, max_parsed=2)
    assert done.complete and sorted(first.files) != sorted(done.files) and len(done.files) == 5
    assert first.years | rest.years | done.years == {2020, 2021}
    unchanged = scan_raw_dir(raw, done.files)
    assert unchanged.changed_paths == [] and unchanged.files == done.files
    assert {tuple(v[:1]) + (v[3],) for v in done.files.values()} >= {(4295, 2021)}  # 001: 4295 bytes, 2021


def test_inventory_run_then_year_runs_then_rollups(raw: Path, tmp_path: Path):
    """Run what the sensors request, for real, in process: inventory → one year run per tagged year →
    the rollups' automation condition asks for a refresh."""
    warehouse = tmp_path / "warehouse"
    defs = build_defs(str(raw), str(warehouse))
    with dg.instance_for_test() as instance:
        request = evaluate(defs, instance, None).run_requests[0]
        inventory = defs.resolve_job_def("refresh_inventory").execute_in_process(instance=instance,
                                                                                 tags=request.tags)
        assert inventory.success and (warehouse / "raw_file_inventory.parquet").exists()

        automation = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert automation.total_requested == 0  # nothing of any year has changed yet

        chain = defs.resolve_sensor_def("year_runs_after_inventory")
        context = dg.build_run_status_sensor_context(
            sensor_name=chain.name, dagster_instance=instance, dagster_run=inventory.dagster_run,
            dagster_event=inventory.get_run_success_event())
        year_requests = chain(context)
        assert sorted(r.partition_key for r in year_requests) == ["2020", "2021"]
        for year_request in year_requests:
            run = defs.resolve_job_def("year_pipeline").execute_in_process(
                instance=instance, partition_key=year_request.partition_key, tags=year_request.tags)
            assert run.success
        partitions = sorted(p.name for p in (warehouse / "fact_applications").iterdir() if not p.name.startswith("."))
        assert partitions == ["year=2020", "year=2021"]  # what readers see (.staging is hidden)

        automation = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=automation.cursor)
        for cross_year in ("rollup_applications", "carry_over_continuity", "active_disclosure_continuity"):
            assert automation.get_num_requested(dg.AssetKey(cross_year)) == 1, cross_year
