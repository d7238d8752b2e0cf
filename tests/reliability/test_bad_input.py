"""Bad input, each with its exact recorded outcome: what the inventory says, what quality_issues says,
and that no number is ever placed wrong. All files are built in tmp_path from the real samples.

Where a bad file ends up (decided here, documented in README "Operating it"):
- every file is a row of ``raw_file_inventory`` with its outcome, and a reason for every outcome but
  ``report``;
- a file whose reporting year is known and has a partition is also in that year's ``quality_issues``
  (``not_a_report``, ``duplicate_report``, or the findings of the report itself);
- unreadable files (never decoded), texts without a year and years without a partition have no year
  partition to join, so the inventory is where they are found.

Traditional characters: a 繁體 report is read converted to Simplified (OpenCC), with a
``traditional_characters`` issue; a 繁體 copy of a report is that report again (a duplicate).
"""

import io
import random
import re
import zipfile
from datetime import date
from html import escape

import pandas as pd
import pytest

from assets.parser.report import parse_report
from assets.partitions import YEARS
from assets.pipeline.ingest import MAX_BYTES, build_inventory, read_entry
from orchestration.runner import run_pipeline
from tests.reliability.hostile import (
    SAMPLES,
    TRADITIONAL,
    duplicated_table,
    facts_by_cell,
    mixed_encodings,
    sample_text,
    shuffled_tables,
    table_blocks,
    unsupported_numbers,
    write,
    wrong_numbers,
)

INDICES = range(len(SAMPLES))
TABLES = ("active_disclosure", "applications", "review_litigation")
PDF = "broken PDF: PDFium cannot open it (data format error)"
ZIP = ("broken Word file: a ZIP holding word/document.xml that python-docx cannot open (AttributeError); open and "
       "save it again in Word")
OLE = "legacy Word/WPS/Excel file (.doc/.wps/.xls, an OLE container): save it as .docx (Word: 另存为 .docx) or .pdf"
NOT_A_REPORT = "no report title, no section heading and no template table"


def original(index: int):
    return parse_report(SAMPLES[index].name, SAMPLES[index].read_bytes())


def numbers(report) -> int:
    return sum(f.cell_status == "number" for f in report.facts)


def rules_of(report, table: str | None = None) -> set[str]:
    return {i.rule for i in report.issues if table is None or i.table == table}


# ------------------------------------------------------------------------------------ refused bytes

@pytest.mark.parametrize("data", [b"", b" \r\n\t\n"], ids=["zero", "whitespace"])
def test_empty_file_is_unreadable(data):
    entry = read_entry("empty.txt", data)
    assert (entry.outcome, entry.reason, entry.report) == ("unreadable", "empty file", None)


@pytest.mark.parametrize("text", ["\u3000\u3000\n", "\ufeff\n\n", "\u00a0\r\n\u200b"],
                         ids=["ideographic", "bom", "nbsp"])
def test_file_of_unicode_spaces_only_has_no_text(text):
    entry = read_entry("blank.txt", text.encode("utf-8"))
    assert (entry.outcome, entry.reason) == ("not_a_report", "no text: only spaces, BOMs or line breaks")


def test_binary_file_is_unreadable():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    entry = read_entry("scan.png", png)
    assert (entry.outcome, entry.reason) == ("unreadable", "binary file (NUL bytes)")
    assert entry.record()["encoding"] is None and entry.record()["year"] is None


