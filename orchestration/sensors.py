"""Sensors: new or changed raw files, and new or changed corrections, start exactly the years they touch.

Two steps, because ``raw_file_inventory`` is unpartitioned and every year run reads it:

1. ``raw_files_sensor`` stats every file under GOVREPORTS_RAW_DIR and compares path, size and modification
   time with the inventory in the warehouse (which records them: the per-file state lives there, not in the
   cursor). Any difference — a new, changed, touched or removed file, or no inventory yet — requests one
   ``refresh_inventory`` run. The sensor reads no file: the inventory run does, on every core.
2. ``year_runs_after_inventory`` sees that run succeed and requests one ``year_pipeline`` run per year whose
   files changed: the inventory records them (``years_changed`` in its materialization's metadata: the
   years of new, changed and removed reports, old and new year of a report whose year changed), so every
   year run reads an inventory that already lists the new files, and a touched file runs no year.

The raw files' cursor is the digest of the differences last requested, so a tick before the inventory run
has finished does not ask again: its size does not depend on the number of files.

``corrections_sensor`` reads the corrections folder (GOVREPORTS_CORRECTIONS) at each tick and requests a
``year_pipeline`` run of every year whose corrections changed (added, edited or removed), and one run of
the ``corrections`` asset; its cursor is one digest per year. A folder that does not validate is reported
in the tick's skip reason and nothing runs until it is fixed.
"""

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from upath import UPath

from assets.ingestion import YEARS_CHANGED
from assets.partitions import YEARS
from assets.pipeline.ingest import discover, file_state
from assets.pipeline.versions import corrections_digest
from assets.storage.corrections import CorrectionsError
from assets.storage.resources import CorrectionsFolder, RawDirectory, Warehouse

if TYPE_CHECKING:  # what define_asset_job returns; dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

INVENTORY = "raw_file_inventory"
CHANGED_TAG = "govreports/changed_files"  # how many files a raw_files_sensor run was requested for
FileState = tuple[int, int]  # (size in bytes, modification time in ns)


def recorded_files(warehouse: Warehouse) -> dict[str, FileState]:
    """Each file the inventory in the warehouse lists, with its size and modification time when it was read;
    empty when there is no inventory (or one written before it recorded modification times)."""
    path = warehouse.root() / f"{INVENTORY}.parquet"
    if not path.exists():
        return {}
    try:
        table = pq.read_table(path.path, filesystem=path.fs, columns=["source_path", "bytes", "modified_ns"])
    except (OSError, KeyError, pa.ArrowException):
        return {}
    return dict(zip(table["source_path"].to_pylist(),
                    zip(table["bytes"].to_pylist(), table["modified_ns"].to_pylist(), strict=True), strict=True))


def changed_files(root: Path | UPath, recorded: dict[str, FileState]) -> list[tuple[str, FileState | None]]:
    """Every file under ``root`` whose size or modification time is not what ``recorded`` says, and every
    recorded file that is gone (state None), in path order. Only stats: no file is read."""
    root = root.resolve()
    found = {name: file_state(root / name) for name in discover(root)}
    gone = [(name, None) for name in recorded.keys() - found.keys()]
    return sorted([(name, state) for name, state in found.items() if recorded.get(name) != state] + gone)


def _digest(changes: list[tuple[str, FileState | None]]) -> str:
    return hashlib.sha256(json.dumps(changes, separators=(",", ":")).encode()).hexdigest()


def years_changed_in(instance: dg.DagsterInstance, run_id: str) -> list[int]:
    """The years whose files the inventory materialized by run ``run_id`` found changed."""
    years: set[int] = set()
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.asset_materialization
        if materialization is not None and materialization.asset_key == dg.AssetKey(INVENTORY):
            years.update(materialization.metadata[YEARS_CHANGED].value)
    return sorted(years)


def corrections_digests(corrections: pd.DataFrame) -> dict[str, str]:
    """One digest per year of the corrections of that year (what the year's fingerprint adds for them)."""
    return {str(year): corrections_digest(rows) for year, rows in corrections.groupby("year")}


