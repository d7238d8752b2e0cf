"""Dagster instance storage on a real PostgreSQL server (deploy/dagster.postgres.yaml, credentials from the
environment): ``govreports run`` for a year records its runs, materializations and check results there, and a
second instance built from the same file reads them back."""

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from orchestration.runner import run_pipeline
from tests.conftest import copy_text_samples
from tests.deploy.conftest import Postgres, instance_home


@pytest.fixture()
def postgres_home(postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in postgres.env.items():
        monkeypatch.setenv(name, value)
    home = instance_home(tmp_path, "postgres")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_year_run_on_a_postgres_instance_is_read_back_from_postgres(postgres, postgres_home, tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    copy_text_samples(raw)
    summary = run_pipeline(str(raw), str(warehouse), years=[2021], progress=lambda _: None)
    assert summary["years"] == [2021]

    with dg.DagsterInstance.from_config(str(postgres_home)) as instance:  # a fresh instance, as another process
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        runs = instance.get_runs()
        assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 4  # inventory, 2021, rollups, coverage
        assert sorted(run.tags.get("dagster/partition", "-") for run in runs) == ["-", "-", "2021", "2021"]

        records = instance.fetch_materializations(dg.AssetKey("fact_applications"), limit=10).records
        assert [r.asset_materialization.partition for r in records] == ["2021"]
        written = pd.read_parquet(warehouse / "fact_applications" / "year=2021" / "part-0.parquet")
        assert records[0].asset_materialization.metadata["dagster/row_count"].value == len(written) > 0

        check = dg.AssetCheckKey(dg.AssetKey("fact_applications"), "fact_applications_matches_schema")
        executions = instance.event_log_storage.get_asset_check_execution_history(check, limit=5)
        assert [(e.status.value, e.partition, e.event.asset_check_evaluation.passed) for e in executions] == [
            ("SUCCEEDED", "2021", True)]
        [dims] = instance.fetch_materializations(dg.AssetKey("dim_reports"), limit=10).records
        year_run = instance.get_run_by_id(dims.run_id)

    with postgres.connect() as connection, connection.cursor() as cursor:  # the rows are in PostgreSQL itself
        cursor.execute("select run_id, status from runs where run_id = %s", (year_run.run_id,))
        assert cursor.fetchall() == [(year_run.run_id, "SUCCESS")]
        cursor.execute("select count(*) from event_logs where run_id = %s and dagster_event_type = "
                       "'ASSET_MATERIALIZATION'", (year_run.run_id,))
        assert cursor.fetchone()[0] == 10  # the nine year tables and review_queue of year_pipeline
