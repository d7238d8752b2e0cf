"""One real ``dagster dev`` per test session, shared by the GraphQL and the browser tests.

It runs from the project root with the project's ``workspace.yaml``, a temporary DAGSTER_HOME with the
local default instance config (deploy/dagster.local.yaml, as ``make ui`` has it), a copy of the sample
reports as GOVREPORTS_RAW_DIR and a temporary warehouse. The process group is always ended (SIGTERM, then
SIGKILL) when the session ends. ``running_dagster_dev`` starts one on any folder and instance config.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from orchestration.definitions import build_defs
from tests.conftest import ROOT, SAMPLE_DIR

LOCAL_INSTANCE = ROOT / "deploy" / "dagster.local.yaml"  # what the Makefile puts in DAGSTER_HOME
START_TIMEOUT = 90
BACKFILL_TIMEOUT = 180

LAUNCH_BACKFILL = """mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message }
  ... on PartitionKeysNotFoundError { message } ... on InvalidSubsetError { message } } }"""
BACKFILL_STATUS = """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
  __typename ... on PartitionBackfill { id status partitionNames } } }"""
BACKFILL_RUNS = """query($id: String!) { runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
  __typename ... on Runs { results { runId status } } } }"""
LOCATIONS = """{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


@dataclass
class DagsterDev:
    """A running ``dagster dev`` and the folders it reads and writes."""

    port: int
    home: Path
    raw: Path
    warehouse: Path
    log: Path
    timings: dict[str, float] = field(default_factory=lambda: TIMINGS)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def gql(self, query: str, **variables: object) -> dict:
        body = requests.post(f"{self.url}/graphql", json={"query": query, "variables": variables}, timeout=60).json()
        assert "errors" not in body, body["errors"]
        return body["data"]


TIMINGS: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS:
        shown = {k: v for k, v in TIMINGS.items() if not k.endswith("_at")}
        terminalreporter.write_line("dagster dev timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in shown.items()))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_loaded(dev: DagsterDev, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {process.returncode}:\n{dev.log.read_text()[-4000:]}")
        try:
            if requests.get(f"{dev.url}/server_info", timeout=2).ok:
                entries = dev.gql(LOCATIONS)["workspaceOrError"]["locationEntries"]
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    errors = [e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                    assert not errors, errors
                    return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"dagster dev not ready after {START_TIMEOUT}s:\n{dev.log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            # the group may outlive its leader (code servers): KILL whatever is left of it
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running_dagster_dev(base: Path, raw_source: Path, dagster_yaml: Path = LOCAL_INSTANCE,
                        timings: dict[str, float] = TIMINGS) -> Iterator[DagsterDev]:
    """``dagster dev`` from the project root on a free loopback port: DAGSTER_HOME under ``base`` with
    ``dagster_yaml`` as its instance config, a copy of ``raw_source`` as GOVREPORTS_RAW_DIR, an empty
    warehouse. Yields once the code location is loaded; the process group is always ended."""
    dev = DagsterDev(port=_free_port(), home=base / "home", raw=base / "raw", warehouse=base / "warehouse",
                     log=base / "dagster_dev.log", timings=timings)
    dev.home.mkdir(parents=True)
    shutil.copy(dagster_yaml, dev.home / "dagster.yaml")
    shutil.copytree(raw_source, dev.raw)
    env = {**os.environ, "DAGSTER_HOME": str(dev.home), "GOVREPORTS_RAW_DIR": str(dev.raw),
           "GOVREPORTS_WAREHOUSE": str(dev.warehouse)}
    dagster = Path(sys.executable).with_name("dagster")
    started = time.monotonic()
    with dev.log.open("wb") as log:
        process = subprocess.Popen([str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p",
                                    str(dev.port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_loaded(dev, process)
        dev.timings["start"] = time.monotonic() - started
        yield dev
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterDev]:
    """The instance ``make ui`` gets (deploy/dagster.local.yaml) on a copy of the sample reports."""
    with running_dagster_dev(tmp_path_factory.mktemp("dagster_dev"), SAMPLE_DIR) as dev:
        yield dev


def year_partitioned_assets() -> list[str]:
    graph = build_defs(str(SAMPLE_DIR), "unused").resolve_asset_graph()
    return sorted(k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).is_partitioned)


@pytest.fixture(scope="session")
def year_2021(dagster_dev: DagsterDev) -> str:
    """Through the running server, on its fresh instance and empty warehouse, as a user's first step in the
    UI: backfill year 2021 of every year-partitioned asset (nothing materialized before, not even the
    inventory) and wait for its run to succeed. Returns the backfill id."""
    dev = dagster_dev
    started = time.monotonic()
    params = {"partitionNames": ["2021"], "title": "year 2021",
              "assetSelection": [{"path": [name]} for name in year_partitioned_assets()]}
    launched = dev.gql(LAUNCH_BACKFILL, p=params)["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    # The backfill daemon looks at a backfill every 30 s: its run is done up to 30 s before the backfill is
    # marked complete. The fixture waits for the run; test_dagster_dev waits for COMPLETED_SUCCESS.
    while not (runs := dev.gql(BACKFILL_RUNS, id=launched["backfillId"])["runsOrError"]["results"]) or any(
            run["status"] not in ("SUCCESS", "FAILURE", "CANCELED") for run in runs):
        assert time.monotonic() - started < BACKFILL_TIMEOUT, f"backfill run not done:\n{dev.log.read_text()[-3000:]}"
        time.sleep(1)
    assert [run["status"] for run in runs] == ["SUCCESS"], runs
    dev.timings["backfill_2021_run"] = time.monotonic() - started
    dev.timings["backfill_launched_at"] = started
    return launched["backfillId"]


def wait_for_backfill(dev: DagsterDev, backfill_id: str) -> dict:
    """The backfill as GraphQL reports it once it has left REQUESTED."""
    started = dev.timings["backfill_launched_at"]
    while (backfill := dev.gql(BACKFILL_STATUS, id=backfill_id)["partitionBackfillOrError"])["status"] == "REQUESTED":
        assert time.monotonic() - started < BACKFILL_TIMEOUT, f"backfill still running:\n{dev.log.read_text()[-3000:]}"
        time.sleep(1)
    dev.timings["backfill_2021_completed"] = time.monotonic() - started
    return backfill
