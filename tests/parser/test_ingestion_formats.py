"""Every report reads the same whatever its encoding or format: real files in tmp_path, no mocks.

The sample reports are re-encoded (UTF-8 with BOM, GB18030, UTF-16) and rebuilt as crawled-looking
HTML pages (chrome, scripts, labels split over <span>s, tables with rowspan/colspan headers); each
must give the facts, year and template of its UTF-8 text original. A mixed raw folder must account
for every file with the right outcome.
"""

import re
from html import escape
from pathlib import Path

import pytest

from assets.parser.html import html_lines, is_chrome_line
from assets.parser.reading import read_lines
from assets.parser.report import ParsedReport, parse_report
from assets.parser.tables import DETACHED, FoundRow
from assets.pipeline.ingest import build_inventory, read_entry, refusal
from schemas.catalog import BLOCK_OF_ITEM, MEASURES, OUTCOMES, PROCEEDINGS, codes
from tests.conftest import FIXTURES, SAMPLE_DIR

SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))
TABLE_SECTIONS = ("active_disclosure", "applications", "review_litigation")
_MEASURE_LABELS = {m.code: m.label for m in MEASURES}
_TOP_ROWS = ("new_received", "carried_over", "carried_forward")
_ORGANISATIONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def facts_of(report: ParsedReport) -> list[tuple]:
    return [(f.table, f.row, f.column, f.value, f.cell_status) for f in report.facts]


def flagged_rows(report: ParsedReport) -> set[tuple]:
    return {(i.table, i.row) for i in report.issues if i.rule == "missing_cells"}


def original(path: Path) -> ParsedReport:
    return parse_report(path.name, path.read_bytes())


# ------------------------------------------------------------------------------------ encodings

@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_gbk_report_cut_mid_character_is_read_as_gb18030(sample):
    """Regression: a GBK file missing the last byte of its last character (a download cut short) decodes
    strictly in nothing and charset-normalizer finds nothing; it was read as UTF-8 with replacements,
    thousands of U+FFFD, and inventoried as not_a_report ("no report title …"). It reads as GB18030 now,
    one character replaced, flagged low_confidence_encoding, with the facts of its original."""
    text = sample.read_text(encoding="utf-8").rstrip("\n") + "。"  # ends on a two-byte character
    data = text.encode("gb18030")[:-1]
    entry = read_entry(sample.name, data)
    assert entry.outcome == "report" and entry.identity.encoding == "gb18030"
    report = entry.report
    assert "\n".join(report.lines).count("\ufffd") == 1
    assert "low_confidence_encoding" in {i.rule for i in report.issues}
    assert facts_of(report) == facts_of(original(sample))


def test_damaged_utf8_stays_utf8():
    """The same cut in a UTF-8 file loses one character in UTF-8 and more in GB18030: UTF-8 it stays."""
    data = SAMPLES[0].read_text(encoding="utf-8").encode("utf-8") + "报".encode()[:2]
    read = read_lines("cut.txt", data)
    assert (read.encoding, read.confident) == ("utf-8", False)
    assert "\n".join(read.lines).count("\ufffd") == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_reencoded_report_gives_identical_facts(tmp_path, sample, encoding):
    """utf-16-le/-be carry no BOM: they must be read (NUL bytes alone do not make a file binary)."""
    text = sample.read_text(encoding="utf-8")
    path = tmp_path / sample.name
    path.write_bytes(text.encode(encoding))
    base, report = original(sample), parse_report(path.name, path.read_bytes())
    assert facts_of(report) == facts_of(base)
    assert [f.source_line for f in report.facts] == [f.source_line for f in base.facts]
    assert (report.year.year, report.template) == (base.year.year, base.template)
    assert (report.agency, report.publish_date) == (base.agency, base.publish_date)
    assert report.lines == base.lines and report.report_id == base.report_id
    assert report.encoding == encoding
    assert refusal(path.read_bytes()) is None
    assert "low_confidence_encoding" not in {i.rule for i in report.issues}


# ------------------------------------------------------------------------------------ HTML pages

