"""PDF and Word files through the whole pipeline (real Dagster instance, real files): inventoried with their
format and pages, parsed over the process pool in the year pass, their facts in the year's Parquet with the
PDF's page and box, and an unreadable scan recorded with its reason."""

import shutil

import dagster as dg
import duckdb
import pandas as pd

from orchestration.runner import run_pipeline
from tests.conftest import FIXTURES, SAMPLE_DIR

PDF = FIXTURES / "pdf" / "raw" / "002_hongze_district_2023.pdf"
DOCX = FIXTURES / "docx" / "raw" / "docx_002_devset020_2021.docx"
SCAN = FIXTURES / "pdf" / "unreadable" / "scanned_2_pages.pdf"


def test_pdf_and_docx_reports_reach_the_year_tables_with_their_provenance(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    for path in (PDF, DOCX, SCAN, SAMPLE_DIR / "002_a6a6458d8018b677.txt"):
        shutil.copy(path, raw / path.name)
    with dg.instance_for_test() as instance:
        run_pipeline(str(raw), str(wh), progress=lambda _: None, instance=instance)
    inventory = pd.read_parquet(wh / "raw_file_inventory.parquet").set_index("source_path")
    assert inventory.loc[PDF.name, ["outcome", "source_format", "pages", "year"]].tolist() == ["report", "pdf", 5, 2023]
    assert inventory.loc[DOCX.name, ["outcome", "source_format", "year"]].tolist() == ["report", "docx", 2023]
    assert inventory.loc[SCAN.name, ["outcome", "source_format", "pages"]].tolist() == ["unreadable", "pdf", 2]
    assert inventory.loc[SCAN.name, "reason"].startswith("needs OCR")

    dims = pd.read_parquet(wh / "dim_reports").set_index("source_path")
    assert dims.loc[PDF.name, "source_format"] == "pdf" and bool(dims.loc[PDF.name, "trusted_applications"])
    assert dims.loc[DOCX.name, "source_format"] == "docx"
    facts = duckdb.sql(f"""select d.source_path, f.row, f.applicant, f.value, f.page, f.x0, f.top, f.x1, f.bottom
        from read_parquet('{wh}/fact_applications/*/*.parquet', hive_partitioning = true) f
        join read_parquet('{wh}/dim_reports/*/*.parquet', hive_partitioning = true) d using (report_id)""").df()
    pdf_facts = facts[facts.source_path == PDF.name]
    assert len(pdf_facts) == 161 and pdf_facts["page"].notna().all()
    received = pdf_facts[(pdf_facts.row == "new_received") & (pdf_facts.applicant == "natural_person")]
    assert received[["value", "page"]].values.tolist() == [[21, 3]]
    assert (pdf_facts.x0 < pdf_facts.x1).all() and (pdf_facts.top < pdf_facts.bottom).all()
    docx_facts = facts[facts.source_path == DOCX.name]
    assert len(docx_facts) > 100 and docx_facts["page"].isna().all()
    stored = pd.read_parquet(wh / "raw_reports").set_index("source_path")
    assert "| 行政许可 | 550 |" in stored.loc[PDF.name, "text"].split("\n")
