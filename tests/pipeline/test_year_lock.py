"""Two runs of one year outside Dagster's queue (two `govreports run`, a materialize beside a running
`dagster dev` with another DAGSTER_HOME): each swapped its partitions over the other's, and the second to
publish removed the first's staged parts as leftovers. The run writing a year now holds that year's lock
in the warehouse; another run of the same year fails at once with who holds it, and publishes nothing."""

import os
import subprocess
import sys

import dagster as dg
import pandas as pd

from assets.storage.resources import Warehouse
from orchestration.checks import ASSET_CHECKS
from orchestration.definitions import ASSETS, YEAR_ASSETS, build_resources
from tests.conftest import ROOT, copy_text_samples


def _materialize(instance, raw, wh, selection, partition=None):
    return dg.materialize([*ASSETS, *ASSET_CHECKS], selection=selection, partition_key=partition,
                          resources=build_resources(str(raw), str(wh)), instance=instance, raise_on_error=False)


def test_a_second_run_of_a_year_being_written_fails_and_publishes_nothing(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    copy_text_samples(raw)
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        with Warehouse(path=str(wh)).writing_year(2021):
            locked = _materialize(instance, raw, wh, YEAR_ASSETS, "2021")
            other_year = _materialize(instance, raw, wh, YEAR_ASSETS, "2020")
        assert not locked.success
        [failure] = locked.get_step_failure_events()
        message = failure.step_failure_data.user_failure_data.description
        assert message.startswith(f"year 2021 of {wh} is being written by another run (pid {os.getpid()}, since ")
        assert "launch runs through the Dagster daemon" in message
        assert not list(wh.glob("*/year=2021"))
        assert other_year.success  # a year's lock holds only that year
        assert _materialize(instance, raw, wh, YEAR_ASSETS, "2021").success  # released with its holder
    assert set(pd.read_parquet(wh / "dim_reports")["year"].astype(int)) == {2020, 2021}


def test_govreports_run_of_a_locked_year_exits_with_the_reason(tmp_path):
    """The same through the CLI, a process of its own: it exits non-zero and says who holds the year."""
    raw, wh, home = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "dagster_home"
    copy_text_samples(raw)
    home.mkdir()
    with Warehouse(path=str(wh)).writing_year(2021):
        run = subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--raw", str(raw), "--warehouse",
                              str(wh), "--year", "2021"], cwd=ROOT, env={**os.environ, "DAGSTER_HOME": str(home)},
                             capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]  # after Dagster's own record of the failed step
    assert last.startswith(f"govreports: error: year 2021 of {wh} is being written by another run (pid {os.getpid()}")
    assert not list(wh.glob("*/year=2021"))
