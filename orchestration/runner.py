"""Materialize the whole pipeline in process: the inventory, every year found, the rollups, then each year's
coverage (who published, who did not).

This is what ``make demo`` and ``govreports run`` do; it runs the same Definitions the UI shows. With
DAGSTER_HOME set the runs are recorded in that instance, so ``make ui`` shows them afterwards.
"""

import os
from collections.abc import Callable

import dagster as dg
import pandas as pd
import pyarrow.dataset as ds

from assets.pipeline.ingest import YEAR_OUTCOMES
from assets.pipeline.versions import INPUTS_KEY, inputs_fingerprint
from assets.storage.parts import StoredTable, part_metadata
from assets.storage.resources import storage_path
from orchestration.checks import ASSET_CHECKS
from orchestration.definitions import ASSETS, ROLLUP_ASSETS, YEAR_ASSETS, build_resources

_QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def run_pipeline(raw_dir: str, warehouse: str, years: list[int] | None = None,
                 progress: Callable[[str], None] = print, instance: dg.DagsterInstance | None = None,
                 changed_only: bool = False) -> dict:
    """Materialize everything for the given years (default: every year with a report or already written),
    recorded in ``instance`` (default: that of DAGSTER_HOME when set, else an ephemeral one). With
    ``changed_only``, a year whose nine tables were all built from the inputs it has now (the same files of
    the year in the inventory, the same code: ``inputs_fingerprint``) is left as it is."""
    resources = build_resources(raw_dir, warehouse)
    definitions = [*ASSETS, *ASSET_CHECKS]
    instance = instance or _instance()

    def materialize(selection: list[str], partition: str | None = None) -> None:
        result = dg.materialize(definitions, selection=selection, partition_key=partition, resources=resources,
                                instance=instance, raise_on_error=True, run_config=_QUIET)
        failed = [e for e in result.get_asset_check_evaluations() if not e.passed
                  and e.severity == dg.AssetCheckSeverity.ERROR]
        if failed:
            raise RuntimeError(f"checks failed: {[e.check_name for e in failed]}")

    progress(f"[1/4] inventory of {raw_dir}")
    materialize(["raw_file_inventory", "corrections"])
    year_corrections = resources["corrections_folder"].read()
    inventory = StoredTable(storage_path(warehouse) / "raw_file_inventory.parquet").read(["outcome", "year"])
    wanted = sorted(set(years)) if years else years_to_run(inventory, warehouse)
    unchanged = [year for year in wanted if changed_only and built_from_current_inputs(
        warehouse, year, year_corrections[year_corrections["year"] == year])]
    if unchanged:
        progress(f"unchanged since written (same files, same code), left as they are: {unchanged}")
    chosen = [year for year in wanted if year not in unchanged]
    for index, year in enumerate(chosen, start=1):
        progress(f"[2/4] year {year} ({index}/{len(chosen)})")
        materialize([*YEAR_ASSETS, "review_queue"], str(year))
    progress("[3/4] rollups")
    materialize(ROLLUP_ASSETS)
    progress(f"[4/4] coverage of {len(wanted)} year(s)")  # every year: one year's change moves the others' missing
    for year in wanted:
        materialize(["coverage"], str(year))
    return summarize(warehouse, inventory, wanted)


def years_to_run(inventory: pd.DataFrame, warehouse: str) -> list[int]:
    """Every year a file belongs to, and every year already in the warehouse: a year whose reports were
    all removed is rebuilt (empty), so its stale rows disappear."""
    found = {int(y) for y in inventory.loc[inventory["outcome"].isin(YEAR_OUTCOMES), "year"].dropna().unique()}
    written = {int(part.name.split("=", 1)[1]) for asset in YEAR_ASSETS
               for part in (storage_path(warehouse) / asset).glob("year=*") if part.is_dir()}
    return sorted(found | written)


def built_from_current_inputs(warehouse: str, year: int, corrections: pd.DataFrame | None = None) -> bool:
    """Whether every year table of ``year`` was written from what the year's inputs are now (its files in the
    inventory, its ``corrections``)."""
    root = storage_path(warehouse)
    current = inputs_fingerprint(StoredTable(root / "raw_file_inventory.parquet").read(year=year),
                                 corrections).encode()
    return all(part_metadata(root / asset / f"year={year}", INPUTS_KEY) == current for asset in YEAR_ASSETS)


def summarize(warehouse: str, inventory: pd.DataFrame, years: list[int]) -> dict:
    root = storage_path(warehouse)
    tables = ["dim_reports", "fact_active_disclosure", "fact_applications", "fact_review_litigation",
              "quality_issues"]
    counts: dict[str, dict[str, int]] = {}
    for table in tables:  # row counts from the Parquet footers: a year of facts is never loaded
        path = root / table
        parts = (ds.dataset(path.path, filesystem=path.fs, format="parquet", partitioning="hive")
                 if path.exists() else None)
        counts[table] = {str(y): parts.count_rows(filter=ds.field("year") == y) for y in years} if parts else {}
    return {"files": len(inventory), "outcomes": inventory["outcome"].value_counts().to_dict(), "years": years,
            "rows": counts, "warehouse": str(root)}


def format_summary(summary: dict) -> str:
    lines = [f"files: {summary['files']} ({', '.join(f'{k} {v}' for k, v in summary['outcomes'].items())})",
             f"{'year':>6} {'reports':>8} {'表二 cells':>10} {'表三 cells':>10} {'表四 cells':>10} {'issues':>7}"]
    rows = summary["rows"]
    for year in summary["years"]:
        key = str(year)
        values = [rows[t].get(key, rows[t].get(year, 0)) for t in
                  ("dim_reports", "fact_active_disclosure", "fact_applications", "fact_review_litigation",
                   "quality_issues")]
        lines.append(f"{year:>6} " + " ".join(f"{v:>{w}}" for v, w in zip(values, (8, 10, 10, 10, 7), strict=True)))
    lines.append(f"Parquet: {summary['warehouse']}/<asset>/year=<YYYY>/part-<n>.parquet")
    return "\n".join(lines)
