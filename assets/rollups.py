"""Cross-agency rollups, read straight from the warehouse's Parquet with DuckDB (no year in memory)."""

import dagster as dg
import duckdb
import pandas as pd

from schemas.tables import RollupApplications

from .partitions import AFTER_ANY_YEAR_CHANGES
from .resources import Warehouse
from .validation import table_metadata, validated

_SQL = """
with reports as (
    select report_id, year, template, trusted from read_parquet('{dim}', hive_partitioning = true)
), cells as (
    select report_id, row, value from read_parquet('{apps}', hive_partitioning = true)
    where applicant = 'total' and cell_status in ('number', 'none_word')
)
select r.year, r.template, count(distinct r.report_id) as reports,
       count(distinct r.report_id) filter (where r.trusted) as trusted_reports,
       sum(c.value) filter (where r.trusted and c.row = 'new_received') as new_received,
       sum(c.value) filter (where r.trusted and c.row = 'handled_total') as handled_total,
       sum(c.value) filter (where r.trusted and c.row in ('granted', 'partially_granted')) as disclosed
from reports r left join cells c using (report_id)
group by all order by all
"""


@dg.asset(group_name="rollups", io_manager_key="warehouse_io", metadata=table_metadata(RollupApplications),
          owners=["team:govreports"], tags={"stage": "rollups"}, automation_condition=AFTER_ANY_YEAR_CHANGES,
          deps=[dg.AssetDep("dim_reports", partition_mapping=dg.AllPartitionMapping()),
                dg.AssetDep("fact_applications", partition_mapping=dg.AllPartitionMapping())])
def rollup_applications(context: dg.AssetExecutionContext, warehouse: Warehouse) -> pd.DataFrame:
    """One row per year × template generation, across all agencies: reports, trusted reports, and 表三
    totals (received, handled, disclosed) over trusted reports, with disclosure_rate = disclosed /
    handled_total (null when nothing was handled)."""
    query = _SQL.format(dim=warehouse.glob("dim_reports"), apps=warehouse.glob("fact_applications"))
    frame = duckdb.sql(query).df()
    frame["disclosure_rate"] = (frame["disclosed"] / frame["handled_total"]).where(frame["handled_total"] > 0)
    frame = validated(RollupApplications, frame)
    context.add_output_metadata({"preview": dg.MetadataValue.md(frame.head(10).to_markdown(index=False))})
    return frame
