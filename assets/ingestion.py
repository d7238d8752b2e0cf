"""The ingestion asset: the inventory of raw files (each year's texts are ``raw_reports``, in year.py)."""

import logging

import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import RawFileInventory

from .pipeline.ingest import build_inventory, current_records, kept_records, years_changed
from .pipeline.memory import release_unused_memory
from .pipeline.pool import default_workers
from .pipeline.versions import code_version
from .storage.resources import RawDirectory, Warehouse
from .validation import table_metadata, validated

GROUP = "ingestion"
YEARS_CHANGED = "years_changed"  # the metadata key of the years whose files changed


@dg.asset(group_name=GROUP, io_manager_key="warehouse_io", metadata=table_metadata(RawFileInventory),
          owners=["team:govreports"], tags={"stage": "ingestion"})
def raw_file_inventory(context: dg.AssetExecutionContext, raw_dir: RawDirectory,
                       warehouse: Warehouse) -> pd.DataFrame:
    """Every file under GOVREPORTS_RAW_DIR: one row per file with sha256, size, modification time, encoding,
    detected year and outcome (report, duplicate, not_a_report, unreadable, no_year) with its reason.
    Nothing is skipped in silence. Files are parsed on every core; only these records are kept. A file
    already in the previous inventory with the same sha256 and code_version keeps its record unparsed. The
    materialization's ``years_changed`` lists the years whose files differ from the previous inventory's
    (``year_runs_after_inventory`` runs exactly those)."""
    frame, metadata = take_inventory(context.log, raw_dir, warehouse)
    context.add_output_metadata(metadata)
    return frame


def take_inventory(log: logging.Logger | dg.DagsterLogManager, raw_dir: RawDirectory,
                   warehouse: Warehouse) -> tuple[pd.DataFrame, dict]:
    """The inventory of the raw folder, validated, and what its materialization reports."""
    previous = _previous_inventory(log, warehouse)
    known = current_records(previous)
    inventory = build_inventory(raw_dir.root(), default_workers(), known)
    kept = kept_records(inventory, known)
    changed = years_changed(previous, inventory)
    del known, previous
    frame = validated(RawFileInventory, inventory.to_pandas())
    del inventory
    release_unused_memory()  # what reading 200,000 files left free in this process
    counts = frame["outcome"].value_counts().to_dict()
    years = sorted(int(y) for y in frame.loc[frame["outcome"] == "report", "year"].dropna().unique())
    return frame, {"files": len(frame), "outcomes": dg.MetadataValue.json(counts),
                   "years": dg.MetadataValue.json(years), "records_kept": kept, "files_parsed": len(frame) - kept,
                   "code_version": code_version(), YEARS_CHANGED: dg.MetadataValue.json(changed)}


def _previous_inventory(log: logging.Logger | dg.DagsterLogManager, warehouse: Warehouse) -> pa.Table | None:
    """The inventory this asset wrote last, or None (none yet, or unreadable: then every file is parsed)."""
    path = warehouse.root() / "raw_file_inventory.parquet"
    try:
        return pq.read_table(path.path, filesystem=path.fs) if path.exists() else None
    except (OSError, pa.ArrowException) as error:
        log.warning(f"previous inventory {path} unreadable, every file is parsed: {error}")
        return None
