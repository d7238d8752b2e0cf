"""Known reports written in the layout families real reports come in (tests/core/test_layout_families.py).

A *known report* is a template generation plus the value of every cell of the tables it holds (表二, 表三,
表四). The values come from the hand-checked truth files (only tables where truth gives every cell a
definite value) or from a seeded generator that keeps the template identities: never from the parser. A
*family* writes a known report as the file a real report would be, copying the conventions of the real
files in tests/fixtures/wild/raw, tests/fixtures/devset/raw and data/sample. The template labels are
written out here from /work/shared/research/templates.md (the parser's catalog is not used), so a family
tests the parser, not itself.

Every value cell is written between marks naming its cell (``mark``), so that a perturbation knows which
text is which cell; ``unmark`` removes them, and ``Family.document`` gives the bytes to parse.
"""

import html
import itertools
import json
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from benchmarks.truth import MISSING, expected_cells

CellKey = tuple[str, str, str]
Value = int | float | None
Form = Callable[[CellKey, Value], str]  # a value cell's text, as a family prints it

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TRUTH_DIRS = tuple(FIXTURES / corpus / "truth" for corpus in ("seeds", "devset", "wild"))
TABLES = ("active_disclosure", "applications", "review_litigation")
GENERATIONS = ("2019", "2021")
AGENCY = "示范市示范区统计局"

# ------------------------------------------------------------------------------------ the templates


@dataclass(frozen=True)
class Block:
    """A block of 表二 (第二十条第(N)项): its items and measures, as (code, label)."""

    number: str
    items: tuple[tuple[str, str], ...]
    measures: tuple[tuple[str, str], ...]


