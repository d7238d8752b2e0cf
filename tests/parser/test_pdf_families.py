"""Every PDF layout family (tests/pdf_families.py) × every truth file it draws: the parser reads each truth
cell back exactly, or flags it; it never states a wrong value.

Per truth cell (expected values come from the hand-checked truth files, never from the parser):

- *exact*: the parser states the known value (a blank, as status blank or dash with no value);
- *flagged*: no fact, or status missing/unparseable;
- *wrong*: a value (number, none_word, inferred, blank, dash) other than the known one; and a value
  (number, none_word, inferred) for a cell the PDF does not print counts as wrong too.

No case may have a wrong cell. Every cell is exact except those listed in ``EXPECTED_FLAGS`` (each with its
cause), which may only be flagged: that is also the recall floor (a parser that returns nothing fails).

The PDFs embed a CJK TrueType font of the machine (tests/pdf_families.py ``CJK_FONTS``: Debian's
fonts-wqy-microhei); without one, or without reportlab, this module is skipped.

Run: .venv/bin/python -m pytest tests/core/test_pdf_families.py -q
"""

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest

pytest.importorskip("reportlab", reason="reportlab draws the PDFs: .venv/bin/pip install reportlab")

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402

from assets.parser.reading import read_lines  # noqa: E402
from assets.parser.report import ParsedReport, parse_report  # noqa: E402
from tests.layout_families import CellKey, KnownReport  # noqa: E402
from tests.pdf_families import FAMILIES, FONT_FILE, PDF_TRUTHS, pdf_truth_reports  # noqa: E402

if FONT_FILE is None:
    pytest.skip("no CJK TrueType font to embed (apt-get install fonts-wqy-microhei)", allow_module_level=True)

VALUED = frozenset({"number", "none_word", "inferred"})
FLAGGED = frozenset({"missing", "unparseable"})
KNOWN = {known.name: known for known in pdf_truth_reports()}
CASES = [(family, truth) for family in FAMILIES for truth in PDF_TRUTHS]


def _table(name: str) -> Callable[[CellKey], bool]:
    return lambda key: key[0] == name


def _row(table: str, row: str) -> Callable[[CellKey], bool]:
    return lambda key: key[:2] == (table, row)


# (family, truth) → (which cells may be flagged instead of read, why). Every one is the unruled family: with
# no ruling the reader has only PDFium's text lines, and these cells cannot be told apart on them.
EXPECTED_FLAGS = {
    # 表三 prints 125 of its 175 cells blank (truth None): unruled, a blank cell is no text at all, so each row
    # reads as 2 values for 7 columns ('一、本年新收政府信息公开申请数量 26 26') and cannot be placed.
    ("unruled", "devset/020"): (_table("applications"),),
    # The same for 表三 (138 blank cells of 161: rows read as the single 总计 value, e.g. '… 0') and for
    # 表四 (13 blank of 15: the values line is '0 0').
    ("unruled", "seeds/001"): (_table("applications"), _table("review_litigation")),
    # (六)2.'s label wraps onto three lines and the (六)其他处理 group label, centred on this row, is read on
    # the line of the label's first line: '(六)其他处理 2.申请人逾期未按收费通知要求', then
    # '缴纳费用、行政机关不再处理 0 0 0 0 0 0 0', then '其政府信息公开申请': the row is not recognised.
    ("unruled", "seeds/002"): (_row("applications", "other_fee_unpaid"),),
    # 表四's outcome headers wrap onto two lines (结果/维持 …) and PDFium interleaves the second lines of the
    # 15 header cells into one text line ('维持 审结 总计 结果 结果 其他 审结 总计 结果尚未 结果 其他
    # 尚未纠正结果审结 总计维持纠正结果维持纠正结果'): the header cannot be read, the values row is not
    # placed. (seeds/003 prints the same 表四 lower on its page; there PDFium keeps the two header lines
    # apart and 表四 reads exact.)
    ("unruled", "seeds/000"): (_table("review_litigation"),),
}


def may_be_flagged(family: str, truth: str, key: CellKey) -> bool:
    return any(rule(key) for rule in EXPECTED_FLAGS.get((family, truth), ()))


@dataclass
class Outcome:
    """One family × truth file: the verdict on every truth cell, and lines that explain the others."""

    counts: Counter[str] = field(default_factory=Counter)
    flagged: list[CellKey] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    facts: int = 0


def _reads_as(expected: object, status: str, value: float | None) -> bool:
    if expected is None:
        return value is None and status in ("blank", "dash")
    assert isinstance(expected, int | float)
    return status in VALUED and value is not None and math.isclose(value, expected, abs_tol=1e-9)


def _describe(known: KnownReport, key: CellKey, fact, report: ParsedReport) -> str:
    line = report.lines[fact.source_line - 1] if fact.source_line else None
    return (f"{key}: expected {known.cells.get(key, 'no such cell')!r}, got {fact.cell_status} {fact.value!r} "
            f"raw={fact.raw!r} line {fact.source_line}: {line!r}")


@cache
def outcome(family: str, truth: str) -> Outcome:
    pdf_family = FAMILIES[family]
    known = pdf_family.known(KNOWN[truth])
    report = parse_report(*pdf_family.document(KNOWN[truth]))
    facts = {}
    for fact in report.facts:
        facts.setdefault((fact.table, fact.row, fact.column), fact)
    result = Outcome(facts=len(report.facts))
    for key, expected in known.cells.items():
        fact = facts.get(key)
        if fact is None or fact.cell_status in FLAGGED:
            result.counts["flagged"] += 1
            result.flagged.append(key)
        elif _reads_as(expected, fact.cell_status, fact.value):
            result.counts["exact"] += 1
        else:
            result.counts["wrong"] += 1
            result.wrong.append(_describe(known, key, fact, report))
    for key, fact in facts.items():
        if fact.cell_status in VALUED and key not in known.cells:
            result.counts["wrong"] += 1
            result.wrong.append(_describe(known, key, fact, report))
    return result


