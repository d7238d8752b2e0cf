"""The Dagster Definitions: assets, checks, jobs, sensors, resources and the IO manager, wired from the environment.

``build_defs`` takes explicit paths so tests and ``govreports run`` get a fresh, isolated set;
``defs`` (what ``dagster dev`` and ``workspace.yaml`` load) reads GOVREPORTS_RAW_DIR (default
``data/sample``) and GOVREPORTS_WAREHOUSE (default ``data/warehouse``) when the code location loads.
"""

import os

import dagster as dg

from assets.continuity import active_disclosure_continuity, carry_over_continuity
from assets.coverage import coverage
from assets.ingestion import raw_file_inventory
from assets.pages import agency_pages
from assets.pipeline.memory import use_system_allocator
from assets.review import corrections, review_queue
from assets.rollups import outliers, rollup_agencies, rollup_applications, rollup_regions, trends
from assets.storage.io_manager import WarehouseIOManager
from assets.storage.resources import CorrectionsFolder, RawDirectory, Roster, Warehouse
from assets.year import year_tables
from orchestration.checks import ASSET_CHECKS
from orchestration.sensors import build_sensors

use_system_allocator()  # in every process that loads the definitions: see assets/pipeline/memory.py

ASSETS = [raw_file_inventory, corrections, year_tables, review_queue, rollup_applications, rollup_agencies,
          rollup_regions, trends, outliers, carry_over_continuity, active_disclosure_continuity, coverage,
          agency_pages]
ROLLUP_ASSETS = ["rollup_applications", "rollup_agencies", "rollup_regions", "trends", "outliers",
                 "carry_over_continuity", "active_disclosure_continuity"]
CROSS_YEAR_ASSETS = ["raw_file_inventory", "corrections", *ROLLUP_ASSETS]
YEAR_ASSETS = ["raw_reports", "report_sections", "report_tables", "fact_active_disclosure", "fact_applications",
               "fact_review_litigation", "fact_narrative", "dim_reports", "quality_issues"]

year_pipeline = dg.define_asset_job(
    "year_pipeline", selection=dg.AssetSelection.assets(*YEAR_ASSETS, "review_queue"),
    description="Every year-partitioned asset of one reporting year, from raw text to facts, quality issues and "
                "the review queue.")
refresh_rollups = dg.define_asset_job(
    "refresh_rollups", selection=dg.AssetSelection.assets(*CROSS_YEAR_ASSETS),
    description="Re-scan the raw folder and rebuild the cross-year rollups and continuity checks.")

refresh_inventory = dg.define_asset_job(
    "refresh_inventory", selection=dg.AssetSelection.assets("raw_file_inventory"),
    description="Re-scan the raw folder only. raw_files_sensor launches it with a govreports/years tag; when it "
                "succeeds, year_runs_after_inventory starts year_pipeline for exactly those years.")
refresh_corrections = dg.define_asset_job(
    "refresh_corrections", selection=dg.AssetSelection.assets("corrections"),
    description="Read the corrections folder again (corrections_sensor launches it with the years it touches).")
SENSORS = build_sensors(inventory_job=refresh_inventory, year_job=year_pipeline, corrections_job=refresh_corrections)


def default_paths() -> tuple[str, str]:
    """(raw directory, warehouse root) from the environment, with the documented defaults."""
    return (os.environ.get("GOVREPORTS_RAW_DIR", "data/sample"),
            os.environ.get("GOVREPORTS_WAREHOUSE", "data/warehouse"))


def build_resources(raw_dir: str, warehouse: str, corrections: str | None = None, roster: str | None = None) -> dict:
    """The resources of every asset; ``corrections`` defaults to GOVREPORTS_CORRECTIONS or data/corrections,
    ``roster`` to GOVREPORTS_ROSTER or none ("")."""
    memory = os.environ.get("GOVREPORTS_DUCKDB_MEMORY")
    warehouse_resource = Warehouse(path=warehouse, **({"memory_limit": memory} if memory else {}))
    folder = corrections or os.environ.get("GOVREPORTS_CORRECTIONS", "data/corrections")
    return {"raw_dir": RawDirectory(path=raw_dir), "warehouse": warehouse_resource,
            "warehouse_io": WarehouseIOManager(root=warehouse), "corrections_folder": CorrectionsFolder(path=folder),
            "roster": Roster(path=os.environ.get("GOVREPORTS_ROSTER", "") if roster is None else roster)}


def build_defs(raw_dir: str, warehouse: str) -> dg.Definitions:
    return dg.Definitions(assets=ASSETS, asset_checks=ASSET_CHECKS,
                          jobs=[year_pipeline, refresh_rollups, refresh_inventory, refresh_corrections],
                          sensors=SENSORS,
                          resources=build_resources(raw_dir, warehouse), executor=dg.in_process_executor)


defs = build_defs(*default_paths())