CHROME_TOP = """<nav class="site-nav"><a href="/">首页</a> <a href="/gk">政府信息公开</a>
<a href="/nb/2017">2017年政府信息公开工作年度报告</a></nav>
<script>var published = "2016年12月31日"; document.write("<p>2015年度</p>");</script>
<style>p { text-indent: 2em; }</style>
<div class="tools">【字体:打印】</div>
<div class="qr">扫一扫在手机打开当前页</div>"""
CHROME_BOTTOM = """<div class="related"><h3>相关信息</h3>
<ul><li><a href="/nb/2014">2014年政府信息公开工作年度报告</a></li></ul></div>
<footer>版权所有 2012 某某县人民政府办公室 技术支持 某公司</footer>"""

# Words only the chrome above prints (a sample's own text may repeat some: those are not checked).
CHROME_MARKERS = ("首页", "2017年政府信息公开", "2016年12月31日", "2015年度", "字体", "扫一扫", "相关信息",
                  "2014年政府信息公开", "版权所有", "text-indent")


def spans(text: str) -> str:
    """Text split over many <span>s, as Word-made pages print labels."""
    return "".join(f"<span style=\"font-family: 仿宋\">{escape(text[i:i + 3])}</span>"
                   for i in range(0, len(text), 3))


def td(text: str, **spans_attrs: int) -> str:
    attrs = "".join(f' {name}="{value}"' for name, value in spans_attrs.items())
    body = spans(text) if text else "&nbsp;"
    return f"<td{attrs}><p>{body}</p></td>"


def row_cells(report: ParsedReport, row: FoundRow, columns: tuple[str, ...] | None) -> list[str]:
    """A row's cells: placed rows in template order from the facts, unplaced rows as they were found."""
    placed = {f.column: f for f in report.facts if (f.table, f.row) == (row.table, row.row)}
    if columns and all(c in placed and placed[c].cell_status != "missing" for c in columns):
        return [placed[c].raw or "" for c in columns]
    return [t.text for t in row.values]


def real_rows(report: ParsedReport, table: str) -> list[FoundRow]:
    """Rows the text printed (not the template rows added as missing, not detached values)."""
    return [r for r in report.rows if r.table == table and r.label and r.row != DETACHED]


def active_disclosure_table(report: ParsedReport) -> str:
    rows, block = [], None
    for row in real_rows(report, "active_disclosure"):
        item_block = BLOCK_OF_ITEM[row.row]
        if item_block is not block:
            block = item_block
            rows.append(f"<tr>{td(f'第二十条第({block.number})项', colspan=4)}</tr>")
            labels = [_MEASURE_LABELS[m] for m in row.columns or ()]
            rows.append("<tr>" + td("信息内容") + "".join(td(label) for label in labels) + "</tr>")
        rows.append("<tr>" + td(row.label) + "".join(td(v) for v in row_cells(report, row, row.columns)) + "</tr>")
    return "<table border=\"1\">" + "".join(rows) + "</table>"


def applications_table(report: ParsedReport) -> str:
    header = ("<tr>" + td("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", rowspan=3, colspan=2)
              + td("申请人情况", colspan=7) + "</tr>"
              "<tr>" + td("自然人", rowspan=2) + td("法人或其他组织", colspan=5) + td("总计", rowspan=2) + "</tr>"
              "<tr>" + "".join(td(x) for x in _ORGANISATIONS) + "</tr>")
    found = real_rows(report, "applications")
    results = [r for r in found if r.row not in _TOP_ROWS]
    rows = []
    for row in found:
        values = "".join(td(v) for v in row_cells(report, row, row.columns))
        if row.row in _TOP_ROWS:
            rows.append("<tr>" + td(row.label, colspan=2) + values + "</tr>")
        elif row is results[0]:
            rows.append("<tr>" + td("三、本年度办理结果", rowspan=len(results)) + td(row.label) + values + "</tr>")
        else:
            rows.append("<tr>" + td(row.label) + values + "</tr>")
    return "<table border=\"1\">" + header + "".join(rows) + "</table>"


