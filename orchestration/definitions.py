"""The Dagster Definitions: assets, checks, jobs, sensors, resources and the IO manager, wired from the environment.

``build_defs`` takes explicit paths so tests and ``govreports run`` get a fresh, isolated set;
``defs`` (what ``dagster dev`` and ``workspace.yaml`` load, lazily: importing this module builds nothing)
configures the resources from the environment (``DEFAULTS``: GOVREPORTS_RAW_DIR, GOVREPORTS_WAREHOUSE, ...)
through ``dg.EnvVar``, so Dagster resolves them when a run starts and the UI shows where each comes from.
"""

import os

import dagster as dg

from assets.continuity import active_disclosure_continuity, carry_over_continuity
from assets.coverage import coverage
from assets.ingestion import raw_file_inventory
from assets.pages import agency_pages
from assets.pipeline.memory import use_system_allocator
from assets.pipeline.versions import code_version
from assets.review import corrections, review_queue
from assets.rollups import outliers, rollup_agencies, rollup_applications, rollup_regions, trends
from assets.storage.io_manager import WarehouseIOManager
from assets.storage.resources import CorrectionsFolder, RawDirectory, Roster, Warehouse
from assets.year import year_tables
from orchestration.checks import ASSET_CHECKS
from orchestration.sensors import build_sensors

ASSETS = [raw_file_inventory, corrections, year_tables, review_queue, rollup_applications, rollup_agencies,
          rollup_regions, trends, outliers, carry_over_continuity, active_disclosure_continuity, coverage,
          agency_pages]
VERSIONED_NODES = ("raw_file_inventory", "year_tables")  # what code_version decides: see _versioned
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
    description="Re-scan the raw folder only. raw_files_sensor launches it when files changed; when it succeeds, "
                "year_runs_after_inventory starts year_pipeline for the years it found changed.")
refresh_corrections = dg.define_asset_job(
    "refresh_corrections", selection=dg.AssetSelection.assets("corrections"),
    description="Read the corrections folder again (corrections_sensor launches it with the years it touches).")
SENSORS = build_sensors(inventory_job=refresh_inventory, year_job=year_pipeline, corrections_job=refresh_corrections)


# The settings a user gives through the environment, with their defaults.
DEFAULTS = {"GOVREPORTS_RAW_DIR": "data/sample", "GOVREPORTS_WAREHOUSE": "data/warehouse",
            "GOVREPORTS_CORRECTIONS": "data/corrections", "GOVREPORTS_ROSTER": "", "GOVREPORTS_DUCKDB_MEMORY": "1GB"}


def setting(name: str) -> str:
    """A setting's value now: its environment variable, else its default (for the command line)."""
    return os.environ.get(name, DEFAULTS[name])


def default_paths() -> tuple[str, str]:
    """(raw directory, warehouse root) from the environment, with the documented defaults."""
    return setting("GOVREPORTS_RAW_DIR"), setting("GOVREPORTS_WAREHOUSE")


def _from_environment(name: str) -> str | dg.EnvVar:
    """A setting of the code location Dagster loads: the environment variable itself when it is set (Dagster
    reads it when a run or a sensor starts, and the UI shows where the value comes from), else the default."""
    return dg.EnvVar(name) if name in os.environ else DEFAULTS[name]


def build_resources(raw_dir: str | dg.EnvVar, warehouse: str | dg.EnvVar, corrections: str | dg.EnvVar | None = None,
                    roster: str | dg.EnvVar | None = None, duckdb_memory: str | dg.EnvVar | None = None) -> dict:
    """The resources of every asset; a setting not given is read from the environment (``setting``)."""
    return {"raw_dir": RawDirectory(path=raw_dir),
            "warehouse": Warehouse(path=warehouse, memory_limit=duckdb_memory or setting("GOVREPORTS_DUCKDB_MEMORY")),
            "warehouse_io": WarehouseIOManager(root=warehouse),
            "corrections_folder": CorrectionsFolder(path=corrections or setting("GOVREPORTS_CORRECTIONS")),
            "roster": Roster(path=setting("GOVREPORTS_ROSTER") if roster is None else roster)}


def build_defs(raw_dir: str, warehouse: str) -> dg.Definitions:
    """Definitions on explicit folders: tests and ``govreports run`` get a fresh, isolated set."""
    return _definitions(build_resources(raw_dir, warehouse))


def _versioned(assets: list[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The assets the versioned code builds (the inventory, the nine year tables) carry its ``code_version``, so the
    UI marks them stale when that code changes (a comment or a docstring does not: ``pipeline/versions.py``)."""
    version = code_version()
    return [asset.map_asset_specs(lambda spec: spec.replace_attributes(code_version=version))
            if asset.node_def.name in VERSIONED_NODES else asset for asset in assets]


def _definitions(resources: dict) -> dg.Definitions:
    use_system_allocator()  # in every process that loads the definitions: see assets/pipeline/memory.py
    return dg.Definitions(assets=_versioned(ASSETS), asset_checks=ASSET_CHECKS,
                          jobs=[year_pipeline, refresh_rollups, refresh_inventory, refresh_corrections],
                          sensors=SENSORS, resources=resources, executor=dg.in_process_executor)


@dg.definitions
def defs() -> dg.Definitions:
    """What ``dagster dev`` and workspace.yaml load, when they load it (nothing is done at import): the
    resources configured from GOVREPORTS_* through ``dg.EnvVar``."""
    env = {name: _from_environment(name) for name in DEFAULTS}
    return _definitions(build_resources(env["GOVREPORTS_RAW_DIR"], env["GOVREPORTS_WAREHOUSE"],
                                        corrections=env["GOVREPORTS_CORRECTIONS"], roster=env["GOVREPORTS_ROSTER"],
                                        duckdb_memory=env["GOVREPORTS_DUCKDB_MEMORY"]))
