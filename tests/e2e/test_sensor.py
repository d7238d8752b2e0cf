"""The raw-folder sensor on a real folder and a real instance: only new or changed files start an inventory
run, and only the years it found changed run after it; rollups refresh after; the cursor stays small."""

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_defs
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


def inventory_then_years(defs: dg.Definitions, instance: dg.DagsterInstance, request: dg.RunRequest):
    """Run the inventory the sensor asked for, in process; the year runs year_runs_after_inventory asks for after it."""
    inventory = defs.resolve_job_def("refresh_inventory").execute_in_process(instance=instance, tags=request.tags)
    assert inventory.success
    chain = defs.resolve_sensor_def("year_runs_after_inventory")
    context = dg.build_run_status_sensor_context(
        sensor_name=chain.name, dagster_instance=instance, dagster_run=inventory.dagster_run,
        dagster_event=inventory.get_run_success_event())
    return inventory, chain(context)


def tick_and_years(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None) -> tuple[str, list[str]]:
    """A tick that must request one inventory run; the years then run after it."""
    tick = evaluate(defs, instance, cursor)
    [request] = tick.run_requests
    assert request.job_name in (None, "refresh_inventory")
    return tick.cursor, sorted(r.partition_key for r in inventory_then_years(defs, instance, request)[1])


def test_new_or_changed_files_run_exactly_their_years_on_a_fresh_instance(raw: Path, tmp_path: Path):
    defs = build_defs(str(raw), str(tmp_path / "warehouse"))
    with dg.instance_for_test() as instance:  # no inventory, no cursor: every year of the folder
        first = evaluate(defs, instance, None)
        assert len(first.run_requests) == 1
        waiting = evaluate(defs, instance, first.cursor)  # the inventory run has not run yet: not asked again
        assert waiting.run_requests == [] and "already sent" in waiting.skip_message
        _, years = inventory_then_years(defs, instance, first.run_requests[0])
        assert sorted(r.partition_key for r in years) == ["2020", "2021"]

        again = evaluate(defs, instance, first.cursor)
        assert again.run_requests == [] and again.skip_message == "5 file(s), none changed since the inventory"

        (raw / "sub").mkdir()
        (raw / "sub" / "new_2023.txt").write_text(report_for_2023(), encoding="utf-8")
        cursor, years = tick_and_years(defs, instance, again.cursor)
        assert years == ["2023"]

        shutil.copy(raw / "sub" / "new_2023.txt", tmp_path / "copy.txt")  # an identical copy, new mtime
        os.replace(tmp_path / "copy.txt", raw / "sub" / "new_2023.txt")
        cursor, years = tick_and_years(defs, instance, cursor)
        assert years == []  # re-inventoried (its time changed), but its content did not: no year runs

        (raw / "000_0e7b839799d88c56.txt").unlink()  # a removed report: its year must be rebuilt without it
        cursor, years = tick_and_years(defs, instance, cursor)
        assert years == ["2020"]
        assert evaluate(defs, instance, cursor).run_requests == []


def test_the_cursor_does_not_grow_with_the_number_of_files(tmp_path: Path):
    """The per-file state is in the inventory: the cursor of 20,000 files is the size of that of 20."""
    sizes = {}
    for count in (20, 20_000):
        raw = tmp_path / f"raw{count}"
        for index in range(count):
            folder = raw / f"{index // 1000:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{index:05d}.txt").write_text(f"notice {index}\n", encoding="utf-8")
        defs = build_defs(str(raw), str(tmp_path / f"warehouse{count}"))
        with dg.instance_for_test() as instance:
            first = evaluate(defs, instance, None)
            assert len(first.run_requests) == 1
            assert defs.resolve_job_def("refresh_inventory").execute_in_process(instance=instance).success
            (raw / "00" / "00000.txt").write_text("changed\n", encoding="utf-8")
            changed = evaluate(defs, instance, first.cursor)
            assert len(changed.run_requests) == 1 and changed.cursor != first.cursor
            sizes[count] = {len(first.cursor), len(changed.cursor)}
    assert sizes[20] == sizes[20_000] == {64}


def test_inventory_run_then_year_runs_then_rollups(raw: Path, tmp_path: Path):
    """Run what the sensors request, for real, in process: inventory → one year run per tagged year →
    the rollups' automation condition asks for a refresh."""
    warehouse = tmp_path / "warehouse"
    defs = build_defs(str(raw), str(warehouse))
    with dg.instance_for_test() as instance:
        request = evaluate(defs, instance, None).run_requests[0]
        inventory, year_requests = inventory_then_years(defs, instance, request)
        assert (warehouse / "raw_file_inventory.parquet").exists()

        automation = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert automation.total_requested == 0  # nothing of any year has changed yet

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