def docx_bytes(text: str) -> bytes:
    """A damaged DOCX container (a zip with word/document.xml, but no content types python-docx can read)
    holding the report's text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        paragraphs = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in text.split("\n"))
        archive.writestr("word/document.xml", f"<w:document><w:body>{paragraphs}</w:body></w:document>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", PDF),
    ("report.docx", docx_bytes(sample_text(1)), ZIP),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
     OLE),
], ids=["pdf", "docx", "doc"])
def test_broken_pdf_damaged_docx_and_legacy_doc_are_unreadable_with_their_reason(name, data, reason):
    entry = read_entry(name, data)
    assert (entry.outcome, entry.reason) == ("unreadable", reason)


def write_50_mb(path) -> None:
    """Sample 002 repeated to just over 50 MiB, written in blocks (never held twice in memory)."""
    block = sample_text(2).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for _ in range(50 * 2**20 // len(block) + 1):
            out.write(block)


def too_large(size: int) -> str:
    return f"file too large for one report ({size:,} bytes, limit {MAX_BYTES:,})"


def test_50_mb_text_file_is_refused_with_its_size(tmp_path):
    """Regression (file_over_20_mb_was_parsed): a 50 MB text took ~40 s to parse as one 'report'."""
    path = tmp_path / "dump.txt"
    write_50_mb(path)
    data = path.read_bytes()
    assert len(data) > 50 * 2**20
    entry = read_entry(path.name, data)
    assert (entry.outcome, entry.reason) == ("unreadable", too_large(len(data)))
    assert entry.bytes == len(data) and len(entry.sha256) == 64


# ------------------------------------------------------------------------------------ damaged reports

@pytest.mark.parametrize("index", INDICES)
def test_mixed_encodings_flag_the_encoding_and_place_no_wrong_number(index):
    base = original(index)
    entry = read_entry("mixed.txt", mixed_encodings(sample_text(index)))
    report = entry.report
    assert (entry.outcome, report.year.year) == ("report", base.year.year)
    assert "low_confidence_encoding" in rules_of(report)
    assert wrong_numbers(report, base) == [] and unsupported_numbers(report) == []


def cell_lines(index: int, table: str) -> list[int]:
    return sorted(f.source_line for f in original(index).facts
                  if f.table == table and f.cell_status != "missing" and f.source_line)


def truncated(index: int, table: str) -> str:
    """The sample cut just before the middle cell line of ``table``."""
    lines = cell_lines(index, table)
    return "\n".join(sample_text(index).split("\n")[: lines[len(lines) // 2] - 1])


# every (sample, table) whose table has placed cells to cut through (samples 000 and 004 place no 表三
# cell, samples 002 and 004 no 表四 cell: their rows are short already)
CUTS = [(index, table) for index in INDICES for table in TABLES if cell_lines(index, table)]


@pytest.mark.parametrize(("index", "table"), CUTS)
def test_report_cut_mid_table_is_flagged_untrusted_and_keeps_only_true_numbers(index, table):
    from assets.pipeline.frames import dim_record

    text = truncated(index, table)
    base = original(index)
    entry = read_entry("cut.txt", text.encode("utf-8"))
    report = entry.report
    assert entry.outcome == "report"
    assert numbers(report) < numbers(base)
    assert "missing_cells" in rules_of(report)
    assert wrong_numbers(report, base) == [] and unsupported_numbers(report) == []
    assert dim_record(report, "cut.txt")["trusted"] is False


def test_report_cut_before_its_last_tables_is_not_trusted():
    """Regression (truncated_report_was_trusted): cut inside 表二, a report without 表三 and 表四 had
    no missing cell and no error, so dim_reports called it trusted."""
    from assets.pipeline.frames import dim_record

    text = "\n".join(sample_text(3).split("\n")[:30])
    report = parse_report("cut.txt", text.encode("utf-8"))
    assert numbers(report) > 0 and {f.table for f in report.facts} == {"active_disclosure"}
    assert {(i.rule, i.table) for i in report.issues} >= {("missing_cells", "applications"),
                                                          ("missing_cells", "review_litigation")}
    assert dim_record(report, "cut.txt")["trusted"] is False


@pytest.mark.parametrize("index", INDICES)
def test_shuffled_tables_read_the_same_cells(index):
    base = original(index)
    report = parse_report("shuffled.txt", shuffled_tables(sample_text(index)).encode("utf-8"))
    assert [s.kind for s in report.sections] != [s.kind for s in base.sections]
    assert facts_by_cell(report) == facts_by_cell(base)
    assert unsupported_numbers(report) == []


def placed_in(report, table: str) -> bool:
    return any(f.table == table and f.cell_status != "missing" for f in report.facts)


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("index", INDICES)
def test_table_printed_twice_keeps_the_first_copy_and_says_so(index, table):
    base = original(index)
    report = parse_report("twice.txt", duplicated_table(sample_text(index), table).encode("utf-8"))
    assert facts_by_cell(report) == facts_by_cell(base)
    repeated = [i for i in report.issues if "appears again" in i.message]
    assert all(i.severity == "warning" and i.table == table and "with the same values" in i.message
               for i in repeated)
    assert repeated or not placed_in(base, table)  # a table already unplaced stays unplaced


def conflicting_copy(text: str, table: str) -> str:
    """The table printed twice, the second copy with every number raised by 7."""
    lines, blocks = table_blocks(text)
    start, end = blocks[table]
    bump = [re.sub(r"(?<![\d.])(\d+)(?![\d.])", lambda m: str(int(m[1]) + 7), line) if start < n else line
            for n, line in enumerate(lines[start:end], start=start)]
    return "\n".join(lines[:end] + bump + lines[end:])


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("index", INDICES)
def test_table_printed_twice_with_other_numbers_is_an_error(index, table):
    """Regression (contradicting_duplicate_table_was_trusted): a second copy of a table with other numbers
    was a warning (表二, 表三) or silently won (表四: the values after the last header were read), and the
    report stayed trusted."""
    from assets.pipeline.frames import dim_record

    base = original(index)
    report = parse_report("twice.txt", conflicting_copy(sample_text(index), table).encode("utf-8"))
    assert wrong_numbers(report, base) == [] and unsupported_numbers(report) == []
    assert dim_record(report, "twice.txt")["trusted"] is False
    if not placed_in(base, table):
        return
    conflicts = [i for i in report.issues if "with other values" in i.message]
    assert conflicts and {(i.rule, i.severity, i.table) for i in conflicts} == {("missing_cells", "error", table)}
    assert all(i.expected != i.found for i in conflicts)


# ------------------------------------------------------------------------------------ HTML, long lines

HOSTILE_HEAD = """<head><meta charset="utf-8"><title>2019年政府信息公开工作年度报告</title>
<style>td { width: 999px } .x::before { content: "一、本年新收政府信息公开申请数量 999"; }</style>
<script src="/static/app.js"></script>
<script>var rows = ["一、本年新收政府信息公开申请数量", 999];
document.write("<table><tr><td>总计</td><td>888</td></tr></table>");</script>
</head>"""
HOSTILE_BODY_END = """<noscript><table><tr><td>一、本年新收政府信息公开申请数量</td><td>777</td></tr></table></noscript>
<template><p>2015年政府信息公开工作年度报告</p></template>
<script type="application/ld+json">{"datePublished": "2016-01-01", "count": 666}</script>"""
SCRIPT_NUMBERS = ("999", "888", "777", "666", "2015年", "document.write", "width")


def hostile_page(text: str) -> str:
    """The sample as a crawled page: the report in <pre>, scripts, styles and noscript tables around."""
    return (f"<!DOCTYPE html><html>{HOSTILE_HEAD}<body onload=\"alert(1)\"><div class=\"article\"><pre>"
            f"{escape(text)}</pre></div>{HOSTILE_BODY_END}</body></html>")


@pytest.mark.parametrize("index", INDICES)
def test_html_with_scripts_and_styles_reads_only_the_report(index):
    base = original(index)
    report = parse_report("page.html", hostile_page(sample_text(index)).encode("utf-8"))
    assert report.source_format == "html"
    assert facts_by_cell(report) == facts_by_cell(base)
    assert (report.year.year, report.title) == (base.year.year, base.title)
    text, base_text = "\n".join(report.lines), "\n".join(base.lines)
    assert [m for m in SCRIPT_NUMBERS if m in text and m not in base_text] == []


def test_html_report_in_pre_keeps_its_lines():
    """Regression (pre_collapsed_to_one_line): a page with the report in <pre> became one line, then
    nothing; now its lines, tabs and blank lines are the text file's."""
    text = sample_text(1)
    report = parse_report("page.html", f"<html><body><pre>{escape(text)}</pre></body></html>".encode())
    assert report.lines == original(1).lines


