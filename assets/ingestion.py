"""Ingestion assets: the inventory of raw files, and each year's reports as normalized text."""

import dagster as dg
import pandas as pd

from schemas.tables import RawFileInventory, RawReports

from .core.ingest import build_inventory
from .core.reading import read_lines
from .partitions import YEARS
from .resources import RawDirectory
from .validation import table_metadata, validated

GROUP = "ingestion"


@dg.asset(group_name=GROUP, io_manager_key="warehouse_io", metadata=table_metadata(RawFileInventory),
          owners=["team:govreports"], tags={"stage": "ingestion"})
def raw_file_inventory(context: dg.AssetExecutionContext, raw_dir: RawDirectory) -> pd.DataFrame:
    """Every file under GOVREPORTS_RAW_DIR: one row per file with sha256, size, encoding, detected
    year and outcome (report, duplicate, not_a_report, unreadable, no_year) with its reason.
    Nothing is skipped in silence."""
    entries = build_inventory(raw_dir.root())
    frame = validated(RawFileInventory, pd.DataFrame.from_records([e.record() for e in entries],
                                                                  columns=list(RawFileInventory.to_schema().columns)))
    counts = frame["outcome"].value_counts().to_dict()
    years = sorted(int(y) for y in frame.loc[frame["outcome"] == "report", "year"].dropna().unique())
    context.add_output_metadata({"files": len(frame), "outcomes": dg.MetadataValue.json(counts),
                                 "years": dg.MetadataValue.json(years)})
    return frame


@dg.asset(group_name=GROUP, io_manager_key="warehouse_io", partitions_def=YEARS,
          metadata=table_metadata(RawReports), owners=["team:govreports"], tags={"stage": "ingestion"})
def raw_reports(context: dg.AssetExecutionContext, raw_dir: RawDirectory,
                raw_file_inventory: pd.DataFrame) -> pd.DataFrame:
    """One row per report of the year (duplicates excluded): normalized text, one line per source
    line (HTML pages rendered, tables as pipe rows), with the file it came from, how it was decoded
    and its source format."""
    year = int(context.partition_key)
    chosen = raw_file_inventory[(raw_file_inventory["outcome"] == "report") & (raw_file_inventory["year"] == year)]
    records = []
    for entry in chosen.itertuples(index=False):
        read = read_lines(entry.source_path, (raw_dir.root() / entry.source_path).read_bytes())
        records.append({"report_id": entry.report_id, "year": year, "source_path": entry.source_path,
                        "sha256": entry.sha256, "encoding": read.encoding, "encoding_confident": read.confident,
                        "source_format": read.source_format,
                        "text": "\n".join(read.lines)})
    frame = validated(RawReports, pd.DataFrame.from_records(records, columns=list(RawReports.to_schema().columns)))
    context.add_output_metadata({"reports": len(frame)})
    return frame
