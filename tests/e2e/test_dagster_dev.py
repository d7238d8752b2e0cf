"""A real ``dagster dev`` (webserver, daemon, code server) from the project's workspace.yaml: a year
backfilled through GraphQL on a fresh instance (no inventory yet) lands as Parquet in the warehouse, the
inventory it took is recorded as raw_file_inventory's materialization, and its asset checks per year."""

import pandas as pd

from tests.e2e.conftest import wait_for_backfill

CHECK_EXECUTIONS = """query($key: AssetKeyInput!, $check: String!) {
  assetCheckExecutions(assetKey: $key, checkName: $check, limit: 10, partition: "2021") {
    status partition evaluation { success partition } } }"""
LATEST_MATERIALIZATION = """query($key: AssetKeyInput!) { assetOrError(assetKey: $key) {
  __typename ... on Asset { assetMaterializations(limit: 1) { runId } } } }"""
BACKFILL_RUN_IDS = """query($id: String!) { runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
  ... on Runs { results { runId } } } }"""
LOCATION_SENSORS = """{ sensorsOrError(repositorySelector: {repositoryName: "__repository__",
  repositoryLocationName: "govreports"}) { __typename ... on Sensors { results { name sensorState { status } } } } }"""


def test_backfill_of_one_year_writes_parquet_and_records_checks(dagster_dev, year_2021):
    backfill = wait_for_backfill(dagster_dev, year_2021)
    assert backfill["status"] == "COMPLETED_SUCCESS", dagster_dev.log.read_text()[-4000:]
    assert backfill["partitionNames"] == ["2021"]

    facts = dagster_dev.warehouse / "fact_applications" / "year=2021" / "part-0.parquet"
    frame = pd.read_parquet(facts)
    assert len(frame) > 0 and frame["report_id"].nunique() == 2  # samples 001 and 002 are the 2021 reports
    assert not (dagster_dev.warehouse / "fact_applications" / "year=2020").exists()
    assert (dagster_dev.warehouse / "raw_file_inventory.parquet").exists()
    inventory = dagster_dev.gql(LATEST_MATERIALIZATION, key={"path": ["raw_file_inventory"]})["assetOrError"]
    [run] = dagster_dev.gql(BACKFILL_RUN_IDS, id=year_2021)["runsOrError"]["results"]
    assert inventory["assetMaterializations"] == [{"runId": run["runId"]}]  # taken by the year run itself

    executions = dagster_dev.gql(CHECK_EXECUTIONS, key={"path": ["fact_applications"]},
                                 check="fact_applications_matches_schema")["assetCheckExecutions"]
    assert executions, "no execution of fact_applications_matches_schema for 2021"
    latest = executions[0]
    assert latest["status"] == "SUCCEEDED"
    assert latest["partition"] == "2021" and latest["evaluation"] == {"success": True, "partition": "2021"}


def test_sensors_are_loaded_with_their_default_status(dagster_dev):
    sensors = dagster_dev.gql(LOCATION_SENSORS)["sensorsOrError"]["results"]
    status = {s["name"]: s["sensorState"]["status"] for s in sensors}
    assert status["raw_files_sensor"] == "STOPPED"  # a user turns it on: it starts runs
    assert status["year_runs_after_inventory"] == "RUNNING"
    assert status["rollup_automation"] == "RUNNING"
