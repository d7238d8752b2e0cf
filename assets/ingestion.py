"""The ingestion asset: the inventory of raw files (each year's texts are ``raw_reports``, in year.py)."""

import dagster as dg
import pandas as pd

from schemas.tables import RawFileInventory

from .core.ingest import build_inventory
from .core.memory import release_unused_memory
from .core.pool import default_workers
from .resources import RawDirectory
from .validation import table_metadata, validated

GROUP = "ingestion"


@dg.asset(group_name=GROUP, io_manager_key="warehouse_io", metadata=table_metadata(RawFileInventory),
          owners=["team:govreports"], tags={"stage": "ingestion"})
def raw_file_inventory(context: dg.AssetExecutionContext, raw_dir: RawDirectory) -> pd.DataFrame:
    """Every file under GOVREPORTS_RAW_DIR: one row per file with sha256, size, encoding, detected
    year and outcome (report, duplicate, not_a_report, unreadable, no_year) with its reason.
    Nothing is skipped in silence. Files are parsed on every core; only these records are kept."""
    frame = validated(RawFileInventory, build_inventory(raw_dir.root(), default_workers()).to_pandas())
    release_unused_memory()  # what reading 200,000 files left free in this process
    counts = frame["outcome"].value_counts().to_dict()
    years = sorted(int(y) for y in frame.loc[frame["outcome"] == "report", "year"].dropna().unique())
    context.add_output_metadata({"files": len(frame), "outcomes": dg.MetadataValue.json(counts),
                                 "years": dg.MetadataValue.json(years)})
    return frame