# ------------------------------------------------------------------------------------ the harness itself


def test_truth_files_cover_both_templates_and_every_table():
    generations = Counter(known.generation for known in KNOWN.values())
    assert generations["2021"] >= 3 and generations["2019"] >= 1
    for table in ("active_disclosure", "applications", "review_litigation"):
        assert {k.generation for k in KNOWN.values() if k.has(table)} == {"2019", "2021"}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generation_is_deterministic(family: str):
    known = KNOWN["seeds/003"]
    assert FAMILIES[family].document(known) == FAMILIES[family].document(known)


def test_reader_sees_the_chinese_text():
    """The embedded font reads back exactly: title, headings, header words wrapped in their cells, and a
    cell holding only 无 (a lone CJK character, which PDFium drops when the font is not embedded and the
    machine has no CJK font)."""
    family, known = FAMILIES["blank_and_dash"], KNOWN["seeds/002"]
    lines = read_lines(*family.document(known)).lines
    assert lines[:2] == ["衡水市桃城区人民政府", "2021年政府信息公开工作年度报告"]
    # The first heading reads '一 、总体情况': pdf.py starts a new line where a character's top is below the
    # line's box so far, and the tight box of 一 (a single stroke) is 1 pt tall, above 、; the two pieces
    # are joined again with a space. Spaces aside, every heading reads exactly.
    headings = [line.replace(" ", "") for line in lines if line.replace(" ", "").endswith(("情况", "事项"))
                and line[0] in "一二三四五六"]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                        "六、其他需要报告的事项"]
    assert "|  |  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |" in lines
    assert "| 规章 | 无 | 0 |  |" in lines


def _paths(data: bytes) -> Counter[str]:
    """The PDF's path objects by how they are painted: filled, stroked."""
    kinds: Counter[str] = Counter()
    document = pdfium.PdfDocument(data)
    for page in document:
        for path in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):
            fill, stroke = pdfium_c.c_int(), pdfium_c.c_int()
            pdfium_c.FPDFPath_GetDrawMode(path.raw, fill, stroke)
            kinds["filled" if fill.value else "stroked" if stroke.value else "neither"] += 1
    return kinds


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_draws_its_layout(family: str):
    """What each family is meant to copy is in the file (so that an exact read is not vacuous)."""
    known = KNOWN["devset/002"]
    data = FAMILIES[family].document(known)[1]
    lines = read_lines(f"{family}.pdf", data).lines
    paths = _paths(data)
    ruling = FAMILIES[family].look.ruling
    if ruling == "word":
        assert paths["filled"] > 0 and paths["stroked"] == 0
    elif ruling == "strokes":
        assert paths["stroked"] > 0 and paths["filled"] == 0
    else:
        assert sum(paths.values()) == 0
    headers = [line for line in lines if "申请人情况" in line]
    footers = [n for n, line in enumerate(lines) if re.fullmatch(r"- ?\d+ -", line)]  # PDFium reads '-1 -'
    if family == "page_break_repeated_header":
        assert len(headers) == 2 and len(footers) == len(set(pdfium.PdfDocument(data))) >= 2
        assert lines[footers[0] + 1] == headers[1]  # page 2 starts with 表三's header again
        assert lines[footers[0] - 1].startswith("| 4.保护第三方合法权益 |")  # page 1 ends inside (三)
    else:
        assert len(headers) == 1 and not footers
    if family == "reordered_columns":
        assert "|  |  |  | 总计 | 自然人 | 法人或其他组织 |  |  |  |  |" in lines
    if family == "wrapped_labels":
        wrapped = FAMILIES[family].look.widths["applications"][2]  # the label column
        assert wrapped < 100  # '1.本机关不掌握相关政府信息' and longer labels take two to five lines
    if family == "blank_and_dash":
        cells = [cell.strip() for line in lines if line.startswith("|") for cell in line.split("|")]
        assert {"无", "-", ""} <= set(cells)


# ------------------------------------------------------------------------------------ every family × truth file


@pytest.mark.parametrize(("family", "truth"), CASES)
def test_no_cell_is_silently_wrong(family: str, truth: str):
    result = outcome(family, truth)
    assert result.counts["wrong"] == 0, f"{family} × {truth}: {result.counts['wrong']} wrong cells:\n" + \
        "\n".join(result.wrong[:40])


@pytest.mark.parametrize(("family", "truth"), CASES)
def test_every_cell_exact_or_an_expected_flag(family: str, truth: str):
    result = outcome(family, truth)
    assert result.facts, f"{family} × {truth}: no facts at all"
    unexpected = [key for key in result.flagged if not may_be_flagged(family, truth, key)]
    assert not unexpected, f"{family} × {truth}: {len(unexpected)} cells flagged, not exact: {unexpected[:20]}"
    assert result.counts["exact"] > 0


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_table_cells_are_pdfplumbers(family: str):
    """pdf.py finds cells as pdfplumber's ``intersections_to_cells`` does, five times faster: the same cells,
    on every page of every family."""
    from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

    from assets.parser.pdf import _cells, _edges

    compared = 0
    for known in pdf_truth_reports():
        document = pdfium.PdfDocument(FAMILIES[family].render(FAMILIES[family].known(known)))
        for page in document:
            edges = _edges(page.raw, page.get_size()[1])
            points = edges_to_intersections(merge_edges(edges, 3, 3, 3, 3), 3, 3) if edges else {}
            assert _cells(points) == intersections_to_cells(points)
            compared += len(points)
    assert compared or family == "unruled"
