"""The code location Dagster loads: importing it does nothing, and its resources come from the environment
through ``dg.EnvVar`` (resolved by Dagster when a run starts), with the documented defaults otherwise."""

import os
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import dagster as dg
import pyarrow as pa
import orchestration.definitions as module
assert pa.default_memory_pool().backend_name != "system", "the allocator was switched at import"
defs = module.defs()  # what Dagster does when it loads the code location
assert pa.default_memory_pool().backend_name == "system"
for name in ("raw_dir", "warehouse", "corrections_folder", "roster"):
    path = defs.resources[name].path
    print(name, type(path).__name__, path.env_var_name if isinstance(path, dg.EnvVar) else path)
"""


def _load(**env: str) -> dict[str, tuple[str, str]]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORTS_")}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=clean | env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return {name: (kind, value) for name, kind, value in (line.split(" ", 2) for line in result.stdout.splitlines())}


def test_settings_given_in_the_environment_are_env_vars_and_importing_does_nothing():
    loaded = _load(GOVREPORTS_RAW_DIR="/srv/reports", GOVREPORTS_ROSTER="/srv/roster.csv")
    assert loaded["raw_dir"] == ("EnvVar", "GOVREPORTS_RAW_DIR")
    assert loaded["roster"] == ("EnvVar", "GOVREPORTS_ROSTER")
    assert loaded["warehouse"] == ("str", "data/warehouse")  # not set: the default


def test_without_environment_the_documented_defaults():
    loaded = _load()
    assert loaded == {"raw_dir": ("str", "data/sample"), "warehouse": ("str", "data/warehouse"),
                      "corrections_folder": ("str", "data/corrections"), "roster": ("str", "")}


def test_the_versioned_assets_carry_the_code_version_the_ui_compares(tmp_path):
    """Dagster's own staleness: the inventory and the year tables carry ``code_version``; other assets do not."""
    from assets.pipeline.versions import code_version
    from orchestration.definitions import build_defs

    graph = build_defs(str(tmp_path / "raw"), str(tmp_path / "warehouse")).resolve_asset_graph()
    versions = {key.to_user_string(): graph.get(key).code_version for key in graph.get_all_asset_keys()}
    for name in ("raw_file_inventory", "raw_reports", "fact_applications", "dim_reports", "quality_issues"):
        assert versions[name] == code_version(), name
    assert versions["rollup_agencies"] is None and versions["coverage"] is None
