"""PDF and Word files read onto the same grid as text: every truth cell exact (or flagged, never wrong),
each PDF cell traced to its page and box, and every kind of unreadable document recorded with its reason."""

import json

import pypdfium2 as pdfium
import pytest

from assets.parser.report import parse_report
from assets.pipeline.ingest import read_entry
from benchmarks.truth import expected_cells, outcomes
from tests.conftest import FIXTURES

PDF = FIXTURES / "pdf" / "raw" / "002_hongze_district_2023.pdf"
DOCX = sorted((FIXTURES / "docx" / "raw").glob("*.docx"))


def _truth(path):
    return json.loads((path.parent.parent / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))


def _outcomes(truth, report):
    return outcomes(truth, report.facts)


def test_pdf_every_truth_cell_exact_year_and_template():
    truth, report = _truth(PDF), parse_report(PDF.name, PDF.read_bytes())
    exact, flagged, wrong = _outcomes(truth, report)
    assert (wrong, flagged) == ([], [])
    assert len(exact) == len(expected_cells(truth)) == 186  # the recall floor
    assert (report.source_format, report.pages, report.year.year, report.template) == ("pdf", 5, 2023, "2021")


def test_pdf_cell_box_holds_exactly_its_raw_text():
    """Provenance checked against the PDF itself: the text PDFium finds inside each placed cell's box (on its
    page) is the cell's raw text."""
    report = parse_report(PDF.name, PDF.read_bytes())
    document = pdfium.PdfDocument(PDF.read_bytes())
    placed = [f for f in report.facts if f.raw is not None]
    assert len(placed) == 186
    for fact in placed:
        page, x0, top, x1, bottom = report.box(fact)
        height = document[page - 1].get_size()[1]
        text = document[page - 1].get_textpage().get_text_bounded(x0, height - bottom, x1, height - top)
        assert text.strip() == fact.raw, (fact, text)


def test_pdf_text_outside_tables_gives_title_sections_and_narrative():
    report = parse_report(PDF.name, PDF.read_bytes())
    assert report.title is not None and "2023" in report.title and "年度报告" in report.title
    assert [s.kind for s in report.sections][:4] == ["overview", "active_disclosure", "applications",
                                                     "review_litigation"]
    assert "- 3 -" in report.lines  # a page footer is one line, dashes and number joined


@pytest.mark.parametrize("path", DOCX, ids=[p.stem for p in DOCX])
def test_docx_every_truth_cell_exact(path):
    truth, report = _truth(path), parse_report(path.name, path.read_bytes())
    exact, flagged, wrong = _outcomes(truth, report)
    assert (wrong, flagged) == ([], [])
    assert len(exact) == len(expected_cells(truth)) > 150  # the recall floor
    assert (report.source_format, report.year.year) == ("docx", truth["report_year"])
    assert report.template == str(truth["template"])[:4]


def test_docx_merged_label_cells_do_not_read_as_blank_values():
    """Regression: python-docx repeats a merged cell in every slot it covers; read naively, the vertically
    merged 三、本年度办理结果 label would sit before every 表三 row's values, or its empty slot be read as a
    blank value."""
    path = next(p for p in DOCX if "devset002" in p.stem)
    report = parse_report(path.name, path.read_bytes())
    assert not [i for i in report.issues if i.rule == "missing_cells"]
    assert [f.value for f in report.facts if f.row == "new_received"] == [21, 0, 0, 0, 0, 0, 21]


@pytest.mark.parametrize(("name", "reason", "pages"), [
    ("scanned_2_pages.pdf", "needs OCR: a scanned PDF without a text layer (2 pages)", 2),
    ("encrypted.pdf", "encrypted PDF: it opens only with a password; save an unprotected copy", None),
])
def test_unreadable_pdf_is_recorded_with_its_reason(name, reason, pages):
    data = (FIXTURES / "pdf" / "unreadable" / name).read_bytes()
    entry = read_entry(name, data)
    record = entry.record()
    assert (entry.outcome, entry.reason, record["pages"], record["source_format"]) == ("unreadable", reason,
                                                                                         pages, "pdf")


def test_cut_pdf_is_a_broken_pdf():
    entry = read_entry("cut.pdf", PDF.read_bytes()[:5000])
    assert (entry.outcome, entry.reason) == ("unreadable", "broken PDF: PDFium cannot open it (data format error)")


def test_legacy_wps_file_asks_for_docx():
    entry = read_entry("report.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert entry.outcome == "unreadable" and "save it as .docx" in entry.reason


def test_flat_chinese_glyphs_mean_missing_fonts_and_a_tight_one_does_not():
    """Regression: a PDF whose Chinese fonts are not embedded, read on a machine without a CJK font, loses
    every character that stands alone (a cell of 无 read as blank, a value; 自然人 as 自然). PDFium then gives
    the Chinese glyphs boxes of no height: such a PDF is refused with its reason, not read wrong. A low but
    real box (一) is not that."""
    from assets.parser.pdf import FONTS_MISSING, _Char, fonts_missing

    def char(text, height):
        return _Char(text, 72.0, 100.0, 10.0, (72.0, 100.0 - height, 82.0, 100.0))

    flat = [char(c, 0.01) for c in "某局年度报告"] + [char("2", 7.0)]
    assert fonts_missing(flat) and "fonts-wqy-microhei" in FONTS_MISSING
    assert not fonts_missing([char("一", 0.8), char("二", 3.0), char("三", 6.0)])
    assert not fonts_missing([char("1", 0.0)])  # no Chinese character: nothing to say


def test_docx_empty_review_row_is_fifteen_blank_cells():
    """Regression (docx 004): 表四's value row left empty in Word rendered as a pipe row of empty cells, which
    the grid took for header residue: 15 cells missing where the report states 15 blanks."""
    path = next(p for p in DOCX if "seed002" in p.stem)
    report = parse_report(path.name, path.read_bytes())
    review = [f for f in report.facts if f.table == "review_litigation"]
    assert len(review) == 15 and {f.cell_status for f in review} == {"blank"}
