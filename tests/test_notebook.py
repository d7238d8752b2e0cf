"""notebooks/explore.ipynb runs top to bottom against the demo warehouse, draws its plots, and prints figures
that match the Parquet files (recomputed here with pyarrow, not with the notebook's code)."""

import base64
import json
from pathlib import Path

import nbformat
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest
from nbclient import NotebookClient

from orchestration.runner import run_pipeline
from tests.conftest import ROOT, SAMPLE_DIR

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> Path:
    """What `make demo` builds, in a temporary folder (ephemeral Dagster instance: no DAGSTER_HOME)."""
    warehouse = tmp_path_factory.mktemp("demo") / "warehouse"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DAGSTER_HOME", raising=False)
        run_pipeline(str(SAMPLE_DIR), str(warehouse), progress=lambda _: None)
    return warehouse


@pytest.fixture(scope="module")
def executed(demo_warehouse) -> nbformat.NotebookNode:
    """The notebook executed in a real ipykernel, from notebooks/ as Jupyter would, on the demo warehouse."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVREPORTS_WAREHOUSE", str(demo_warehouse))  # the kernel inherits the environment
        patch.delenv("MPLBACKEND", raising=False)
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def _summary(notebook: nbformat.NotebookNode) -> dict:
    (cell,) = [c for c in notebook.cells if "summary" in c.get("metadata", {}).get("tags", [])]
    return json.loads("".join(o["text"] for o in cell.outputs if o["output_type"] == "stream"))


def _table(warehouse: Path, asset: str, columns: list[str]) -> list[dict]:
    dataset = ds.dataset(warehouse / asset, format="parquet", partitioning="hive")
    return dataset.to_table(columns=columns).to_pylist()


def _new_received(warehouse: Path, report_ids: set[str], years: list[int]) -> dict[str, float | None]:
    """Sum of the 表三 new_received totals read as numbers, per year; None when no report has the figure."""
    dataset = ds.dataset(warehouse / "fact_applications", format="parquet", partitioning="hive")
    cells = dataset.to_table(filter=(pc.field("row") == "new_received") & (pc.field("applicant") == "total")
                             & pc.field("cell_status").isin(["number", "none_word"])
                             & pc.field("report_id").isin(sorted(report_ids))).to_pylist()
    sums: dict[str, float | None] = {str(year): None for year in years}
    for cell in cells:
        key = str(cell["year"])
        sums[key] = (sums[key] or 0.0) + cell["value"]
    return sums


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_notebook_runs_without_errors_and_renders_two_plots(executed):
    outputs = _outputs(executed)
    assert not [o for o in outputs if o["output_type"] == "error"]
    images = [base64.b64decode(o["data"]["image/png"]) for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    assert all(image.startswith(PNG_MAGIC) and len(image) > 5_000 for image in images)


def _top_disclosure_province(warehouse: Path, reports: list[dict], year: int) -> str | None:
    """Province whose trusted reports of the year disclosed the largest share of handled applications."""
    province = {r["report_id"]: r["province"] for r in reports if r["trusted"] and r["year"] == year}
    dataset = ds.dataset(warehouse / "fact_applications", format="parquet", partitioning="hive")
    cells = dataset.to_table(filter=(pc.field("applicant") == "total") & (pc.field("year") == year)
                             & pc.field("cell_status").isin(["number", "none_word"])
                             & pc.field("report_id").isin(sorted(province))).to_pylist()
    handled: dict[str, float] = {}
    disclosed: dict[str, float] = {}
    for cell in cells:
        name = province[cell["report_id"]]
        if cell["row"] == "handled_total":
            handled[name] = handled.get(name, 0.0) + cell["value"]
        elif cell["row"] in ("granted", "partially_granted"):
            disclosed[name] = disclosed.get(name, 0.0) + cell["value"]
    rates = {name: disclosed.get(name, 0.0) / total for name, total in handled.items() if total > 0}
    return max(rates, key=rates.get) if rates else None


def test_notebook_figures_match_the_parquet_files(executed, demo_warehouse):
    summary = _summary(executed)
    reports = _table(demo_warehouse, "dim_reports", ["report_id", "year", "trusted", "agency_id", "province"])
    years = sorted({r["year"] for r in reports})
    assert summary["reports"] == {str(y): sum(r["year"] == y for r in reports) for y in years}
    assert summary["trusted_reports"] == {str(y): sum(r["year"] == y and r["trusted"] for r in reports)
                                          for y in years}
    everyone = {r["report_id"] for r in reports}
    trusted = {r["report_id"] for r in reports if r["trusted"]}
    assert summary["new_received_all"] == _new_received(demo_warehouse, everyone, years)
    assert summary["new_received_trusted"] == _new_received(demo_warehouse, trusted, years)
    assert summary["top_disclosure_province_2021"] == _top_disclosure_province(demo_warehouse, reports, 2021)
    in_both = ({r["agency_id"] for r in reports if r["trusted"] and r["year"] == 2020}
               & {r["agency_id"] for r in reports if r["trusted"] and r["year"] == 2021})
    assert summary["agencies_with_growth"] == len(in_both)
