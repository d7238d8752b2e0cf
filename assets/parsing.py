"""Parsing assets: section headings, then table cells as found (before any placement)."""

import dagster as dg
import pandas as pd

from schemas.tables import ReportSections, ReportTables

from .core.frames import SECTION_COLUMNS, TABLE_COLUMNS, rows_frame, sections_frame, sections_from_frame
from .core.report import read_tables
from .core.sections import find_sections
from .partitions import YEARS
from .validation import table_metadata, validated

GROUP = "parsing"


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


@dg.asset(group_name=GROUP, io_manager_key="warehouse_io", partitions_def=YEARS,
          metadata=table_metadata(ReportSections), owners=["team:govreports"], tags={"stage": "parsing"})
def report_sections(context: dg.AssetExecutionContext, raw_reports: pd.DataFrame) -> pd.DataFrame:
    """One row per report × top-level section heading (一、总体情况 … 六、其他需要报告的事项), with
    the 1-based line range it covers."""
    frames = [sections_frame(r.report_id, int(r.year), find_sections(r.text.split("\n")))
              for r in raw_reports.itertuples(index=False)]
    frame = validated(ReportSections, _concat(frames, SECTION_COLUMNS))
    context.add_output_metadata({"sections": len(frame), "reports": frame["report_id"].nunique()})
    return frame


@dg.asset(group_name=GROUP, io_manager_key="warehouse_io", partitions_def=YEARS,
          metadata=table_metadata(ReportTables), owners=["team:govreports"], tags={"stage": "parsing"})
def report_tables(context: dg.AssetExecutionContext, raw_reports: pd.DataFrame,
                  report_sections: pd.DataFrame) -> pd.DataFrame:
    """One row per report × table cell as found in 表二/表三/表四, in reading order, with the row
    label it follows and its source line. Nothing is placed yet: counts may be short."""
    sections_by_report = dict(tuple(report_sections.groupby("report_id", sort=False)))
    frames = []
    for report in raw_reports.itertuples(index=False):
        sections = sections_from_frame(sections_by_report.get(report.report_id, report_sections.iloc[0:0]))
        frames.append(rows_frame(report.report_id, int(report.year), read_tables(report.text.split("\n"), sections)))
    frame = validated(ReportTables, _concat(frames, TABLE_COLUMNS))
    context.add_output_metadata({"cells_found": int(frame["position"].notna().sum())})
    return frame
