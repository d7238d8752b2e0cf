"""What an oversight office asks first: which agencies published their report of a year, and which did not or
cannot be read.

``coverage`` is year-partitioned and reads every year of ``dim_reports`` with DuckDB (an agency is missing this
year when it has a report in another), the files of ``raw_file_inventory`` that failed, and the roster of agencies
expected to publish (``Roster``, ``GOVREPORTS_ROSTER``), which adds those that never published. The rows are made
in ``pipeline/coverage.py``. It depends on the year's own ``dim_reports`` (a dependency on every year would make
a backfill of one year run the coverage of all): a year's coverage is as complete as the other years in the
warehouse when it runs, so materialize it after the years it is compared with.
"""

import dagster as dg
import pandas as pd

from schemas.tables import Coverage

from .partitions import YEARS
from .pipeline.agencies import agencies_sql, roster_agencies
from .pipeline.coverage import REPORT_PATHS, failed_files, place_failed, report_paths_sql, reports_sql, unplaceable
from .pipeline.coverage import coverage as coverage_rows
from .storage.parts import StoredTable
from .storage.resources import Roster, Warehouse
from .storage.roster import RosterError
from .validation import table_metadata, validated

_LISTED = 20  # agencies shown in the materialization's tables of missing and unreadable ones
_SHOWN = ["agency_id", "agency", "province", "city", "county", "on_roster", "other_years", "source_paths", "reason"]


@dg.asset(group_name="oversight", io_manager_key="warehouse_io", metadata=table_metadata(Coverage),
          partitions_def=YEARS, owners=["team:govreports"], tags={"stage": "oversight"},
          ins={"raw_file_inventory": dg.AssetIn()},
          deps=["dim_reports"])
def coverage(context: dg.AssetExecutionContext, warehouse: Warehouse, roster: Roster,
             raw_file_inventory: StoredTable) -> pd.DataFrame:
    """One row per agency × year: published, missing (a report in another year, or on the roster, but none this
    year), duplicate (two different reports) or unreadable (only files that failed, or reports none of whose
    template cells could be read, with the reason), with the agency's region, level, kind, reports and files."""
    year = int(context.partition_key)
    if not (warehouse.root() / "dim_reports" / f"year={year}").exists():
        raise dg.Failure(description=f"dim_reports of {year} is not in the warehouse: materialize the year "
                                     f"(year_pipeline, partition {year}) first")
    try:
        entries = roster_agencies(roster.read())
    except RosterError as error:
        raise dg.Failure(description=f"roster: {error}") from None
    dim = warehouse.glob("dim_reports")
    inventory = raw_file_inventory.read(["source_path", "outcome", "reason", "year"])
    failed = failed_files(inventory, year)
    paths = warehouse.query(report_paths_sql(dim)) if len(failed) else pd.DataFrame(columns=REPORT_PATHS)
    failed = failed.assign(agency_id=place_failed(failed, paths))
    frame = validated(Coverage, coverage_rows(year, warehouse.query(reports_sql(dim, year)),
                                              warehouse.query(agencies_sql(dim, except_year=year)), failed, entries))
    context.add_output_metadata(_metadata(frame, unplaceable(inventory)))
    return frame


def _metadata(frame: pd.DataFrame, unplaced: int) -> dict:
    """Counts per status, and the first missing and unreadable agencies as Markdown tables."""
    def listed(status: str) -> dg.MetadataValue:
        rows = frame[frame["status"] == status]
        return dg.MetadataValue.md(rows.head(_LISTED)[_SHOWN].to_markdown(index=False) if len(rows) else "none")

    return {"dagster/row_count": len(frame),
            "status": dg.MetadataValue.json({str(k): int(v) for k, v in frame["status"].value_counts().items()}),
            "on_roster": int(frame["on_roster"].sum()), "missing": listed("missing"),
            "unreadable": listed("unreadable"), "failed_files_of_no_year": unplaced}