def with_long_line(index: int) -> str:
    """The sample with a 2 MB line (a minified blob pasted into the overview): digits, years, table words."""
    rng = random.Random(7)
    blob = "".join(rng.choice(["2019年", "总计", "12", "|", "\t", "收到申请", "件", "无", " "]) for _ in range(600_000))
    assert len(blob.encode("utf-8")) > 2 * 10**6
    lines = sample_text(index).split("\n")
    overview = next(s for s in original(index).sections if s.kind == "overview")
    lines.insert(overview.start_line, blob)
    return "\n".join(lines)


def test_extremely_long_line_in_the_prose_changes_nothing():
    report = parse_report("long.txt", with_long_line(2).encode("utf-8"))
    base = original(2)
    assert {k: v for k, v in facts_by_cell(report).items()} == facts_by_cell(base)
    assert unsupported_numbers(report) == []


def test_file_of_one_enormous_line_is_not_a_report():
    entry = read_entry("oneline.txt", ("1 " * 2_000_000).encode("ascii"))
    assert (entry.outcome, entry.reason) == ("not_a_report", NOT_A_REPORT)
    assert numbers(entry.report) == 0


# ------------------------------------------------------------------------------------ not a report we read

@pytest.mark.parametrize("index", INDICES)
def test_report_in_traditional_characters_reads_as_its_simplified_original(index):
    """Regression (wild 021, a real 繁體 page): such a report was not_a_report and lost every number."""
    entry = read_entry("繁體.txt", sample_text(index).translate(TRADITIONAL).encode("utf-8"))
    original = parse_report(SAMPLES[index].name, SAMPLES[index].read_bytes())
    assert (entry.outcome, entry.reason) == ("report", None)
    assert any(i.rule == "traditional_characters" for i in entry.report.issues)
    assert sorted(entry.report.facts) == sorted(original.facts) and numbers(original) > 0


