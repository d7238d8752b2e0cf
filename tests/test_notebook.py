"""notebooks/explore.ipynb runs top to bottom in a real kernel, draws its plots, and prints figures that match
the Parquet files (recomputed here with pyarrow, not with the notebook's code).

Two warehouses: the demo (`make demo`: the five samples, where most answers are empty and the notebook must
say so), and generated reports of 2020 and 2021 (benchmarks/generate_corpus.py): one agency reporting in both
years, every answer with rows (the fixture checks that), and one untrusted 表三 the filter must drop."""

import base64
import json
import math
from collections import defaultdict
from pathlib import Path

import nbformat
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest
from nbclient import NotebookClient

from benchmarks.generate_corpus import build_report
from orchestration.runner import run_pipeline
from schemas.catalog import VALUED_STATUSES
from tests.conftest import ROOT, SAMPLE_DIR

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VALUED = list(VALUED_STATUSES)
NEW_RECEIVED = "一、本年新收政府信息公开申请数量"  # the row label in the generator's truth files


def _generated_raw(folder: Path) -> Path:
    """Two generated reports of 2020 and two of 2021 (seed 7, no dropped blanks); the first 2021 report is
    renamed to the first 2020 report's agency, so one agency_id has both years. Plus one report whose 表三
    lost cells but kept its 新收 row: an untrusted 表三 with a known figure, which the filter must drop."""
    folder.mkdir()
    picked: dict[int, list] = {2020: [], 2021: []}
    untrusted = []
    for index in range(200):
        report = build_report(7, index)
        year, truth = report.truth["report_year"], report.truth
        if year in picked and len(picked[year]) < 2 and not truth["generator"]["dropped_blanks"]:
            picked[year].append(report)
        elif (year in picked and truth["generator"]["dropped_blanks"]
              and "unplaced" not in truth["applications"][NEW_RECEIVED]):
            untrusted.append(report)
    (first_2020, _), (first_2021, second_2021) = picked[2020], picked[2021]
    for report in (*picked[2020], second_2021, untrusted[0]):
        (folder / report.name).write_bytes(report.data)
    encoding = first_2021.truth["generator"]["encoding"]
    text = first_2021.data.decode(encoding).replace(first_2021.truth["agency"], first_2020.truth["agency"])
    (folder / first_2021.name).write_bytes(text.encode(encoding))
    return folder


@pytest.fixture(scope="module", params=["demo", "generated"])
def warehouse(request, tmp_path_factory) -> Path:
    """The warehouse `make demo` builds (or one built from generated reports), in a temporary folder."""
    root = tmp_path_factory.mktemp(request.param)
    raw = SAMPLE_DIR if request.param == "demo" else _generated_raw(root / "raw")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DAGSTER_HOME", raising=False)  # an ephemeral instance, as in `make demo` without a UI
        run_pipeline(str(raw), str(root / "warehouse"), progress=lambda _: None)
    if request.param == "generated":  # every answer path of the notebook has rows to show
        reports, totals = _reports(root / "warehouse"), _application_totals(root / "warehouse")
        assert _disclosure_rates(reports, totals, 2021) and _agencies_in_both_years(reports, totals)
        assert _review_rates(root / "warehouse", reports)
        assert _new_received(reports, totals, [2020, 2021]) != _new_received(
            [r for r in reports if r["trusted_applications"]], totals, [2020, 2021])
    return root / "warehouse"


