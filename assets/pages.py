"""Agency pages: for a reporting year, one self-contained HTML page per agency, its figures against the year
before with their rank among peers, its problems in words with their source lines, and an index of the pages,
most problems first. Written under ``<warehouse>/pages/year=<YYYY>/`` (files, not a table: the asset records
where, and how many, in its metadata). The gathering and rendering are in ``pipeline/comparison.py`` and
``pipeline/pages.py``; ``govreports compare`` writes the same pages for one agency or a region."""

import dagster as dg

from .partitions import YEARS
from .pipeline.comparison import agencies_of
from .pipeline.pages import pages_root, write_pages
from .storage.resources import Warehouse

_READ = ("dim_reports", "fact_active_disclosure", "fact_applications", "fact_review_litigation", "fact_narrative",
         "quality_issues", "raw_reports")


@dg.asset(partitions_def=YEARS, group_name="oversight", owners=["team:govreports"], tags={"stage": "oversight"},
          deps=list(_READ))
def agency_pages(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One HTML page per agency_id × year with a report of the year: every 表二/表三/表四 figure of the year and
    the year before with the change and the rank among agencies of the same admin_level and agency_kind (trusted
    tables only, as in the rollups), the quality issues in words with table, row, column and source line, the
    text against the tables, and the cells not read as printed; plus ``index.html``, most problems first. The
    year before is read from the warehouse as it is (its partition is not a dependency)."""
    year = int(context.partition_key)
    listed, index = write_pages(warehouse, agencies_of(warehouse, year), year, pages_root(warehouse) / f"year={year}",
                                f"Agencies' reports of {year}, most problems first")
    return dg.MaterializeResult(metadata={
        "pages": len(listed), "index": dg.MetadataValue.path(str(index)),
        "agencies_with_problems": sum(entry.problems > 0 for entry in listed),
        "problems": sum(entry.problems for entry in listed)})