@pytest.mark.parametrize(("text", "year"), [
    ("2021年春节放假安排的通知\n\n2021年春节放假安排如下:2月11日至17日放假调休,共7天。\n", 2021),
    ("README\n\nThis folder holds the crawler's output. Run it again with --resume.\n", None),
], ids=["notice-of-2021", "english-readme"])
def test_text_that_is_no_report_is_not_a_report(text, year):
    entry = read_entry("other.txt", text.encode("utf-8"))
    assert (entry.outcome, entry.reason, entry.report.year.year) == ("not_a_report", NOT_A_REPORT, year)


def test_report_of_a_year_without_partition_is_not_lost():
    """Regression (report_of_year_without_partition_lost): a report decided as 2041 was outcome 'report'
    with no reason and joined no partition, so it vanished from every table but the inventory."""
    entry = read_entry("future.txt", future_text().encode("utf-8"))
    year = entry.report.year.year
    assert year > date.today().year
    assert (entry.outcome, entry.reason) == ("year_out_of_range",
                                             f"reporting year {year} has no partition (2008–{date.today().year})")


def future_text() -> str:
    """Sample 001 with every year moved 20 years ahead."""
    return re.sub(r"20(19|20|21|22)", lambda m: str(int(m[0]) + 20), sample_text(1))


# ------------------------------------------------------------------------------------ a whole hostile folder