def review_litigation_table(report: ParsedReport) -> str:
    outcomes = [o.label for o in OUTCOMES]
    header = ("<tr>" + td("行政复议", colspan=5) + td("行政诉讼", colspan=10) + "</tr>"
              "<tr>" + "".join(td(o, rowspan=2) for o in outcomes)
              + td("未经复议直接起诉", colspan=5) + td("复议后起诉", colspan=5) + "</tr>"
              "<tr>" + "".join(td(o) for o in outcomes * 2) + "</tr>")
    columns = tuple(f"{p}/{o}" for p in codes(PROCEEDINGS) for o in codes(OUTCOMES))
    values = []
    for row in real_rows(report, "review_litigation"):
        placed = {f"{f.row}/{f.column}": f for f in report.facts if f.table == "review_litigation"}
        if all(placed[c].cell_status != "missing" for c in columns):
            values = [placed[c].raw or "" for c in columns]
        else:
            values = [t.text for t in row.values]
    return "<table border=\"1\">" + header + "<tr>" + "".join(td(v) for v in values) + "</tr></table>"


TABLE_BUILDERS = {"active_disclosure": active_disclosure_table, "applications": applications_table,
                  "review_litigation": review_litigation_table}


def html_page(report: ParsedReport, charset: str = "utf-8") -> str:
    """The text report as a crawled page: <h1> title, <p> paragraphs, real tables, chrome around."""
    table_lines = {n: s for s in report.sections if s.kind in TABLE_SECTIONS
                   for n in range(s.start_line + 1, s.end_line + 1)}
    headings = {s.start_line: s for s in report.sections}
    body = []
    for number, line in enumerate(report.lines, start=1):
        if number in headings:
            section = headings[number]
            body.append(f"<h2>{spans(line.strip())}</h2>")
            if section.kind in TABLE_SECTIONS:
                body.append(TABLE_BUILDERS[section.kind](report))
        elif number in table_lines or not line.strip():
            continue
        elif report.title is not None and line.strip() == report.title:
            body.append(f"<h1>{escape(line.strip())}</h1>")
        else:
            body.append(f"<p>{spans(line.strip())}</p>")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"{charset}\"><title>{escape(report.title or '')}"
            f"</title></head>\n<body>{CHROME_TOP}\n<div class=\"article\">\n" + "\n".join(body)
            + f"\n</div>\n{CHROME_BOTTOM}\n</body></html>\n")


@pytest.mark.parametrize(("encoding", "charset"), [("utf-8", "utf-8"), ("gb18030", "gbk")])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_html_page_gives_identical_facts(tmp_path, sample, encoding, charset):
    base = original(sample)
    path = tmp_path / f"{sample.stem}.html"
    path.write_bytes(html_page(base, charset).encode(encoding))
    report = parse_report(path.name, path.read_bytes())
    assert report.source_format == "html" and report.encoding == encoding
    assert facts_of(report) == facts_of(base)
    assert flagged_rows(report) == flagged_rows(base)
    assert (report.year.year, report.template) == (base.year.year, base.template)
    assert (report.title, report.agency, report.publish_date) == (base.title, base.agency, base.publish_date)
    text, base_text = "\n".join(report.lines), "\n".join(base.lines)
    assert [m for m in CHROME_MARKERS if m in text and m not in base_text] == []


def test_html_page_without_html_suffix_is_recognised(tmp_path):
    base = original(SAMPLES[1])
    path = tmp_path / "page.txt"
    path.write_text(html_page(base), encoding="utf-8")
    read = read_lines(path.name, path.read_bytes())
    assert read.source_format == "html"
    assert facts_of(parse_report(path.name, path.read_bytes())) == facts_of(base)


def test_text_with_html_suffix_but_no_markup_is_read_as_text(tmp_path):
    path = tmp_path / "report.html"
    path.write_bytes(SAMPLES[0].read_bytes())
    assert read_lines(path.name, path.read_bytes()).source_format == "text"
    assert facts_of(parse_report(path.name, path.read_bytes())) == facts_of(original(SAMPLES[0]))