_COUNTS_2019 = (("previous_year_count", "上一年项目数量"), ("net_change", "本年增/减"), ("decisions", "处理决定数量"))
_DECISIONS_2021 = (("decisions", "本年处理决定数量"),)
BLOCKS = {
    "2019": (
        Block("一", (("regulations", "规章"), ("normative_documents", "规范性文件")),
              (("newly_made", "本年新制作数量"), ("newly_published", "本年新公开数量"),
               ("total_published", "对外公开总数量"))),
        Block("五", (("administrative_licensing", "行政许可"), ("other_external_services", "其他对外管理服务事项")),
              _COUNTS_2019),
        Block("六", (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")), _COUNTS_2019),
        Block("八", (("administrative_fees", "行政事业性收费"),), _COUNTS_2019[:2]),
        Block("九", (("centralized_procurement", "政府集中采购"),),
              (("procurement_projects", "采购项目数量"), ("procurement_amount", "采购总金额"))),
    ),
    "2021": (
        Block("一", (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
              (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))),
        Block("五", (("administrative_licensing", "行政许可"),), _DECISIONS_2021),
        Block("六", (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制")), _DECISIONS_2021),
        Block("八", (("administrative_fees", "行政事业性收费"),), (("fee_amount", "本年收费金额(单位:万元)"),)),
    ),
}
MONEY = frozenset({"fee_amount", "procurement_amount"})
DISCLOSURE_WIDTH = 4  # label + three measure columns; a block with fewer measures merges the last ones

APPLICANTS = (("natural_person", "自然人"), ("commercial_enterprise", "商业企业"), ("research_institution", "科研机构"),
              ("social_welfare_org", "社会公益组织"), ("legal_service_org", "法律服务机构"), ("other_org", "其他"),
              ("total", "总计"))
APPLICANT_CODES = tuple(code for code, _ in APPLICANTS)
PERSONS = APPLICANT_CODES[:6]  # the applicant columns 总计 sums
ORGANISATIONS = frozenset(APPLICANT_CODES[1:6])  # under 法人或其他组织
TOTAL_FIRST = ("total", *PERSONS)
RESEARCH_FIRST = ("natural_person", "research_institution", "commercial_enterprise", *APPLICANT_CODES[3:])
NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
RESULTS = "三、本年度办理结果"
APPLICATION_ROWS = (  # (code, sub-group label or "", label), in template order
    ("new_received", "", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "", "二、上年结转政府信息公开申请数量"),
    ("granted", "", "(一)予以公开"),
    ("partially_granted", "", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ("denied_state_secret", "(三)不予公开", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "(三)不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "(三)不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party_rights", "(三)不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "(三)不予公开", "5.属于三类内部事务信息"),
    ("denied_process_information", "(三)不予公开", "6.属于四类过程性信息"),
    ("denied_law_enforcement_file", "(三)不予公开", "7.属于行政执法案卷"),
    ("denied_administrative_query", "(三)不予公开", "8.属于行政查询事项"),
    ("unavailable_not_held", "(四)无法提供", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "(四)无法提供", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "(四)无法提供", "3.补正后申请内容仍不明确"),
    ("rejected_petition", "(五)不予处理", "1.信访举报投诉类申请"),
    ("rejected_duplicate", "(五)不予处理", "2.重复申请"),
    ("rejected_publication", "(五)不予处理", "3.要求提供公开出版物"),
    ("rejected_excessive", "(五)不予处理", "4.无正当理由大量反复申请"),
    ("rejected_confirmation", "(五)不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_handling", "", "(六)其他处理"),
    ("other_no_correction", "(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "(六)其他处理", "3.其他"),
    ("handled_total", "", "(七)总计"),
    ("carried_forward", "", "四、结转下年度继续办理"),
)
_ROW_LABELS = {code: (group, label) for code, group, label in APPLICATION_ROWS}
_OTHER_SUB_ROWS = ("other_no_correction", "other_fee_unpaid", "other_misc")
APPLICATION_ROWS_OF = {
    "2019": tuple(code for code, _, _ in APPLICATION_ROWS if code not in _OTHER_SUB_ROWS),
    "2021": tuple(code for code, _, _ in APPLICATION_ROWS if code != "other_handling"),
}
OUTSIDE_RESULTS = frozenset({"new_received", "carried_over", "carried_forward"})
PROCEEDINGS = (("administrative_review", "行政复议"), ("litigation_direct", "未经复议直接起诉"),
               ("litigation_after_review", "复议后起诉"))
PROCEEDING_CODES = tuple(code for code, _ in PROCEEDINGS)
OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
            ("total", "总计"))
SECTIONS = (  # (heading, one line of prose, the table the section holds)
    ("一、总体情况", "本局认真贯彻落实《中华人民共和国政府信息公开条例》,本报告所列数据的统计期限自{year}年1月1日起"
     "至{year}年12月31日止。", None),
    ("二、主动公开政府信息情况", "本年度主动公开政府信息情况见下表。", "active_disclosure"),
    ("三、收到和处理政府信息公开申请情况", "本年度收到和处理政府信息公开申请情况见下表。", "applications"),
    ("四、政府信息公开行政复议、行政诉讼情况", "本年度政府信息公开行政复议、行政诉讼情况见下表。", "review_litigation"),
    ("五、存在的主要问题及改进情况", "政策解读的形式还不够丰富,下一步将持续改进。", None),
    ("六、其他需要报告的事项", "本年度没有其他需要报告的事项。", None),
)


def template_keys(table: str, generation: str) -> set[CellKey]:
    """Every cell of a table in one template generation."""
    if table == "active_disclosure":
        return {(table, item, measure) for block in BLOCKS[generation] for item, _ in block.items
                for measure, _ in block.measures}
    if table == "applications":
        return {(table, row, column) for row in APPLICATION_ROWS_OF[generation] for column in APPLICANT_CODES}
    return {(table, proceeding, outcome) for proceeding in PROCEEDING_CODES for outcome, _ in OUTCOMES}


# ------------------------------------------------------------------------------------ known reports


@dataclass(frozen=True)
class KnownReport:
    """A report whose every table cell is known: the expected output of the parser."""

    name: str
    generation: str  # of 表二; 表三's rows are those in ``cells`` (a hybrid keeps the single (六) row)
    year: int
    cells: dict[CellKey, Value]

    @property
    def title(self) -> str:
        return f"{AGENCY}{self.year}年政府信息公开工作年度报告"

    @property
    def has_blanks(self) -> bool:
        return any(value is None for value in self.cells.values())

    def has(self, table: str) -> bool:
        return any(key[0] == table for key in self.cells)

    def application_rows(self) -> tuple[str, ...]:
        return tuple(code for code, _, _ in APPLICATION_ROWS if ("applications", code, "total") in self.cells)


def known_reports() -> list[KnownReport]:
    """The truth-derived reports, then generated ones of both generations, with and without blank cells."""
    generated = [generated_report(seed, generation, blanks) for seed, (generation, blanks)
                 in enumerate(itertools.product(GENERATIONS, (False, True)), start=1)]
    return [*truth_reports(), *generated]


def truth_reports() -> list[KnownReport]:
    """One known report per truth file that gives some table complete, holding only its complete tables."""
    reports = []
    for path in sorted(p for folder in TRUTH_DIRS for p in folder.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        cells = _complete_tables(expected_cells(truth))
        if cells:
            reports.append(KnownReport(f"{path.parent.parent.name}/{path.stem[:3]}", _generation(cells),
                                       truth["report_year"], cells))
    return reports


def _complete_tables(cells: dict[CellKey, object]) -> dict[CellKey, Value]:
    complete: dict[CellKey, Value] = {}
    for table in TABLES:
        found = {key: value for key, value in cells.items() if key[0] == table}
        if MISSING not in found.values() and any(set(found) == template_keys(table, g) for g in GENERATIONS):
            complete |= {key: _definite(value) for key, value in found.items()}
    return complete


def _definite(value: object) -> Value:
    assert value is None or isinstance(value, int | float), value
    return value


def _generation(cells: dict[CellKey, Value]) -> str:
    for generation in GENERATIONS:
        if template_keys("active_disclosure", generation) <= set(cells):
            return generation
    return "2021" if ("applications", "other_misc", "total") in cells else "2019"


def generated_report(seed: int, generation: str, blanks: bool = False) -> KnownReport:
    """Random non-negative values that keep every template identity; ``blanks``: some zeros left blank."""
    rng = random.Random(seed)
    cells = {**_disclosure_values(rng, generation), **_application_values(rng, generation), **_review_values(rng)}
    if blanks:
        cells = {key: None if value == 0 and rng.random() < 0.3 else value for key, value in cells.items()}
    name = f"generated/{generation}-{seed}{'-blanks' if blanks else ''}"
    return KnownReport(name, generation, 2020 if generation == "2019" else 2023, cells)


def _disclosure_values(rng: random.Random, generation: str) -> dict[CellKey, Value]:
    return {("active_disclosure", item, measure): _amount(rng) if measure in MONEY else _count(rng)
            for block in BLOCKS[generation] for item, _ in block.items for measure, _ in block.measures}


def _application_values(rng: random.Random, generation: str) -> dict[CellKey, Value]:
    rows = APPLICATION_ROWS_OF[generation]
    results = [row for row in rows if row not in OUTSIDE_RESULTS and row != "handled_total"]
    columns: dict[str, dict[str, int]] = {}
    for column in PERSONS:
        values = columns[column] = {row: _small(rng) for row in results}
        values["handled_total"] = sum(values.values())
        values["carried_forward"] = _small(rng)
        out = values["handled_total"] + values["carried_forward"]
        values["carried_over"] = rng.randint(0, out)
        values["new_received"] = out - values["carried_over"]
    columns["total"] = {row: sum(columns[column][row] for column in PERSONS) for row in rows}
    return {("applications", row, column): values[row] for column, values in columns.items() for row in rows}


def _review_values(rng: random.Random) -> dict[CellKey, Value]:
    cells: dict[CellKey, Value] = {}
    for proceeding in PROCEEDING_CODES:
        outcomes = {outcome: _small(rng) for outcome, _ in OUTCOMES[:4]}
        outcomes["total"] = sum(outcomes.values())
        cells |= {("review_litigation", proceeding, outcome): value for outcome, value in outcomes.items()}
    return cells


def _count(rng: random.Random) -> int:
    roll = rng.random()
    return 0 if roll < 0.5 else rng.randint(1, 30) if roll < 0.85 else rng.randint(100, 99999)


def _small(rng: random.Random) -> int:
    roll = rng.random()
    return 0 if roll < 0.55 else rng.randint(1, 12) if roll < 0.95 else rng.randint(100, 2000)


def _amount(rng: random.Random) -> float:
    return 0.0 if rng.random() < 0.3 else round(rng.uniform(0.01, 50000), 2)


def _number(value: Value) -> float:
    return 0.0 if value is None else float(value)


def broken_identities(cells: dict[CellKey, Value]) -> list[str]:
    """The template identities the cells break (a blank counts as 0): 总计 = the six applicant columns,
    (七) = the sum of (一)…(六), 一+二 = (七)+四 per column, each 表四 group's 总计 = its four outcomes."""
    return [name for name, left, right in _identities(cells) if not math.isclose(left, right, abs_tol=1e-6)]


def _identities(cells: dict[CellKey, Value]) -> Iterator[tuple[str, float, float]]:
    def value(table: str, row: str, column: str) -> float:
        return _number(cells.get((table, row, column)))

    rows = [code for code, _, _ in APPLICATION_ROWS if ("applications", code, "total") in cells]
    results = [row for row in rows if row not in OUTSIDE_RESULTS and row != "handled_total"]
    for row in rows:
        yield f"{row} 总计", value("applications", row, "total"), sum(value("applications", row, c) for c in PERSONS)
    for column in APPLICANT_CODES if rows else ():
        yield (f"(七)总计 {column}", value("applications", "handled_total", column),
               sum(value("applications", row, column) for row in results))
        yield (f"一+二=(七)+四 {column}",
               value("applications", "new_received", column) + value("applications", "carried_over", column),
               value("applications", "handled_total", column) + value("applications", "carried_forward", column))
    for proceeding in PROCEEDING_CODES:
        if ("review_litigation", proceeding, "total") in cells:
            yield (f"{proceeding} 总计", value("review_litigation", proceeding, "total"),
                   sum(value("review_litigation", proceeding, o) for o, _ in OUTCOMES[:4]))


# ------------------------------------------------------------------------------------ marks and value texts

_MARK = re.compile("\x00([^\x01]*)\x01([^\x02]*)\x02")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
FULL_WIDTH_PUNCTUATION = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "："})


def mark(key: CellKey, text: str) -> str:
    return f"\x00{'/'.join(key)}\x01{text}\x02"


def unmark(text: str) -> str:
    return _MARK.sub(r"\2", text)


def marks(text: str) -> list[re.Match[str]]:
    return list(_MARK.finditer(text))


def key_of(found: re.Match[str]) -> CellKey:
    table, row, column = found[1].split("/")
    return table, row, column


def number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def plain(key: CellKey, value: Value) -> str:
    return "" if value is None else number_text(value)


def _html_form(key: CellKey, value: Value) -> str:
    return "&nbsp;" if value is None else number_text(value)


def _plain_form() -> Form:
    return plain


def _nbsp_form() -> Form:
    """Some values NBSP-prefixed (seed 002), some space-prefixed (wild 018)."""
    turns = itertools.count()

    def form(key: CellKey, value: Value) -> str:
        turn = next(turns)
        return ("\xa0" if turn % 3 == 0 else "  " if turn % 5 == 0 else "") + plain(key, value)
    return form


def _value_forms() -> Form:
    """Full-width digits, thousands separators, 件 in count cells, 无 for some zeros, — for blanks."""
    turns = itertools.count()

    def form(key: CellKey, value: Value) -> str:
        if value is None:
            return "—"
        turn = next(turns) % 3
        if value == 0:
            return ("无", "0", "０")[turn]
        text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
        if turn == 0:
            return text.translate(FULL_WIDTH_DIGITS)
        return text + "件" if turn == 1 and key[2] not in MONEY else text
    return form


# ------------------------------------------------------------------------------------ tables as grids


@dataclass(frozen=True)
class Cell:
    """A table cell as an HTML table holds it; ``key`` names the template cell a value cell holds."""

    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    key: CellKey | None = None

    @property
    def marked(self) -> str:
        return self.text if self.key is None else mark(self.key, self.text)


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Grid:
    """A table: its width in columns, its rows (cells as in each ``<tr>``) and how many are header rows."""

    width: int
    rows: tuple[Row, ...]
    header_rows: int = 0


def _value_cell(report: KnownReport, key: CellKey, form: Form) -> Cell:
    return Cell(form(key, report.cells[key]), key=key)


def disclosure_grid(report: KnownReport, form: Form) -> Grid:
    """表二 as one table: per block a title row, a header row and its item rows."""
    rows: list[Row] = []
    for block in BLOCKS[report.generation]:
        rows.append((Cell(f"第二十条第({block.number})项", colspan=DISCLOSURE_WIDTH),))
        rows.append((Cell("信息内容"), *_merge_last([Cell(label) for _, label in block.measures])))
        for item, label in block.items:
            values = [_value_cell(report, ("active_disclosure", item, m), form) for m, _ in block.measures]
            rows.append((Cell(label), *_merge_last(values)))
    return Grid(DISCLOSURE_WIDTH, tuple(rows))


def _merge_last(cells: list[Cell]) -> list[Cell]:
    """A block's cells after the label, the last widened to the table's width (as the template merges it)."""
    return [*cells[:-1], replace(cells[-1], colspan=DISCLOSURE_WIDTH - len(cells))]


def applications_grid(report: KnownReport, form: Form, order: tuple[str, ...] = APPLICANT_CODES,
                      rows: tuple[str, ...] | None = None) -> Grid:
    """表三 (or the given rows of it) with its two-level header, applicant columns in ``order``."""
    rows = report.application_rows() if rows is None else rows
    header = _application_header(order)
    body = tuple(_application_row(report, form, order, rows, row) for row in rows)
    return Grid(3 + len(order), (*header, *body), len(header))


def _application_header(order: tuple[str, ...]) -> tuple[Row, ...]:
    names = dict(APPLICANTS)
    middle: list[Cell] = []
    for is_organisation, group in itertools.groupby(order, key=ORGANISATIONS.__contains__):
        codes = list(group)
        middle += [Cell("法人或其他组织", colspan=len(codes))] if is_organisation else \
            [Cell(names[code], rowspan=2) for code in codes]
    return ((Cell(NOTE, colspan=3, rowspan=3), Cell("申请人情况", colspan=len(order))), tuple(middle),
            tuple(Cell(names[code]) for code in order if code in ORGANISATIONS))


def row_labels(rows: tuple[str, ...], row: str) -> list[str]:
    """The label cells a 表三 row prints: the group labels it opens (rowspan cells), then its own."""
    group, label = _ROW_LABELS[row]
    results = [r for r in rows if r not in OUTSIDE_RESULTS]
    opened = [RESULTS] if results and row == results[0] else []
    members = [r for r in rows if group and _ROW_LABELS[r][0] == group]
    return opened + ([group] if members and row == members[0] else []) + [label]


def _application_row(report: KnownReport, form: Form, order: tuple[str, ...], rows: tuple[str, ...],
                     row: str) -> Row:
    group = _ROW_LABELS[row][0]
    results = [r for r in rows if r not in OUTSIDE_RESULTS]
    spans = {RESULTS: len(results), group: sum(1 for r in rows if _ROW_LABELS[r][0] == group)}
    *groups, label = row_labels(rows, row)
    width = 3 if row in OUTSIDE_RESULTS else 1 if group else 2
    return (*(Cell(text, rowspan=spans[text]) for text in groups), Cell(label, colspan=width),
            *(_value_cell(report, ("applications", row, column), form) for column in order))


def review_grid(report: KnownReport, form: Form, proceedings: tuple[str, ...] = PROCEEDING_CODES) -> Grid:
    """表四 (or the given proceedings of it): 行政复议 | 行政诉讼 over its two kinds, five outcomes each."""
    names = dict(PROCEEDINGS)
    review = [p for p in proceedings if p == "administrative_review"]
    lawsuits = [p for p in proceedings if p != "administrative_review"]
    depth = 2 if lawsuits else 1
    top = [Cell("行政复议", colspan=5)] * len(review) + \
        ([Cell("行政诉讼", colspan=5 * len(lawsuits))] if lawsuits else [])
    second = [Cell(label, rowspan=depth) for _ in review for _, label in OUTCOMES] + \
        [Cell(names[p], colspan=5) for p in lawsuits]
    header = [tuple(top), tuple(second)] + ([tuple(Cell(label) for _ in lawsuits for _, label in OUTCOMES)]
                                            if lawsuits else [])
    values = tuple(_value_cell(report, ("review_litigation", p, o), form) for p in proceedings for o, _ in OUTCOMES)
    return Grid(5 * len(proceedings), (*header, values), len(header))


def table_grids(report: KnownReport, table: str, form: Form, order: tuple[str, ...] = APPLICANT_CODES) -> list[Grid]:
    if table == "active_disclosure":
        return [disclosure_grid(report, form)]
    if table == "applications":
        return [applications_grid(report, form, order)]
    return [review_grid(report, form)]


def split_grids(report: KnownReport, table: str, form: Form) -> list[Grid]:
    """表三 cut before (四)无法提供 and 表四 cut between 行政复议 and 行政诉讼, each part with its header."""
    if table == "applications":
        rows = report.application_rows()
        cut = rows.index("unavailable_not_held")
        return [applications_grid(report, form, rows=rows[:cut]), applications_grid(report, form, rows=rows[cut:])]
    if table == "review_litigation":
        return [review_grid(report, form, PROCEEDING_CODES[:1]), review_grid(report, form, PROCEEDING_CODES[1:])]
    return table_grids(report, table, form)


# ------------------------------------------------------------------------------------ writing a report

TableLines = Callable[[KnownReport, str, Form], list[str]]
TextLines = Callable[[str], list[str]]
Grids = Callable[[KnownReport, str, Form], list[Grid]]
RowLines = Callable[[Grid, Row], list[str]]


def _line(text: str) -> list[str]:
    return [text]


@dataclass(frozen=True)
class Style:
    """How a family writes each part of a report: title, section headings, prose and tables."""

    table: TableLines
    form: Callable[[], Form] = _plain_form
    title: TextLines = _line
    heading: TextLines = _line
    prose: TextLines = _line

    def lines(self, report: KnownReport) -> list[str]:
        form = self.form()
        writers = {"title": self.title, "heading": self.heading, "prose": self.prose}
        lines: list[str] = []
        for kind, text in _outline(report):
            lines += self.table(report, text, form) if kind == "table" else writers[kind](text)
        return lines

    def render(self, report: KnownReport) -> str:
        return "\n".join(self.lines(report)) + "\n"


def _outline(report: KnownReport) -> Iterator[tuple[str, str]]:
    """(kind, text) of every part in order; a table part's text is the table's name."""
    yield "title", report.title
    for heading, prose, table in SECTIONS:
        yield "heading", heading
        yield "prose", prose.format(year=report.year)
        if table is not None and report.has(table):
            yield "table", table


def flat(row_lines: RowLines, grids: Grids = table_grids, between: tuple[str, ...] = ()) -> TableLines:
    """A table written row by row from its grids; ``between`` goes between the parts of a split table."""
    def lines(report: KnownReport, table: str, form: Form) -> list[str]:
        out: list[str] = []
        for number, grid in enumerate(grids(report, table, form)):
            out += list(between) if number else []
            out += [line for row in grid.rows for line in row_lines(grid, row)]
        return out
    return lines


def pipe_row(grid: Grid, row: Row) -> list[str]:
    """``| a | b | c | ||``: outer pipes, empty padding cells up to the table's width (wild 001, 006, 020)."""
    return [("| " + " | ".join(cell.marked for cell in row) + " | " + "|" * (grid.width - len(row))).rstrip()]


def pipe_cell_lines(grid: Grid, row: Row) -> list[str]:
    """One cell per line ending ' |', a bare '|' for an empty cell, a '||…' line of padding (wild 003)."""
    pad = grid.width - len(row)
    return [f"{cell.marked} |" if cell.text else f"{cell.marked}|" for cell in row] + (["|" * pad] if pad else [])


def opening_pipe_lines(grid: Grid, row: Row) -> list[str]:
    """As ``pipe_cell_lines``, each row opened by a bare '|' line (wild 021)."""
    return ["|", *pipe_cell_lines(grid, row)]


def blank_line_cells(grid: Grid, row: Row) -> list[str]:
    """One cell per line, a blank line after each (seed 002, wild 007, 018)."""
    return [line for cell in row if cell.text for line in (cell.marked, "")]


def tab_row(grid: Grid, row: Row) -> list[str]:
    return ["\t".join(cell.marked for cell in row)]


def _with_blank_line(text: str) -> list[str]:
    return [text, ""]


def _bold(text: str) -> list[str]:
    return [f"**{text}**"]


# markdown: '#'/'##' headings, one table per 表二 block, generic 数据N column headers

def _markdown_row(texts: list[str]) -> str:
    return "| " + " | ".join(texts) + " |"


def _markdown_table_of(first: list[str], columns: int, rows: list[list[str]]) -> list[str]:
    header = first + [f"数据{n}" for n in range(1, columns + 1)]
    return [_markdown_row(header), _markdown_row(["---"] * len(header)), *(_markdown_row(r) for r in rows), ""]


def markdown_table(report: KnownReport, table: str, form: Form) -> list[str]:
    def value(key: CellKey) -> str:
        return mark(key, form(key, report.cells[key]))

    if table == "active_disclosure":
        return [line for block in BLOCKS[report.generation] for line in (
            f"### 第二十条第({block.number})项", "",
            *_markdown_table_of(["信息内容"], len(block.measures), [
                [label, *(value(("active_disclosure", item, m)) for m, _ in block.measures)]
                for item, label in block.items]))]
    if table == "applications":
        rows = report.application_rows()
        return _markdown_table_of(["项目"], len(APPLICANT_CODES), [
            [" ".join(row_labels(rows, row)), *(value(("applications", row, c)) for c in APPLICANT_CODES)]
            for row in rows])
    return _markdown_table_of([], 15, [[value(("review_litigation", p, o)) for p in PROCEEDING_CODES
                                        for o, _ in OUTCOMES]])


MARKDOWN = Style(markdown_table, title=lambda text: [f"# {text}", ""], heading=lambda text: ["", f"## {text}", ""],
                 prose=_with_blank_line)


# html: a page with <table>s, rowspan group labels, colspan headers, &nbsp; in blank cells (devset 020)

def _html_cell(cell: Cell) -> str:
    spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + \
        (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
    text = cell.marked if cell.key else html.escape(cell.text.translate(FULL_WIDTH_PUNCTUATION))
    return f"<td{spans}><p>{text}</p></td>"


def html_table(report: KnownReport, table: str, form: Form) -> list[str]:
    out = []
    for grid in table_grids(report, table, form):
        out += ['<table border="1" cellspacing="0" cellpadding="2">', "<tbody>"]
        for row in grid.rows:
            out += ["<tr>", *(_html_cell(cell) for cell in row), "</tr>"]
        out += ["</tbody>", "</table>"]
    return out


def _paragraph(text: str) -> list[str]:
    return [f"<p>{html.escape(text.translate(FULL_WIDTH_PUNCTUATION))}</p>"]


def html_page(report: KnownReport) -> str:
    body = Style(html_table, lambda: _html_form, lambda text: [f"<h1>{html.escape(text)}</h1>"], _paragraph,
                 _paragraph).lines(report)
    head = ["<!DOCTYPE html>", "<html>", "<head>", '<meta charset="utf-8">', f"<title>{report.title}</title>",
            "</head>", "<body>", '<div class="article">']
    return "\n".join([*head, *body, "</div>", "</body>", "</html>"]) + "\n"


# pdf_text: what `pdftotext -layout` gives (devset 002)

_PDF_WRAP = 16
_PDF_FOOTER = " " * 30 + "— 5 —"


def _pdf_row(row: Row) -> list[str]:
    """Labels then values, space-separated; a long label wraps, its end on the next line with the values."""
    labels = [cell.text.translate(FULL_WIDTH_PUNCTUATION) for cell in row if cell.key is None]
    values = "".join("     " + cell.marked for cell in row if cell.key is not None)
    indent = " " * (0 if values else 14)
    head = "    ".join(labels)
    if len(labels) == 1 and len(head) > _PDF_WRAP:
        return [indent + head[:_PDF_WRAP], indent + head[_PDF_WRAP:] + values]
    return [indent + head + values]


def _pdf_group(text: str) -> str:
    """A rowspan label as it comes out of a PDF: alone, beside the middle of its rows (三 spaced out)."""
    return " " + (" ".join(text) if text == RESULTS else "    " + text.translate(FULL_WIDTH_PUNCTUATION))


def pdf_table(report: KnownReport, table: str, form: Form) -> list[str]:
    """Rows as lines; group labels float to the middle of their rows; 表三 breaks a page halfway: a
    footer, a form feed and its header printed again."""
    grid = table_grids(report, table, form)[0]
    header = [line for row in grid.rows[:grid.header_rows] for line in _pdf_row(row)]
    body = grid.rows[grid.header_rows:]
    page_break = len(body) // 2 if table == "applications" else -1
    floating: dict[int, list[str]] = {}
    out = list(header)
    for index, row in enumerate(body):
        for cell in row:
            if cell.rowspan > 1:
                floating.setdefault(index + (cell.rowspan - 1) // 2, []).append(_pdf_group(cell.text))
        out += _pdf_row(tuple(cell for cell in row if cell.rowspan == 1)) + floating.pop(index, [])
        if index == page_break:
            out += ["", _PDF_FOOTER, "\f" + header[0], *header[1:]]
    return out


def _pdf_text(text: str) -> list[str]:
    return ["     " + text.translate(FULL_WIDTH_PUNCTUATION)]


PDF_TEXT = Style(pdf_table, title=lambda text: [" " * 10 + text], heading=_pdf_text, prose=_pdf_text)


# crawler_one_line: page metadata, then the whole body on one line (devset 010)

def crawler(glued: bool) -> Callable[[KnownReport], str]:
    """Cells space-separated, or (``glued``) run together as in `规章000`."""
    def table(report: KnownReport, name: str, form: Form) -> list[str]:
        cells = [cell.marked for grid in table_grids(report, name, form) for row in grid.rows for cell in row
                 if cell.text]
        return [("" if glued else " ").join(cells)]

    def render(report: KnownReport) -> str:
        meta = [f"标题: {report.title}", f"发布时间: {report.year + 1}-01-20 09:30", "=" * 20 + " 正文 " + "=" * 20]
        return "\n".join([*meta, " ".join(Style(table).lines(report))]) + "\n"
    return render


# two_rows_per_line: `规章 0 0 0 规范性文件 1 2 3`

def paired_rows(report: KnownReport, table: str, form: Form) -> list[str]:
    out: list[str] = []
    pending: list[str] = []
    for grid in table_grids(report, table, form):
        for row in grid.rows:
            text = " ".join(cell.marked for cell in row if cell.text)
            if any(cell.key for cell in row):
                pending.append(text)
                continue
            out += _pairs(pending) + [text]
            pending = []
    return out + _pairs(pending)


def _pairs(lines: list[str]) -> list[str]:
    return [" ".join(lines[start:start + 2]) for start in range(0, len(lines), 2)]


# ------------------------------------------------------------------------------------ the families


def run_together_certain(report: KnownReport, key: CellKey) -> bool:
    """Whether cells run together still place a cell: its printed row is N zeros or a single value."""
    row = [value for other, value in report.cells.items() if _printed_row(other) == _printed_row(key)]
    return len(row) == 1 or all(value == 0 for value in row)


_SUB_ROWS_OF_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")
_ITEMS_OF_2019 = ("other_external_services", "centralized_procurement")


def generation_proven(report: KnownReport, key: CellKey) -> bool:
    """Whether a 表二 cell under headers that name no measure (数据1 …) can be placed: only when the printed
    rows prove the generation — a 2019-only item, or 表三's 2021-only (六) sub-rows (the hybrid 2021 表二 with
    2019's single (六) row proves nothing)."""
    if key[0] != "active_disclosure":
        return True
    items = {other[1] for other in report.cells if other[0] == "active_disclosure"}
    rows = {other[1] for other in report.cells if other[0] == "applications"}
    return bool(items & set(_ITEMS_OF_2019)) or (report.generation == "2021" and bool(rows & set(_SUB_ROWS_OF_2021)))


def _printed_row(key: CellKey) -> tuple[str, ...]:
    return key[:1] if key[0] == "review_litigation" else key[:2]


@dataclass(frozen=True)
class Family:
    """A layout real reports come in: how it writes a known report, and what it can say."""

    name: str
    suffix: str
    render: Callable[[KnownReport], str] = field(repr=False)  # the marked text
    prints_blanks: bool = True  # whether a blank cell can be told from an absent one
    glued: bool = False  # cells run together: only rows of N zeros and single-value rows are certain
    generic_headers: bool = False  # headers name no measure: 表二 is certain only where the rows prove its template

    def accepts(self, report: KnownReport) -> bool:
        return self.prints_blanks or not report.has_blanks

    def certain(self, report: KnownReport, key: CellKey) -> bool:
        return (not self.glued or run_together_certain(report, key)) and (
            not self.generic_headers or generation_proven(report, key))

    def document(self, report: KnownReport, marked: str | None = None) -> tuple[str, bytes]:
        """(file name, bytes) of the report in this layout, or of ``marked`` text (a perturbed rendering)."""
        text = self.render(report) if marked is None else marked
        return f"{self.name.replace('/', '-')}_{report.name.replace('/', '-')}{self.suffix}", \
            unmark(text).encode("utf-8")


def _flat_style(row_lines: RowLines, **style: Callable) -> Callable[[KnownReport], str]:
    return Style(flat(row_lines), **style).render


FAMILIES = {family.name: family for family in (
    Family("markdown", ".md", MARKDOWN.render, generic_headers=True),
    Family("pipe_cell_per_line", ".txt", _flat_style(pipe_cell_lines)),
    Family("pipe_cell_per_line/opening_pipe", ".txt", _flat_style(opening_pipe_lines), prints_blanks=False),
    Family("blank_line_cells", ".txt", _flat_style(blank_line_cells, form=_nbsp_form, title=_with_blank_line,
                                                   heading=_with_blank_line, prose=_with_blank_line),
           prints_blanks=False),
    Family("pipe_rows_outer", ".txt", _flat_style(pipe_row)),
    Family("html", ".html", html_page),
    Family("pdf_text", ".txt", PDF_TEXT.render, prints_blanks=False),
    Family("crawler_one_line", ".txt", crawler(glued=False), prints_blanks=False),
    Family("crawler_one_line/run_together", ".txt", crawler(glued=True), prints_blanks=False, glued=True),
    Family("reordered_columns/total_first", ".txt",
           Style(flat(pipe_row, partial(table_grids, order=TOTAL_FIRST))).render),
    Family("reordered_columns/research_first", ".txt",
           Style(flat(pipe_row, partial(table_grids, order=RESEARCH_FIRST))).render),
    Family("two_rows_per_line", ".txt", Style(paired_rows).render, prints_blanks=False),
    Family("value_forms", ".txt", _flat_style(pipe_row, form=_value_forms)),
    Family("bold_tabs", ".txt", _flat_style(tab_row, title=_bold, heading=_bold)),
    Family("split_tables", ".txt", Style(flat(pipe_row, split_grids, ("续表",))).render),
)}


# ------------------------------------------------------------------------------------ perturbations
# Each takes the family, the known report and its marked text, and returns marked text.

Perturbation = Callable[[Family, KnownReport, str, random.Random], str]


def extra_blank_lines(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(3):
        lines.insert(rng.randint(1, len(lines) - 1), "")
    return "\n".join(lines)


def page_footer(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    """A page footer line (`— 3 —`); in a page, a paragraph between paragraphs or tables."""
    lines = text.split("\n")
    footer = f"— {rng.randint(1, 9)} —"
    if family.suffix == ".html":
        slots = [n for n, line in enumerate(lines) if line.startswith(("<p>", "<table"))]
        lines.insert(rng.choice(slots), f"<p>{footer}</p>")
    else:
        lines.insert(rng.randint(1, len(lines) - 1), footer)
    return "\n".join(lines)


def nbsp_before_value(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    """A no-break space before a value (where cells run together, only before a row's first value)."""
    found = [m for m in marks(text) if m[2].strip()]
    if family.glued:
        firsts: dict[tuple[str, ...], re.Match[str]] = {}
        for m in found:
            firsts.setdefault(_printed_row(key_of(m)), m)
        found = list(firsts.values())
    chosen = rng.choice(found)
    space = "&nbsp;" if family.suffix == ".html" else "\xa0"
    return text[:chosen.start()] + mark(key_of(chosen), space + chosen[2]) + text[chosen.end():]


def spacing(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    """Spaces added: before a line, after a line, or beside a space already there."""
    lines = text.split("\n")
    for number in rng.sample(range(len(lines)), 3):
        lines[number] = rng.choice(("  {}", "{}  ", "{}")).format(lines[number])
        spaces = [n for n, char in enumerate(lines[number]) if char == " "]
        if spaces and rng.random() < 0.5:
            at = rng.choice(spaces)
            lines[number] = lines[number][:at] + " " + lines[number][at:]
    return "\n".join(lines)


def drop_value_line(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    del lines[rng.choice([n for n, line in enumerate(lines) if marks(line)])]
    return "\n".join(lines)


def swap_values(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    """Two value cells of one table swapped, where the swap breaks an identity of that table. Other swaps
    write another valid report that nothing could tell from the known one: any swap in 表二 (it has no
    identities), or two outcomes of one 表四 group."""
    found = [m for m in marks(text) if key_of(m)[0] != "active_disclosure"]
    for _ in range(100):
        chosen = rng.choice(found)
        same_table = [m for m in found if key_of(m)[0] == key_of(chosen)[0] and m is not chosen]
        first, second = sorted((chosen, rng.choice(same_table)), key=lambda m: m.start())
        a, b = key_of(first), key_of(second)
        if report.cells[a] != report.cells[b] and \
                broken_identities(report.cells | {a: report.cells[b], b: report.cells[a]}):
            return (text[:first.start()] + mark(a, second[2]) + text[first.end():second.start()] + mark(b, first[2])
                    + text[second.end():])
    return text


def duplicate_line(family: Family, report: KnownReport, text: str, rng: random.Random) -> str:
    """A line of the tables (from the first value line to the last) printed twice."""
    lines = text.split("\n")
    valued = [n for n, line in enumerate(lines) if marks(line)]
    at = rng.randint(valued[0], valued[-1])
    lines.insert(at, lines[at])
    return "\n".join(lines)


BENIGN: dict[str, Perturbation] = {"extra_blank_lines": extra_blank_lines, "page_footer": page_footer,
                                   "nbsp_before_value": nbsp_before_value, "spacing": spacing}
DESTRUCTIVE: dict[str, Perturbation] = {"drop_value_line": drop_value_line, "swap_values": swap_values,
                                        "duplicate_line": duplicate_line}
