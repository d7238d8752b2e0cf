"""Cross-agency rollups, read straight from the warehouse's Parquet with DuckDB (no year in memory):
per template generation, per agency, per region, trends across years with rankings, and outliers.
The SQL and the pandas steps are in ``core/rollups.py``; the figures are declared in ``schemas/metrics.py``."""

import dagster as dg
import pandas as pd

from schemas.metrics import OUTLIER_METRICS, TREND_METRICS
from schemas.tables import Outliers, RollupAgencies, RollupApplications, RollupRegions, Trends

from .partitions import AFTER_ANY_YEAR_CHANGES
from .pipeline.rollups import outliers as find_outliers
from .pipeline.rollups import rollup_sql
from .pipeline.rollups import trends as year_over_year
from .storage.resources import Warehouse
from .validation import table_metadata, validated

_SQL = """
with reports as (
    select report_id, year, template, trusted from read_parquet('{dim}', hive_partitioning = true)
), cells as (
    select report_id, row, value, cell_status from read_parquet('{apps}', hive_partitioning = true)
    where applicant = 'total' and cell_status in ('number', 'none_word', 'inferred', 'corrected')
)
select r.year, r.template, count(distinct r.report_id) as reports,
       count(distinct r.report_id) filter (where r.trusted) as trusted_reports,
       count(*) filter (where r.trusted and c.cell_status = 'inferred'
                        and c.row in ('new_received', 'handled_total', 'granted', 'partially_granted'))
           as inferred_cells,
       count(*) filter (where r.trusted and c.cell_status = 'corrected'
                        and c.row in ('new_received', 'handled_total', 'granted', 'partially_granted'))
           as corrected_cells,
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
    frame = warehouse.query(query)
    frame["disclosure_rate"] = (frame["disclosed"] / frame["handled_total"]).where(frame["handled_total"] > 0)
    frame = validated(RollupApplications, frame)
    context.add_output_metadata({"preview": dg.MetadataValue.md(frame.head(10).to_markdown(index=False))})
    return frame


_FACTS_READ = ("dim_reports", "fact_applications", "fact_review_litigation", "fact_active_disclosure")
_AGENCY_NAMES = ("agency", "agency_full", "province", "city", "county", "division_code", "admin_level", "agency_kind")


def _every_year_of(*assets: str) -> list[dg.AssetDep]:
    return [dg.AssetDep(asset, partition_mapping=dg.AllPartitionMapping()) for asset in assets]


def _globs(warehouse: Warehouse) -> dict[str, str]:
    return {"dim": warehouse.glob("dim_reports"), "apps": warehouse.glob("fact_applications"),
            "review": warehouse.glob("fact_review_litigation"), "active": warehouse.glob("fact_active_disclosure")}


def _rollup(context: dg.AssetExecutionContext, model, frame: pd.DataFrame) -> pd.DataFrame:
    frame = validated(model, frame)
    context.add_output_metadata({"dagster/row_count": len(frame),
                                 "preview": dg.MetadataValue.md(frame.head(10).to_markdown(index=False))})
    return frame


_ROLLUP = {"group_name": "rollups", "io_manager_key": "warehouse_io", "owners": ["team:govreports"],
           "tags": {"stage": "rollups"}, "automation_condition": AFTER_ANY_YEAR_CHANGES}


@dg.asset(**_ROLLUP, metadata=table_metadata(RollupAgencies), deps=_every_year_of(*_FACTS_READ))
def rollup_agencies(context: dg.AssetExecutionContext, warehouse: Warehouse) -> pd.DataFrame:
    """One row per year × agency_id: applications by applicant, outcomes, reviews and suits, 表二 figures,
    summed over the agency's trusted reports, with every rate beside its numerator and denominator."""
    query = rollup_sql(_globs(warehouse), ["year", "agency_id"], carried=_AGENCY_NAMES)
    return _rollup(context, RollupAgencies, warehouse.query(query))


@dg.asset(**_ROLLUP, metadata=table_metadata(RollupRegions), deps=_every_year_of(*_FACTS_READ))
def rollup_regions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> pd.DataFrame:
    """One row per year × province × city × admin_level × agency_kind: the same figures and rates as
    rollup_agencies, over the group's trusted reports."""
    query = rollup_sql(_globs(warehouse), ["year", "province", "city", "admin_level", "agency_kind"])
    return _rollup(context, RollupRegions, warehouse.query(query))


@dg.asset(**_ROLLUP, metadata=table_metadata(Trends), deps=_every_year_of(*_FACTS_READ))
def trends(context: dg.AssetExecutionContext, warehouse: Warehouse,
           rollup_agencies: pd.DataFrame) -> pd.DataFrame:
    """One row per scope (agency | province | city) × entity × year × followed figure: value, last year's value,
    change, relative change and rank within the year (top agencies by applications, by correction rate)."""
    by_province = warehouse.query(rollup_sql(_globs(warehouse), ["year", "province"]))
    by_city = warehouse.query(rollup_sql(_globs(warehouse), ["year", "province", "city"]))
    return _rollup(context, Trends, year_over_year(rollup_agencies, by_province, by_city, TREND_METRICS))


@dg.asset(**_ROLLUP, metadata=table_metadata(Outliers))
def outliers(context: dg.AssetExecutionContext, rollup_agencies: pd.DataFrame) -> pd.DataFrame:
    """One row per agency × year × figure far outside its peers (same admin_level and agency_kind, at least
    5 with a known figure): robust z-score beyond 3.5, with the reason in words, for review."""
    return _rollup(context, Outliers, find_outliers(rollup_agencies, OUTLIER_METRICS))
