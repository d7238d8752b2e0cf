"""The shipped instance configs (deploy/*.yaml): each passes Dagster's instance schema, the local default is
the embedded SQLite instance with the per-partition run queue, and the scale-out example's run launcher
config passes dagster-k8s' own K8sRunLauncher schema (no cluster here to launch on)."""

import pytest
import yaml
from dagster import DagsterInstance
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster._core.storage.event_log.sqlite import SqliteEventLogStorage
from dagster._core.storage.runs import SqliteRunStorage
from dagster_k8s import K8sRunLauncher

from tests.deploy.conftest import DEPLOY, instance_home

ONE_RUN_PER_PARTITION = [{"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}]


@pytest.mark.parametrize("example", ["local", "postgres", "k8s"])
def test_every_example_passes_the_instance_schema_and_queues_one_run_per_partition(example, tmp_path):
    config, _ = dagster_instance_config(str(instance_home(tmp_path, example)))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["concurrency"]["runs"]["tag_concurrency_limits"] == ONE_RUN_PER_PARTITION
    assert config["telemetry"] == {"enabled": False}


def test_the_local_default_is_embedded_sqlite_with_the_partition_queue(tmp_path):
    with DagsterInstance.from_config(str(instance_home(tmp_path, "local"))) as instance:
        assert isinstance(instance.run_storage, SqliteRunStorage)
        assert isinstance(instance.event_log_storage, SqliteEventLogStorage)
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 4
        assert list(queue.tag_concurrency_limits) == ONE_RUN_PER_PARTITION


def test_the_k8s_example_launches_runs_with_a_valid_k8s_run_launcher_config():
    config = yaml.safe_load((DEPLOY / "dagster.k8s.yaml").read_text())
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    result = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert result.success, result.errors
    assert {"GOVREPORTS_RAW_DIR", "GOVREPORTS_WAREHOUSE"} <= set(result.value["env_vars"])
    assert "postgres" in config["storage"]  # every pod must see the same instance
