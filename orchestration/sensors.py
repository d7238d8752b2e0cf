"""Sensors: new or changed raw files, and new or changed corrections, start exactly the years they touch.

Two steps, because ``raw_file_inventory`` is unpartitioned and every year run reads it:

1. ``raw_files_sensor`` stats every file under GOVREPORTS_RAW_DIR and compares (size, mtime_ns) with its
   cursor. Only files whose stat changed are read and hashed; only those whose sha256 changed are parsed
   (``read_entry``, pure) to learn their year. It then requests one ``refresh_inventory`` run tagged
   ``govreports/years=<the years touched>`` (years of new, changed and removed files, old and new year
   of a file whose year changed).
2. ``year_runs_after_inventory`` sees that run succeed and requests one ``year_pipeline`` run per tagged
   year, so every year run reads an inventory that already lists the new files.

``corrections_sensor`` reads the corrections folder (GOVREPORTS_CORRECTIONS) at each tick and requests a
``year_pipeline`` run of every year whose corrections changed (added, edited or removed), and one run of
the ``corrections`` asset; its cursor is one digest per year. A folder that does not validate is reported
in the tick's skip reason and nothing runs until it is fixed.

The raw files' cursor is JSON ``{"files": {path: [size, mtime_ns, sha256, year]}, "pending": [years]}``. A scan that
finds more changed files than ``MAX_PARSED_PER_TICK`` parses that many, keeps the years found in
``pending`` and goes on at the next tick, so the first tick on 100,000 files stays within the sensor
timeout; the runs are requested once the folder has been read completely.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pandas as pd
from upath import UPath

from assets.partitions import YEARS
from assets.pipeline.ingest import YEAR_OUTCOMES, discover, read_entry
from assets.pipeline.versions import corrections_digest
from assets.storage.corrections import CorrectionsError
from assets.storage.resources import CorrectionsFolder, RawDirectory

if TYPE_CHECKING:  # what define_asset_job returns; dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

YEARS_TAG = "govreports/years"
MAX_PARSED_PER_TICK = 5000

FileState = list  # [size, mtime_ns, sha256, year or None]: JSON has no tuples


@dataclass
class Scan:
    """What one scan of the raw folder found, relative to the previous cursor."""

    files: dict[str, FileState]
    years: set[int] = field(default_factory=set)
    changed_paths: list[str] = field(default_factory=list)
    complete: bool = True


def scan_raw_dir(root: Path | UPath, previous: dict[str, FileState], max_parsed: int = MAX_PARSED_PER_TICK) -> Scan:
    """Compare ``root`` with ``previous``: stat every file, hash the stat-changed ones, parse the
    content-changed ones. Years of removed files count as touched too (their rows must go)."""
    root = root.resolve()
    scan = Scan(files={})
    parsed = 0
    for name in discover(root):
        path = root / name
        stat = path.stat()
        old = previous.get(name)
        if old is not None and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
            scan.files[name] = old
            continue
        if parsed >= max_parsed:  # not read yet: stays "new" for the next tick
            scan.complete = False
            if old is not None:
                scan.files[name] = old
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if old is not None and old[2] == digest:  # touched or copied over itself: same content
            scan.files[name] = [stat.st_size, stat.st_mtime_ns, digest, old[3]]
            continue
        parsed += 1
        entry = read_entry(name, data, full=False)
        year = entry.identity.year.year if entry.outcome in YEAR_OUTCOMES and entry.identity is not None else None
        scan.files[name] = [stat.st_size, stat.st_mtime_ns, digest, year]
        scan.changed_paths.append(name)
        scan.years.update(y for y in (year, old[3] if old else None) if y is not None)
    for name in previous.keys() - scan.files.keys():
        scan.changed_paths.append(name)
        if previous[name][3] is not None:
            scan.years.add(previous[name][3])
    return scan


def _load_cursor(cursor: str | None) -> tuple[dict[str, FileState], set[int]]:
    state = json.loads(cursor) if cursor else {}
    return state.get("files", {}), set(state.get("pending", []))


def _dump_cursor(files: dict[str, FileState], pending: set[int]) -> str:
    return json.dumps({"files": files, "pending": sorted(pending)}, separators=(",", ":"))


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
    def raw_files_sensor(context: dg.SensorEvaluationContext, raw_dir: RawDirectory) -> dg.SensorResult:
        previous, pending = _load_cursor(context.cursor)
        scan = scan_raw_dir(raw_dir.root(), previous)
        known = set(YEARS.get_partition_keys())
        outside = sorted(y for y in scan.years if str(y) not in known)
        if outside:
            context.log.warning(f"years without a partition (inventoried, not run): {outside}")
        pending |= {y for y in scan.years if str(y) in known}
        if not scan.complete:
            return dg.SensorResult(cursor=_dump_cursor(scan.files, pending), skip_reason=dg.SkipReason(
                f"{len(scan.changed_paths)} changed file(s) read this tick; more next tick"))
        if not scan.changed_paths and not pending:
            return dg.SensorResult(cursor=_dump_cursor(scan.files, set()),
                                   skip_reason=dg.SkipReason(f"{len(scan.files)} file(s), none changed"))
        years = ",".join(str(y) for y in sorted(pending))
        context.log.info(f"{len(scan.changed_paths)} changed file(s): inventory, then years [{years}]")
        return dg.SensorResult(run_requests=[dg.RunRequest(tags={YEARS_TAG: years})],
                               cursor=_dump_cursor(scan.files, set()))

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[inventory_job],
                          request_job=year_job, default_status=dg.DefaultSensorStatus.RUNNING,
                          description=f"After a {inventory_job.name} run tagged {YEARS_TAG} succeeds: one "
                                      f"{year_job.name} run per tagged year.")
    def year_runs_after_inventory(context: dg.RunStatusSensorContext) -> list[dg.RunRequest]:
        run = context.dagster_run
        return [dg.RunRequest(run_key=f"{run.run_id}:{year}", partition_key=year,
                              tags={"govreports/inventory_run": run.run_id})
                for year in run.tags.get(YEARS_TAG, "").split(",") if year]

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
