"""Several year partitions at once under a real ``dagster dev`` with the local default instance
(deploy/dagster.local.yaml, the one the Makefile installs): different years run side by side, while two runs
of the same year queue one behind the other (the queued run coordinator's tag concurrency limit on
``dagster/partition``, one run per unique value), and the year's output is whole."""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from dagster_graphql import DagsterGraphQLClient

from benchmarks.generate_corpus import generate
from orchestration.checks import ASSET_CHECKS
from orchestration.definitions import ASSETS, build_resources
from tests.e2e.conftest import BACKFILL_TIMEOUT, TIMINGS, running_dagster_dev

TWICE, ONCE = "2020", ["2023", "2024"]  # the generated corpus (12 reports, seed 1) has 6 reports of 2020
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(12, 1, out)
    return out / "raw"


def overlap(a: dg.RunRecord, b: dg.RunRecord) -> bool:
    return max(a.start_time, b.start_time) < min(a.end_time, b.end_time)


def submit_year(port: int, year: str) -> str:
    """Launch year_pipeline for one year through GraphQL (one client per thread: the client is not shared)."""
    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    return client.submit_job_execution("year_pipeline", tags={"dagster/partition": year})


def wait_for(instance: dg.DagsterInstance, run_ids: list[str], log: Path) -> list[dg.RunRecord]:
    started = time.monotonic()
    while not all((record := instance.get_run_record_by_id(run_id)) and record.dagster_run.status in DONE
                  for run_id in run_ids):
        assert time.monotonic() - started < BACKFILL_TIMEOUT, f"runs not done:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)
    return [instance.get_run_record_by_id(run_id) for run_id in run_ids]


def test_years_run_side_by_side_and_a_year_never_runs_twice_at_once(corpus, tmp_path):
    timings: dict[str, float] = {}
    with running_dagster_dev(tmp_path, corpus, timings=timings) as dev, \
            dg.DagsterInstance.from_config(str(dev.home)) as instance:
        started = time.monotonic()
        # The inventory in this process (as `govreports run` would, into the same instance and warehouse):
        # it saves a run worker start; the year runs below all go through the daemon's queue.
        assert dg.materialize([*ASSETS, *ASSET_CHECKS], selection=["raw_file_inventory"], instance=instance,
                              resources=build_resources(str(dev.raw), str(dev.warehouse))).success
        timings["inventory"] = time.monotonic() - started
        submitted = time.monotonic()
        with ThreadPoolExecutor(4) as pool:  # four launches at once, as a backfill queues them
            run_ids = list(pool.map(lambda year: submit_year(dev.port, year), (TWICE, TWICE, *ONCE)))
        records = wait_for(instance, run_ids, dev.log)
        timings["four_year_runs"] = time.monotonic() - submitted
    TIMINGS.update({f"queue_test_{name}": seconds for name, seconds in timings.items()})
    print(timings)

    assert [r.dagster_run.status for r in records] == [dg.DagsterRunStatus.SUCCESS] * 4, dev.log.read_text()[-3000:]
    first, second, *others = records
    assert not overlap(first, second), "two runs of the same year ran at once"
    assert min(first.end_time, second.end_time) <= max(first.start_time, second.start_time)
    pairs = [(a, b) for a in (first, second, *others) for b in others
             if a is not b and a.dagster_run.tags["dagster/partition"] != b.dagster_run.tags["dagster/partition"]]
    assert any(overlap(a, b) for a, b in pairs), [(r.start_time, r.end_time) for r in records]

    inventory = pd.read_parquet(dev.warehouse / "raw_file_inventory.parquet")
    expected = inventory.loc[inventory["outcome"] == "report"].groupby("year").size().to_dict()
    dim = pd.read_parquet(dev.warehouse / "dim_reports")
    assert dim.groupby("year", observed=True).size().to_dict() == {int(y): expected[int(y)] for y in (TWICE, *ONCE)}
    facts = pd.read_parquet(dev.warehouse / "fact_applications")
    assert set(facts["report_id"]) == set(dim["report_id"])
    assert not list(dev.warehouse.rglob("*.tmp"))