def test_spanned_table_renders_one_pipe_row_per_tr():
    page = ("<html><body><table>"
            "<tr><td rowspan='2'>项目</td><td colspan='2'>申请人</td></tr>"
            "<tr><td><span>自然</span><span>人</span></td><td>其<b>他</b></td></tr>"
            "<tr><td>一、本年<span>新收</span></td><td>1</td><td>&nbsp;</td></tr>"
            "<tr><td>a|b</td><td colspan='2'>2</td></tr>"
            "</table><p>第一段<br>第二段</p><div>末段</div></body></html>")
    assert html_lines(page) == ["| 项目 | 申请人 |  |", "|  | 自然人 | 其他 |", "| 一、本年新收 | 1 |  |",
                                "| a¦b | 2 |", "第一段", "第二段", "末段"]


@pytest.mark.parametrize("line", ["【字体:打印】", "【字体:大 中 小】【打印】【关闭】", "扫一扫在手机打开当前页",
                                  "上一篇:2019年政府信息公开工作年度报告"])
def test_tool_lines_are_chrome(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", ["一、总体情况", "本年度未收到政府信息公开申请。", "(二)打印复印费用为0元。", "中"])
def test_report_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


# ------------------------------------------------------------------------------------ inventory

def test_mixed_folder_accounts_for_every_file(tmp_path):
    first, second, third = SAMPLES[0], SAMPLES[1], SAMPLES[2]
    (tmp_path / first.name).write_bytes(first.read_bytes())
    (tmp_path / second.name).write_bytes(second.read_bytes())
    (tmp_path / "page.html").write_text(html_page(original(third)), encoding="utf-8")
    (tmp_path / "zz_copy_gb18030.txt").write_bytes(first.read_text(encoding="utf-8").encode("gb18030"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    records = {r["source_path"]: r for r in build_inventory(tmp_path).to_pylist()}
    assert {p: (r["outcome"], r["reason"]) for p, r in records.items()} == {
        first.name: ("report", None),
        second.name: ("report", None),
        "page.html": ("report", None),
        "zz_copy_gb18030.txt": ("duplicate", f"same report as {first.name}"),
        "empty.txt": ("unreadable", "empty file"),
        "blob.bin": ("unreadable", "binary file (NUL bytes)"),
        "report.pdf": ("unreadable", "broken PDF: PDFium cannot open it (data format error)"),
    }
    page = read_entry("page.html", (tmp_path / "page.html").read_bytes()).report
    assert page.source_format == "html"
    assert facts_of(page) == facts_of(original(third))
    assert records["zz_copy_gb18030.txt"]["encoding"] == "gb18030"


def test_inventory_over_two_workers_equals_one_process(tmp_path):
    for index, sample in enumerate(SAMPLES * 14):  # more files than one task (CHUNK) holds, with duplicates
        (tmp_path / f"{index:03d}_{sample.name}").write_bytes(sample.read_bytes())
    assert build_inventory(tmp_path, workers=2).equals(build_inventory(tmp_path, workers=1))


def test_html_facts_point_at_their_table_row_in_the_page_file():
    """A page's rendered lines keep the file line they start on: a fact read from a pipe row points at
    that row's <tr> in the HTML file, and its value is printed inside that <tr> … </tr>."""
    path = FIXTURES / "devset" / "raw" / "020_shuyang_fgj_2023.html"
    page = path.read_text(encoding="utf-8").split("\n")
    report = parse_report(path.name, path.read_bytes())
    placed = [f for f in report.facts if f.cell_status == "number"]
    assert len(placed) == 75  # the other cells of the page are blank
    for fact in placed:
        line = report.file_line(fact.source_line)
        assert page[line - 1].strip().startswith("<tr")
        end = next(i for i in range(line - 1, len(page)) if "</tr>" in page[i])
        row_text = re.sub(r"<[^>]+>", " ", " ".join(page[line - 1:end + 1]))
        assert fact.raw in row_text.split(), (fact, line)


def test_text_files_map_lines_one_to_one():
    report = original(SAMPLES[0])
    assert report.file_lines is None and report.file_line(7) == 7