@pytest.fixture(scope="module")
def executed(warehouse) -> nbformat.NotebookNode:
    """The notebook executed in a real ipykernel, from notebooks/ as Jupyter would, on the warehouse."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVREPORTS_WAREHOUSE", str(warehouse))  # the kernel inherits the environment
        patch.delenv("MPLBACKEND", raising=False)
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


def _summary(notebook: nbformat.NotebookNode) -> dict:
    (cell,) = [c for c in notebook.cells if "summary" in c.get("metadata", {}).get("tags", [])]
    return json.loads("".join(o["text"] for o in cell.outputs if o["output_type"] == "stream"))


def _dataset(warehouse: Path, asset: str) -> ds.Dataset:
    return ds.dataset(warehouse / asset, format="parquet", partitioning="hive")


def _reports(warehouse: Path) -> list[dict]:
    columns = ["report_id", "year", "agency_id", "province", "trusted", "trusted_applications",
               "trusted_review_litigation"]
    return _dataset(warehouse, "dim_reports").to_table(columns=columns).to_pylist()


def _application_totals(warehouse: Path) -> dict[tuple[str, str], float]:
    """(report_id, row) → the 表三 total-column value, for cells read as a number or 无."""
    cells = _dataset(warehouse, "fact_applications").to_table(
        filter=(pc.field("applicant") == "total") & pc.field("cell_status").isin(VALUED)).to_pylist()
    return {(cell["report_id"], cell["row"]): cell["value"] for cell in cells}


def _new_received(reports: list[dict], totals: dict, years: list[int]) -> dict[str, float | None]:
    sums: dict[str, float | None] = {str(year): None for year in years}
    for report in reports:
        value = totals.get((report["report_id"], "new_received"))
        if value is not None:
            sums[str(report["year"])] = (sums[str(report["year"])] or 0.0) + value
    return sums


def _disclosure_rates(reports: list[dict], totals: dict, year: int) -> dict[str, float]:
    """Province → (granted + partially granted) / handled over its reports of the year with a trusted 表三
    and both parts known; provinces that handled nothing are left out."""
    handled: dict[str, float] = defaultdict(float)
    disclosed: dict[str, float] = defaultdict(float)
    for report in (r for r in reports if r["year"] == year and r["trusted_applications"]):
        whole = totals.get((report["report_id"], "handled_total"))
        parts = [totals.get((report["report_id"], row)) for row in ("granted", "partially_granted")]
        if whole is None or all(part is None for part in parts):
            continue
        handled[report["province"]] += whole
        disclosed[report["province"]] += sum(part for part in parts if part is not None)
    return {province: disclosed[province] / whole for province, whole in handled.items() if whole > 0}


def _agencies_in_both_years(reports: list[dict], totals: dict) -> set[str]:
    known = {(r["year"], r["agency_id"]) for r in reports
             if r["trusted_applications"] and (r["report_id"], "new_received") in totals}
    return {a for y, a in known if y == 2021} & {a for y, a in known if y == 2020}


def _review_rates(warehouse: Path, reports: list[dict]) -> dict[tuple[int, str], float]:
    """(year, agency_id) → 行政复议 corrected / (total − pending) over reports with a trusted 表四."""
    agency = {r["report_id"]: (r["year"], r["agency_id"]) for r in reports if r["trusted_review_litigation"]}
    cells = _dataset(warehouse, "fact_review_litigation").to_table(
        filter=(pc.field("proceeding") == "administrative_review") & pc.field("cell_status").isin(VALUED)
        & pc.field("report_id").isin(sorted(agency))).to_pylist()
    by_report: dict[str, dict[str, float]] = defaultdict(dict)
    for cell in cells:
        by_report[cell["report_id"]][cell["outcome"]] = cell["value"]
    corrected: dict[tuple[int, str], float] = defaultdict(float)
    decided: dict[tuple[int, str], float] = defaultdict(float)
    for report_id, outcome in by_report.items():
        if "corrected" in outcome and "total" in outcome:
            corrected[agency[report_id]] += outcome["corrected"]
            decided[agency[report_id]] += outcome["total"] - outcome.get("pending", 0.0)
    return {key: corrected[key] / whole for key, whole in decided.items() if whole > 0}


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_notebook_runs_without_errors_and_renders_its_plots(executed):
    outputs = [output for cell in executed.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o["output_type"] == "error"]
    images = [base64.b64decode(o["data"]["image/png"]) for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    assert all(image.startswith(PNG_MAGIC) and len(image) > 5_000 for image in images)


def test_notebook_figures_match_the_parquet_files(executed, warehouse):
    summary = _summary(executed)
    reports, totals = _reports(warehouse), _application_totals(warehouse)
    years = sorted({r["year"] for r in reports})
    for key in ("trusted", "trusted_applications"):
        assert summary[key if key != "trusted" else "trusted_reports"] == {
            str(y): sum(r["year"] == y and r[key] for r in reports) for y in years}
    assert summary["reports"] == {str(y): sum(r["year"] == y for r in reports) for y in years}
    assert summary["new_received_every_report"] == _new_received(reports, totals, years)
    assert summary["new_received_trusted"] == _new_received([r for r in reports if r["trusted_applications"]],
                                                            totals, years)
    rates = _disclosure_rates(reports, totals, 2021)
    if rates:
        best = max(rates.values())
        assert summary["top_disclosure_province_2021"] in {p for p, rate in rates.items() if rate == best}
        assert math.isclose(summary["top_disclosure_rate_2021"], best)
    else:
        assert summary["top_disclosure_province_2021"] is None
    assert summary["agencies_with_growth"] == len(_agencies_in_both_years(reports, totals))
    assert summary["agencies_with_review_rate"] == len(_review_rates(warehouse, reports))
    agreeing, compared = summary["rollup_figures_agreeing"].split("/")
    assert int(compared) > 0 and agreeing == compared
