"""Dagster end to end, in process: real instance, real files, a temporary warehouse read back."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.checks import ASSET_CHECKS
from orchestration.definitions import ASSETS, YEAR_ASSETS, build_defs, build_resources
from tests.conftest import SAMPLE_DIR, TEXT_SAMPLES, copy_text_samples, truth_of

EXPECTED_ASSETS = {"raw_file_inventory", "raw_reports", "report_sections", "report_tables", "fact_active_disclosure",
                   "fact_applications", "fact_review_litigation", "fact_narrative", "dim_reports", "quality_issues",
                   "rollup_applications", "rollup_agencies", "rollup_regions", "trends", "outliers",
                   "carry_over_continuity", "active_disclosure_continuity", "corrections", "review_queue",
                   "coverage", "agency_pages"}


def test_definitions_load_with_the_fixed_asset_names(tmp_path):
    defs = build_defs(str(SAMPLE_DIR), str(tmp_path))
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"year_pipeline", "refresh_rollups"}


@pytest.fixture()
def warehouse(tmp_path):
    raw = tmp_path / "raw"
    copy_text_samples(raw)
    return raw, tmp_path / "warehouse"


def _materialize(instance, raw, wh, selection, partition=None):
    return dg.materialize([*ASSETS, *ASSET_CHECKS], selection=selection, partition_key=partition,
                          resources=build_resources(str(raw), str(wh)), instance=instance)


def test_one_year_partition_end_to_end(warehouse):
    raw, wh = warehouse
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        result = _materialize(instance, raw, wh, YEAR_ASSETS, "2021")
        assert result.success
        checks = {(e.asset_key.to_user_string(), e.check_name): (e.passed, e.partition)
                  for e in result.get_asset_check_evaluations()}
        assert checks[("fact_applications", "fact_applications_matches_schema")] == (True, "2021")
        assert all(partition == "2021" for _, partition in checks.values())
    facts = pd.read_parquet(wh / "fact_applications")
    assert set(facts["year"].astype(int)) == {2021}
    assert len(facts) == 7 * 23 + 7 * 25  # seed 001 (2019-style single (六) row) + seed 002 (three (六) rows)
    dim = pd.read_parquet(wh / "dim_reports")
    assert sorted(dim["source_path"]) == ["001_64ff3bdd190e597a.txt", "002_a6a6458d8018b677.txt"]
    issues = duckdb.sql(f"select rule, count(*) from read_parquet('{wh}/quality_issues/*/*.parquet', "
                        "hive_partitioning=true) group by all order by 1").fetchall()
    assert issues == [("missing_cells", 1), ("year_conflict", 1)]
    received = facts[(facts["row"] == "new_received") & (facts["applicant"] == "total")]
    assert sorted(received["value"].tolist()) == [0.0, 19.0]


def test_year_outputs_say_where_the_workers_time_went(warehouse):
    raw, wh = warehouse
    with dg.instance_for_test() as instance:
        _materialize(instance, raw, wh, ["raw_file_inventory"])
        result = _materialize(instance, raw, wh, ["raw_reports", "fact_applications"], "2021")
    stages = [event.materialization.metadata["worker_seconds_by_stage"].value
              for event in result.get_asset_materialization_events()]
    assert len(stages) == 2 and stages[0] == stages[1]
    assert set(stages[0]) == {"read", "parse", "rows", "validate", "write"}
    assert all(seconds >= 0 for seconds in stages[0].values()) and stages[0]["parse"] > 0


def test_rerun_gives_identical_rows_and_rollup_reads_every_year(warehouse):
    raw, wh = warehouse
    with dg.instance_for_test() as instance:
        _materialize(instance, raw, wh, ["raw_file_inventory"])
        for year in ("2020", "2021"):
            assert _materialize(instance, raw, wh, YEAR_ASSETS, year).success
        first = pd.read_parquet(wh / "fact_active_disclosure")
        assert _materialize(instance, raw, wh, YEAR_ASSETS, "2020").success
        assert _materialize(instance, raw, wh, ["rollup_applications"]).success
    pd.testing.assert_frame_equal(first, pd.read_parquet(wh / "fact_active_disclosure"))
    rollup = pd.read_parquet(wh / "rollup_applications.parquet")
    assert rollup[["year", "reports"]].values.tolist() == [[2020, 3], [2021, 2]]
    assert not list(wh.rglob("*.tmp"))


def test_corrupted_fact_frame_fails_the_step_and_writes_nothing(warehouse, monkeypatch):
    """A schema violation is a pipeline bug: the step fails and no Parquet appears."""
    import pyarrow as pa

    import assets.pipeline.year_pass as year_pass

    real = year_pass.fact_table

    def corrupt(reports, table, schema):
        built = real(reports, table, schema)
        return built.set_column(built.schema.get_field_index("cell_status"), "cell_status",
                                pa.array(["invented"] * built.num_rows, pa.large_string()))

    monkeypatch.setattr(year_pass, "fact_table", corrupt)
    monkeypatch.setenv("GOVREPORTS_WORKERS", "1")  # the patch lives in this process only
    raw, wh = warehouse
    with dg.instance_for_test() as instance:
        _materialize(instance, raw, wh, ["raw_file_inventory"])
        result = dg.materialize([*ASSETS, *ASSET_CHECKS], selection=YEAR_ASSETS, partition_key="2021",
                                resources=build_resources(str(raw), str(wh)), instance=instance,
                                raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "FactActiveDisclosure" in failure.event_specific_data.error.message
    assert not (wh / "fact_active_disclosure").exists()


def test_carry_over_continuity_flags_an_agency_whose_years_disagree(tmp_path):
    """Seed 002 (2021) carries 1 application forward; a 2022 copy of it says 0 were carried over."""
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    text = (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_text(encoding="utf-8")
    (raw / "2021.txt").write_text(text, encoding="utf-8")
    later = text.replace("2022", "2023").replace("2021", "2022")
    # in force 10 → 12 although none were issued: the 2021 relation must fail
    later = later.replace("行政规范性文件\n\n0\n\n0\n\n10\n", "行政规范性文件\n\n0\n\n0\n\n12\n")
    (raw / "2022.txt").write_text(later, encoding="utf-8")
    with dg.instance_for_test() as instance:
        _materialize(instance, raw, wh, ["raw_file_inventory"])
        for year in ("2021", "2022"):
            assert _materialize(instance, raw, wh, YEAR_ASSETS, year).success
        result = _materialize(instance, raw, wh, ["carry_over_continuity", "active_disclosure_continuity"])
        assert {e.check_name: e.passed for e in result.get_asset_check_evaluations()} == {
            "carry_over_continuous": False, "active_disclosure_relation": False}
    frame = pd.read_parquet(wh / "carry_over_continuity.parquet")
    assert frame[["agency_id", "agency", "year", "carried_forward", "carried_over_next", "status"]].values.tolist() \
        == [["131102/人民政府", "桃城区政府", 2021, 1.0, 0.0, "fails"]]
    relations = pd.read_parquet(wh / "active_disclosure_continuity.parquet")
    assert relations[["item", "relation", "expected", "found", "status"]].values.tolist() == [
        ["normative_documents", "in_force", 10.0, 12.0, "fails"], ["regulations", "in_force", 0.0, 0.0, "holds"]]


def test_every_file_accounted_for_check_passes_with_a_duplicate(warehouse):
    raw, wh = warehouse
    shutil.copy(raw / "001_64ff3bdd190e597a.txt", raw / "copy-of-001.txt")
    with dg.instance_for_test() as instance:
        _materialize(instance, raw, wh, ["raw_file_inventory"])
        result = _materialize(instance, raw, wh, YEAR_ASSETS, "2021")
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == "every_file_accounted_for")
    assert evaluation.passed
    issues = pd.read_parquet(wh / "quality_issues")
    assert issues.loc[issues["rule"] == "duplicate_report", "source_path"].tolist() == ["copy-of-001.txt"]


def test_run_summary_counts_the_rows_written_without_loading_them(warehouse, monkeypatch):
    from orchestration.runner import run_pipeline

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    raw, wh = warehouse
    summary = run_pipeline(str(raw), str(wh), years=[2021], progress=lambda _: None)
    assert summary["years"] == [2021]
    assert summary["rows"]["fact_applications"] == {"2021": len(pd.read_parquet(wh / "fact_applications"))}
    assert summary["rows"]["dim_reports"] == {"2021": 2}


def test_a_year_before_any_inventory_takes_the_inventory_first(tmp_path):
    """A year backfilled on a fresh instance (what the README invites) failed with FileNotFoundError on
    raw_file_inventory.parquet. It now takes the inventory itself, records it as raw_file_inventory's
    materialization, and a second year run reads that one instead of taking another."""
    raw = tmp_path / "raw"
    copy_text_samples(raw)
    warehouse = tmp_path / "warehouse"
    resources = build_resources(str(raw), str(warehouse))
    with dg.instance_for_test() as instance:
        first = dg.materialize(ASSETS, selection=["dim_reports"], partition_key="2021", instance=instance,
                               resources=resources)
        inventory = pd.read_parquet(warehouse / "raw_file_inventory.parquet")
        recorded = instance.get_latest_materialization_event(dg.AssetKey("raw_file_inventory"))
        assert recorded is not None and recorded.run_id == first.run_id
        assert recorded.asset_materialization.metadata["files"].value == len(inventory) == len(TEXT_SAMPLES)
        truth_2021 = {stem for stem in (p.stem for p in TEXT_SAMPLES) if truth_of(stem)["report_year"] == 2021}
        dims = pd.read_parquet(warehouse / "dim_reports" / "year=2021")
        assert {Path(p).stem for p in dims["source_path"]} == truth_2021

        second = dg.materialize(ASSETS, selection=["dim_reports"], partition_key="2020", instance=instance,
                                resources=resources)
        assert second.success
        latest = instance.get_latest_materialization_event(dg.AssetKey("raw_file_inventory"))
        assert latest.run_id == first.run_id  # read, not taken again