def hostile_folder(raw) -> dict[str, tuple[str, str | None]]:
    """The five samples plus one file per hostile case; returns the expected (outcome, reason) per path."""
    expected = {}
    for sample in SAMPLES:
        write(raw, sample.name, sample.read_bytes())  # sorted before bad/: the originals of any copy
        expected[sample.name] = ("report", None)
    cases = {
        "bad/empty.txt": (b"", ("unreadable", "empty file")),
        "bad/scan.bin": (bytes(range(256)) * 8, ("unreadable", "binary file (NUL bytes)")),
        "bad/report.pdf": (b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n", ("unreadable", PDF)),
        "bad/report.docx": (docx_bytes(sample_text(0)), ("unreadable", ZIP)),
        "bad/mixed.txt": (mixed_encodings(sample_text(3)), ("report", None)),
        "bad/cut.txt": (truncated(1, "applications").encode("utf-8"), ("report", None)),
        "bad/shuffled.txt": (shuffled_tables(sample_text(4)).encode("utf-8"), ("report", None)),
        "bad/twice.txt": (conflicting_copy(sample_text(2), "applications").encode("utf-8"), ("report", None)),
        "bad/long.txt": (with_long_line(2).encode("utf-8"), ("report", None)),
        "bad/page.html": (hostile_page(sample_text(0).replace("南谯区", "来安县")).encode("utf-8"), ("report", None)),
        "bad/copy.txt": (sample_text(1).encode("gb18030"), ("duplicate", f"same report as {SAMPLES[1].name}")),
        "bad/繁體.txt": (sample_text(3).translate(TRADITIONAL).encode("utf-8"),
                         ("duplicate", f"same report as {SAMPLES[3].name}")),
        "bad/notice.txt": ("2021年春节放假安排的通知\n\n2021年春节放假安排如下:共7天。\n".encode(),
                           ("not_a_report", NOT_A_REPORT)),
        "bad/readme.txt": (b"crawler output, see log\n", ("not_a_report", NOT_A_REPORT)),
        "bad/no_year.txt": (re.sub(r"20\d\d", "", sample_text(1)).encode("utf-8"),
                            ("no_year", "no reporting year in title, statistics period or body")),
    }
    for path, (data, outcome) in cases.items():
        write(raw, path, data)
        expected[path] = outcome
    write_50_mb(raw / "bad/dump.txt")
    expected["bad/dump.txt"] = ("unreadable", too_large((raw / "bad/dump.txt").stat().st_size))
    write(raw, "bad/future.txt", future_text())
    expected["bad/future.txt"] = ("year_out_of_range", None)  # reason checked by prefix
    return expected


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    raw, warehouse = root / "raw", root / "warehouse"
    expected = hostile_folder(raw)
    summary = run_pipeline(str(raw), str(warehouse), progress=lambda _: None)  # raises if a blocking check fails
    return raw, warehouse, expected, summary


def test_hostile_folder_every_file_is_in_the_inventory_with_its_reason(hostile_run):
    raw, warehouse, expected, _ = hostile_run
    inventory = pd.read_parquet(warehouse / "raw_file_inventory.parquet").set_index("source_path")
    assert sorted(inventory.index) == sorted(expected)
    found = {p: (r.outcome, r.reason) for p, r in inventory.iterrows()}
    future = read_entry("bad/future.txt", future_text().encode("utf-8"))
    assert found.pop("bad/future.txt") == ("year_out_of_range", future.reason)
    expected.pop("bad/future.txt")
    assert {p: (o, None if pd.isna(r) else r) for p, (o, r) in found.items()} == expected
    assert inventory.loc[inventory["outcome"] != "report", "reason"].notna().all()
    assert {r["source_path"] for r in build_inventory(raw).to_pylist()} == set(inventory.index) | {"bad/future.txt"}


def test_hostile_folder_bad_files_of_a_year_are_quality_issues(hostile_run):
    _, warehouse, _, _ = hostile_run
    issues = pd.read_parquet(warehouse / "quality_issues")
    by_file = issues.groupby("source_path")["rule"].agg(set).to_dict()
    assert by_file["bad/copy.txt"] == {"duplicate_report"}
    assert by_file["bad/繁體.txt"] == {"duplicate_report"}
    assert by_file["bad/notice.txt"] == {"not_a_report"}
    assert {"missing_cells"} <= by_file["bad/cut.txt"]
    assert {"low_confidence_encoding"} <= by_file["bad/mixed.txt"]  # regression: lost between raw_reports and facts
    twice = issues[(issues["source_path"] == "bad/twice.txt") & (issues["severity"] == "error")]
    assert set(twice["table"]) == {"applications"}
    # no year, or no partition for it: only the inventory can hold them
    assert not {"bad/dump.txt", "bad/empty.txt", "bad/scan.bin", "bad/report.pdf", "bad/report.docx", "bad/readme.txt",
                "bad/no_year.txt", "bad/future.txt"} & set(by_file)


def test_hostile_folder_good_reports_materialize_as_if_alone(hostile_run):
    _, warehouse, _, summary = hostile_run
    dim = pd.read_parquet(warehouse / "dim_reports").set_index("source_path")
    assert sorted(dim.index) == sorted([s.name for s in SAMPLES] + [
        "bad/cut.txt", "bad/long.txt", "bad/mixed.txt", "bad/page.html", "bad/shuffled.txt", "bad/twice.txt"])
    assert summary["years"] == [2020, 2021]
    facts = pd.concat([pd.read_parquet(warehouse / t) for t in
                       ("fact_active_disclosure", "fact_applications", "fact_review_litigation")])
    same_cells = {sample.name: index for index, sample in enumerate(SAMPLES)} | {"bad/long.txt": 2,
                                                                                  "bad/page.html": 0}
    for path, index in same_cells.items():
        base = original(index)
        mine = facts[facts["report_id"] == dim.loc[path, "report_id"]]
        assert len(mine) == len(base.facts), path
        assert sorted(mine.loc[mine["cell_status"] == "number", "value"]) == sorted(
            f.value for f in base.facts if f.cell_status == "number"), path
    untrusted = set(dim.index[~dim["trusted"]])
    assert {"bad/cut.txt", "bad/twice.txt", "bad/mixed.txt"} <= untrusted


def test_table_of_only_detached_values_does_not_fail_the_year():
    """Regression (missing_rows_source_line_zero): when every 表三 value of a damaged report was detached,
    the template rows added as missing got source_line 0, FactApplications refused the frame and the
    whole year failed to materialize."""
    from assets.pipeline.frames import fact_table, year_frame
    from assets.pipeline.year_pass import arrow_schema
    from schemas.tables import FactApplications

    report = parse_report("mixed.txt", mixed_encodings(sample_text(3)))
    assert {r.row for r in report.rows if r.table == "applications"} == {"detached"}
    assert all(f.source_line is None or f.source_line >= 1 for f in report.facts)
    FactApplications.validate(year_frame(fact_table([report], "applications", arrow_schema("fact_applications")), 2021))


def test_lost_blank_cell_line_does_not_shift_the_row():
    """Regression (lost_cell_line_shifted_values), found by test_properties: with one cell per line, a row
    whose blank cell line was lost took the next row's padding as its 7th cell, so its total '0' was
    placed as other_org and total read blank. Now the uneven pace of its cell lines leaves it unplaced."""
    base = original(1)
    cell = next(f for f in base.facts if (f.row, f.column) == ("denied_law_enforcement_file", "other_org"))
    assert cell.cell_status == "blank"
    lines = sample_text(1).split("\n")
    del lines[cell.source_line - 1]
    report = parse_report("lost.txt", "\n".join(lines).encode("utf-8"))
    assert wrong_numbers(report, base) == []
    row = {f.column: f.cell_status for f in report.facts if f.row == "denied_law_enforcement_file"}
    assert set(row.values()) == {"missing"}
    assert any(i.rule == "missing_cells" for i in report.issues if i.table == "applications")


def test_sensor_touches_the_year_of_a_bad_file_of_a_year_and_no_other(tmp_path):
    """A notice that is no report (not_a_report of 2021) is a finding of 2021, so the inventory says 2021
    changed; a broken PDF and a text without a year have no year, and a report of the 2040s (sample 001 moved
    20 years ahead) has no partition to run."""
    from assets.pipeline.ingest import build_inventory, years_changed

    write(tmp_path, "notice.txt", "2021年春节放假安排的通知\n\n2021年春节放假安排如下:共7天。\n")
    write(tmp_path, "report.pdf", b"%PDF-1.4\n")
    write(tmp_path, "future.txt", future_text())
    write(tmp_path, "no_year.txt", re.sub(r"20\d\d", "", sample_text(1)))
    inventory = build_inventory(tmp_path)
    [future] = years_changed(None, inventory)[1:]
    assert years_changed(None, inventory) == [2021, future] and str(future) not in YEARS.get_partition_keys()