def build_sensors(inventory_job: "UnresolvedAssetJobDefinition", year_job: "UnresolvedAssetJobDefinition",
                  corrections_job: "UnresolvedAssetJobDefinition") -> list[dg.SensorDefinition]:
    """The raw-folder sensor launching ``inventory_job``, the sensor chaining ``year_job`` after it, the
    corrections sensor launching ``year_job`` for the years whose corrections changed (and
    ``corrections_job``), and the automation sensor that refreshes the cross-year rollups."""

    @dg.sensor(job=inventory_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED,
               description="New, changed or removed files under GOVREPORTS_RAW_DIR: re-inventory, then run "
                           "exactly the reporting years they belong to (see year_runs_after_inventory).")
    def raw_files_sensor(context: dg.SensorEvaluationContext, raw_dir: RawDirectory,
                         warehouse: Warehouse) -> dg.SensorResult:
        recorded = recorded_files(warehouse)
        changes = changed_files(raw_dir.root(), recorded)
        if not changes:
            return dg.SensorResult(cursor="", skip_reason=dg.SkipReason(
                f"{len(recorded)} file(s), none changed since the inventory"))
        digest = _digest(changes)
        if digest == context.cursor:
            return dg.SensorResult(skip_reason=dg.SkipReason(
                f"{len(changes)} changed file(s), already sent to {inventory_job.name}"))
        context.log.info(f"{len(changes)} file(s) new, changed or removed since the inventory")
        return dg.SensorResult(run_requests=[dg.RunRequest(tags={CHANGED_TAG: str(len(changes))})], cursor=digest)

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[inventory_job],
                          request_job=year_job, default_status=dg.DefaultSensorStatus.RUNNING,
                          description=f"After a {inventory_job.name} run succeeds: one {year_job.name} run per "
                                      f"year whose files it found changed ({YEARS_CHANGED}).")
    def year_runs_after_inventory(context: dg.RunStatusSensorContext) -> list[dg.RunRequest]:
        run = context.dagster_run
        known = set(YEARS.get_partition_keys())
        return [dg.RunRequest(run_key=f"{run.run_id}:{year}", partition_key=year,
                              tags={"govreports/inventory_run": run.run_id})
                for year in map(str, years_changed_in(context.instance, run.run_id)) if year in known]

    @dg.sensor(jobs=[year_job, corrections_job], minimum_interval_seconds=30,
               default_status=dg.DefaultSensorStatus.STOPPED,
               description="Corrections added, edited or removed under GOVREPORTS_CORRECTIONS: rebuild exactly the "
                           "years they touch, and the corrections asset.")
    def corrections_sensor(context: dg.SensorEvaluationContext,
                           corrections_folder: CorrectionsFolder) -> dg.SensorResult:
        try:
            digests = corrections_digests(corrections_folder.read())
        except CorrectionsError as error:
            return dg.SensorResult(skip_reason=dg.SkipReason(f"corrections folder not applied: {error}"))
        previous = json.loads(context.cursor) if context.cursor else {}
        changed = sorted(y for y in digests.keys() | previous.keys() if digests.get(y) != previous.get(y))
        known = set(YEARS.get_partition_keys())
        years = [y for y in changed if y in known]
        if not changed:
            return dg.SensorResult(skip_reason=dg.SkipReason("corrections unchanged"))
        # no run keys: the cursor already asks once per change, and a key made of the corrections' state would
        # let Dagster drop the run when corrections return to a state they had before
        requests = [dg.RunRequest(job_name=corrections_job.name)]
        requests += [dg.RunRequest(job_name=year_job.name, partition_key=year) for year in years]
        context.log.info(f"corrections changed for years {changed}")
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(digests, sort_keys=True))

    # Dagster's own default automation sensor starts STOPPED; this one runs the rollups' conditions from the start.
    rollup_automation = dg.AutomationConditionSensorDefinition(
        "rollup_automation", target=dg.AssetSelection.all(), default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=30,
        description="Evaluates the automation conditions: the cross-year assets refresh after any year changes.")
    return [raw_files_sensor, year_runs_after_inventory, corrections_sensor, rollup_automation]
