"""The table reader: the cell grid → rows as found → placed fact cells.

Belongs here: the one reader for 表二, 表三 and 表四 in every layout. Layouts differ only in how the
front ends (grid.py, html.py) turn a file into cells; everything here is driven by the template catalog.

The placement rule is the product's promise: a row's values are placed only when their count equals
the template's column count (trailing padding blanks aside), in the columns its headers name (headers.py),
and nothing in the layout contradicts them. A row of digits run together is placed as ``inferred`` only
when the template's arithmetic leaves one cut (inference.py). Otherwise every cell of the row is
``missing`` and a ``missing_cells`` issue lists the raw values, so nothing is guessed and nothing lost.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from schemas.catalog import (
    APPLICANTS,
    APPLICATION_ROW_GROUPS,
    APPLICATION_ROWS_BY_GENERATION,
    BLOCK_OF_ITEM,
    GENERATION_MARKERS,
    ITEMS,
    MONEY_MEASURES,
    REVIEW_HEADER_KEYS,
    UNIT_CODES,
    codes,
)

from .grid import MAX_ITEM_LABEL, MAX_ROW_LABEL, Cell, application_row, item_of
from .headers import APPLICANT_CODES, REVIEW_CODES, Columns, columns_from_header, part_columns
from .inference import PLACED_IDENTITIES, consistent_splits, identity_of
from .issues import Issue
from .text import compact
from .values import parse_cell

_BLOCK = re.compile(r"第二十条第\(([一二三四五六七八九十]+)\)项")
_UNIT_IN_HEADER = re.compile(r"\((?:单位:)?(万元|元)\)")
_MAX_HEADER = 40  # a 表四 header line of PDF text holds several header words
_ENUMERATED = re.compile(r"^(?:\d{1,2}[.、]|\([一二三四五六七八九十]\)|[一二三四五六七八九十]、)")


@dataclass(init=False)  # an explicit __init__ is compiled by mypyc, a generated one is not: ≈ 30 per report
class FoundRow:
    """A table row as found in the text, before placement."""

    table: str
    row: str
    label: str
    line: int
    values: list[Cell]
    columns: tuple[str, ...] | None
    units: dict[str, str]
    label_in_doubt: bool
    note: Issue | None  # how its table's columns were decided, said once per table (on its first row)
    columns_known: bool  # False: the headers contradict the template and cannot be mapped: nothing is placed
    extra: int  # values after the row was full, before any label, in its run or one a line: its cells in doubt

    def __init__(self, table: str, row: str, label: str, line: int, values: list[Cell] | None = None,
                 columns: tuple[str, ...] | None = None, units: dict[str, str] | None = None,
                 label_in_doubt: bool = False, note: Issue | None = None, columns_known: bool = True) -> None:
        self.table, self.row, self.label, self.line = table, row, label, line
        self.values = [] if values is None else values
        self.columns = columns
        self.units = {} if units is None else units
        self.label_in_doubt = label_in_doubt
        self.note = note
        self.columns_known = columns_known
        self.extra = 0



class Fact(NamedTuple):
    """One placed (or explicitly unplaced) template cell (a tuple: made ≈ 180 times per report)."""

    table: str
    row: str
    column: str
    value: float | None
    cell_status: str
    raw: str | None
    source_line: int | None
    unit: str | None = None
    slot: int = 0  # the cell's place among the cells of its line (its box in a PDF: ParsedReport.box)


# ``Fact(...)`` runs the NamedTuple's Python-level ``__new__``; the tuple's own constructor
# makes the same object faster (≈ 800 per report; benchmarks/RESULTS.md).
_new_tuple = tuple.__new__


# ------------------------------------------------------------------------------------ read rows

def read_applications(cells: list[Cell]) -> list[FoundRow]:
    """表三: a row starts at a label the catalog knows and takes the value cells that follow."""
    rows: list[FoundRow] = []
    orphans: list[Cell] = []
    current: FoundRow | None = None
    header: list[Cell] = []
    columns = Columns(APPLICANT_CODES, True, None)
    for cell in cells:
        if cell.is_value:
            _take(current, cell, orphans)
            continue
        label = compact(cell.text)
        code = application_row(label) if len(label) <= MAX_ROW_LABEL else None
        if code is not None:
            if not rows:
                columns = columns_from_header("applications", header, cell.line)
            current = FoundRow("applications", code, cell.text, cell.line, columns=columns.codes,
                               label_in_doubt=_last_is_empty(rows), note=None if rows else columns.note,
                               columns_known=columns.known)
            rows.append(current)
        elif not rows:
            header.append(cell)
        elif current is not None and _filled(current):
            current = None
        elif current is not None and not current.values and _ENUMERATED.match(label):
            current.label_in_doubt = True  # another row's label we could not read sits in between
    rows = [r for r in rows if r.values or r.row != "other_handling"]
    return _settle("applications", rows, orphans, cells)


def _take(row: FoundRow | None, cell: Cell, orphans: list[Cell]) -> None:
    """Give a value cell to the open row; a value with no row to take it is detached."""
    if row is not None and not _filled(row):
        row.values.append(cell)
    elif cell.text:
        orphans.append(cell)
        if row is not None and row.values and (row.values[0].run != row.values[-1].run
                                                or cell.run == row.values[-1].run):
            row.extra += 1  # the row's run goes on, or its cells came one a line and one more came


def _last_is_empty(rows: list[FoundRow]) -> bool:
    return bool(rows) and not rows[-1].values and rows[-1].row != "other_handling"


def _settle(table: str, rows: list[FoundRow], orphans: list[Cell], cells: list[Cell]) -> list[FoundRow]:
    """Detach the values of rows whose layout contradicts them; detached values form one extra row."""
    filled_per_run: dict[int, int] = {}  # a dict, not a Counter: its constructor runs interpreted
    for cell in cells:
        if cell.text and cell.is_value:
            filled_per_run[cell.run] = filled_per_run.get(cell.run, 0) + 1
    prose_lines = {c.line for c in cells if not c.is_value}
    detached = [c for c in orphans if c.line not in prose_lines]  # numbers inside prose are not cells
    for row in rows:
        if row.values and _layout_contradicts(row, filled_per_run):
            detached.extend(c for c in row.values if c.text)
            row.values = []
    if detached:
        detached.sort(key=lambda c: c.line)
        rows.append(FoundRow(table, DETACHED, "", detached[0].line, values=detached))
    return rows


def _layout_contradicts(row: FoundRow, filled_per_run: dict[int, int]) -> bool:
    """Values away from their label are uncertain when the layout says rows are runs of cells on a line.

    Contradictions: the values straddle several runs of which one holds several cells; the row takes
    part of a multi-cell run; or the label is in doubt (it follows a row label left empty, or an
    unreadable enumerated label stands between it and its values, as when PDF-to-Markdown conversions
    stack labels above detached value rows) and its values come as multi-cell runs not on its line.
    With one cell per line, reading order is trusted (a row left empty is a row whose blanks were
    dropped) as long as the cells come at an even pace: a cell line lost from the middle of a row makes
    it take the next row's padding, which shows as an uneven gap.
    """
    first = row.values[0].run
    if all(c.run == first for c in row.values):  # the common case: what the rules reduce to, only faster
        return _one_run_contradicts(row, row.values[0].line, first, filled_per_run)
    return _cells_contradict(row, filled_per_run)


def _one_run_contradicts(row: FoundRow, line: int, run: int, filled_per_run: dict[int, int]) -> bool:
    """``_cells_contradict`` for a row whose values are one run: no uneven gaps, no straddling; the row
    takes part of the run, or its label is in doubt and stands apart from a multi-cell run."""
    filled = sum(1 for c in row.values if c.text)
    in_run = filled_per_run.get(run, 0)
    return filled > 0 and ((row.label_in_doubt and line != row.line and in_run > 1) or filled < in_run)


def _cells_contradict(row: FoundRow, filled_per_run: dict[int, int]) -> bool:
    per_run: dict[int, int] = {}  # a dict, not a Counter: ≈ 15 rows per report, each a few cells
    inline = False
    for cell in row.values:
        if cell.text:
            per_run[cell.run] = per_run.get(cell.run, 0) + 1
            inline = inline or cell.line == row.line
    if _uneven_cell_lines(row):
        return True
    rows_are_runs = any(filled_per_run.get(run, 0) > 1 for run in per_run)
    if row.label_in_doubt and not inline and rows_are_runs:
        return True
    if len({c.run for c in row.values}) > 1 and any(n > 1 for n in per_run.values()):
        return True
    return any(n < filled_per_run.get(run, 0) for run, n in per_run.items() if filled_per_run.get(run, 0) > 1)


def _uneven_cell_lines(row: FoundRow) -> bool:
    """One cell per line, but not every cell the same number of lines after the one before (page footers
    between them aside)."""
    lines = [t.line for t in row.values]
    if len(lines) < 3 or len(set(lines)) < len(lines) or row.line in lines:
        return False
    paces = [t.pace for t in row.values]
    return len({b - a for a, b in zip(paces, paces[1:], strict=False)}) > 1


def read_review_litigation(cells: list[Cell]) -> list[FoundRow]:
    """表四: one row of 15 cells, after the last header word (行政复议 … 总计). A table printed twice
    gives one row per copy, so placement keeps the first and says whether the copies agree."""
    rows = [_review_row(copy) for copy in _review_copies(cells, len(REVIEW_CODES))]
    found = [row for row in rows if row is not None and row.values]
    return found or [row for row in rows[:1] if row is not None]


def _is_review_header(cell: Cell) -> bool:
    label = compact(cell.text)
    return not cell.is_value and (len(label) <= _MAX_HEADER or "结果维持" in label) and any(
        k in label for k in REVIEW_HEADER_KEYS)


def _review_copies(cells: list[Cell], width: int) -> list[list[Cell]]:
    """The cells split where a header word follows a full row of values: one list per copy of the table."""
    copies, start, values = [], 0, 0
    for index, cell in enumerate(cells):
        if _is_review_header(cell):
            if values >= width:
                copies.append(cells[start:index])
                start = index
            values = 0
        elif cell.is_value:
            values += 1
    return [*copies, cells[start:]]


def _review_row(cells: list[Cell]) -> FoundRow | None:
    parts = _review_parts(cells)
    if parts is not None:
        return parts
    last_header = max((i for i, cell in enumerate(cells) if _is_review_header(cell)), default=-1)
    if last_header < 0:
        return None
    header = [cell for cell in cells[:last_header + 1] if not cell.is_value]
    columns = columns_from_header("review_litigation", header, cells[last_header].line)
    row = FoundRow("review_litigation", "*", cells[last_header].text, cells[last_header].line, columns=columns.codes,
                   note=columns.note, columns_known=columns.known)
    for cell in cells[last_header + 1:]:
        if not cell.is_value:
            if _filled(row):
                break
            continue
        row.values.append(cell)
    return row


def _review_parts(cells: list[Cell]) -> FoundRow | None:
    """表四 printed as several tables, each a header naming its proceedings and one row of values
    (行政复议's five, then 行政诉讼's ten): one row of the parts' values in their columns, when every part's
    values fill exactly its columns. None when the cells are not such parts (one table, or parts that
    do not fill their columns: read as one table, which flags them)."""
    parts: list[tuple[list[Cell], list[Cell]]] = []
    header: list[Cell] = []
    values: list[Cell] = []
    for cell in cells:
        if cell.is_value:
            values.append(cell)
            continue
        if values:
            parts.append((header, values))
            header, values = [], []
        header.append(cell)
    if values:
        parts.append((header, values))
    parts = [(h, v) for h, v in parts if any(_is_review_header(c) for c in h)]
    if len(parts) < 2:
        return None
    columns: list[str] = []
    taken: list[Cell] = []
    for part_header, part_values in parts:
        part = part_columns(part_header)
        while part is not None and len(part_values) > len(part) and not part_values[-1].text:
            part_values = part_values[:-1]
        if part is None or len(part_values) != len(part):
            return None
        columns.extend(part)
        taken.extend(part_values)
    if sorted(columns) != sorted(REVIEW_CODES):
        return None
    first = parts[0][0][-1]
    return FoundRow("review_litigation", "*", first.text, first.line, values=taken, columns=tuple(columns))


def read_active_disclosure(cells: list[Cell]) -> list[FoundRow]:
    """表二: blocks 第二十条第(N)项, header cells that name the measures, then item rows."""
    table_generation = _generation(" ".join(t.text for t in cells if not t.is_value))
    rows: list[FoundRow] = []
    header: list[Cell] = []
    read: dict[tuple[str, ...] | None, Columns] = {}  # the block header's columns, per template measures
    current: FoundRow | None = None
    orphans: list[Cell] = []
    pending: list[Cell] = []  # values after a block's header, before any row label: a row whose label is lost
    for cell in cells:
        if cell.is_value:
            if current is None and header:
                pending.append(cell)
            else:
                _take(current, cell, orphans)
            continue
        label = compact(cell.text)
        if _BLOCK.search(label):
            header, current, read = [], None, {}
            orphans.extend(c for c in pending if c.text)
            pending = []
            continue
        item = item_of(label) if len(label) <= MAX_ITEM_LABEL else None
        if item is None:
            if current is not None and _filled(current):
                header, current, read = [], None, {}
            orphans.extend(c for c in pending if c.text)
            pending = []
            header.append(cell)
            continue
        header_text = compact("".join(c.text for c in header))
        generation = _generation(header_text) or table_generation
        template = BLOCK_OF_ITEM[item].measures.get(generation) if generation else None
        noted = bool(read)
        columns = read.get(template)
        if columns is None:
            columns = Columns(None, True, None) if template is None else columns_from_header(
                "active_disclosure", header, cell.line, template)
            read[template] = columns
        unlabeled = _unlabeled_row(pending, item, rows, header, columns) if any(c.text for c in pending) else None
        if unlabeled is not None:
            rows.append(unlabeled)
        else:
            orphans.extend(c for c in pending if c.text)
        pending = []
        current = FoundRow("active_disclosure", item, cell.text, cell.line, columns=columns.codes,
                           units=_header_units(header_text, columns.codes), label_in_doubt=_last_is_empty(rows),
                           note=None if noted else columns.note, columns_known=columns.known)
        rows.append(current)
    orphans.extend(c for c in pending if c.text)
    return _settle("active_disclosure", rows, orphans, cells)


def _unlabeled_row(values: list[Cell], item: str, rows: list[FoundRow], header: list[Cell],
                   columns: Columns) -> FoundRow | None:
    """Values between a block's header and its row ``item`` whose own label the text lost (a blank line where
    规章 should be): the row the template's fixed order puts there, when exactly one of the block's rows
    comes before ``item`` and it is not printed yet. None when the order leaves it open."""
    block = BLOCK_OF_ITEM[item].items
    seen = {r.row for r in rows if r.line >= header[0].line}
    before = [code for code in block[:block.index(item)] if code not in seen]
    if len(before) != 1 or columns.codes is None or len(values) != len(columns.codes):
        return None
    note = Issue("row_by_template_order", "info", f"active_disclosure: values at line {values[0].line} have no row "
                 f"label; placed as {before[0]}, the one row the template puts before {item} in its block",
                 table="active_disclosure", row=before[0])
    return FoundRow("active_disclosure", before[0], "", values[0].line, values=list(values), columns=columns.codes,
                    units=_header_units(compact("".join(c.text for c in header)), columns.codes),
                    note=note, columns_known=columns.known)


def settle_generation(rows: list[FoundRow]) -> None:
    """表二 rows whose headers name no measure (数据1, 数据2 …) take the measures of the generation the other
    rows prove, in template order, and say so: 2021 when 表三 has the (六) sub-rows only that template prints
    and 表二 no item only 2019 prints; 2019 when 表二 has such an item (其他对外管理服务事项, 政府集中采购).
    Nothing else decides it (a 2021 表二 is often printed with 2019's single (六) row)."""
    unknown = [r for r in rows if r.table == "active_disclosure" and r.columns is None and r.row != DETACHED]
    if not unknown:
        return
    items = {r.row for r in rows if r.table == "active_disclosure"}
    if items & _ITEMS_OF_2019:
        generation = "2019"
    elif any(r.table == "applications" and r.row in APPLICATION_ROW_GROUPS["other_sub"] for r in rows):
        generation = "2021"
    else:
        return
    for index, row in enumerate(unknown):
        row.columns = BLOCK_OF_ITEM[row.row].measures.get(generation)
        if index == 0:
            row.note = Issue("columns_by_template_order", "info", f"active_disclosure: the headers name no measure;"
                             f" the {generation} template's measures are taken in its order ({generation}: "
                             "proven by the rows the report prints)", table="active_disclosure")


_ITEMS_OF_2019 = frozenset(c.code for c in ITEMS if c.generations == ("2019",))


def _filled(row: FoundRow) -> bool:
    return row.columns is not None and len(row.values) >= len(row.columns)


DETACHED = "detached"


def _generation(header_text: str) -> str | None:
    """The template generation a block's header words belong to, if exactly one."""
    text = compact(header_text)
    found = [gen for gen, markers in GENERATION_MARKERS.items() if any(m in text for m in markers)]
    return found[0] if len(found) == 1 else None


def _header_units(header_text: str, measures: tuple[str, ...] | None) -> dict[str, str]:
    match = _UNIT_IN_HEADER.search(header_text)
    if match is None or not measures:
        return {}
    return {m: UNIT_CODES[match[1]] for m in measures if m in MONEY_MEASURES}


# ------------------------------------------------------------------------------------ place

def place_row(row: FoundRow) -> tuple[list[Fact], list[Issue]]:
    """Place a row's values in template order, or mark every cell missing and say why."""
    if row.row == DETACHED:
        raw = [t.text for t in row.values]
        return [], [Issue("missing_cells", "warning", f"{row.table}: values not attached to any row label "
                          f"(lines {row.values[0].line}-{row.values[-1].line}): {raw}", table=row.table,
                          row=DETACHED, found=str(len(raw)))]
    values = list(row.values)
    expected = len(row.columns) if row.columns is not None else None
    while expected is not None and len(values) > expected and not values[-1].text:
        values.pop()
    columns = row.columns or ()
    notes = [] if row.note is None else [row.note]
    if expected is not None and len(values) == 1 and values[0].joined:
        values = _apart(values[0], expected)
    if len(values) == expected and row.columns_known and not row.extra:
        return _facts(row, columns, values), notes
    candidates = joined_candidates(row, values)
    if candidates is not None and len(candidates) == 1 and identity_of(columns) in PLACED_IDENTITIES:
        return _inferred(row, columns, values[0], candidates[0]), [*notes, inferred_issue(row)]
    raw = [t.text for t in values]
    if row.columns is None:
        reason = "the template generation of its block is unknown"
    elif not row.columns_known:
        reason = "its headers name columns that cannot be matched to the template's"
    elif row.extra:
        reason = f"{row.extra} more value(s) follow its {expected} cells before the next label"
    elif candidates is not None:
        reason = (f"its digits ran together and cannot be split into {expected} cells with certainty; "
                  f"{len(candidates)} splits satisfy {identity_of(columns) or 'no identity'}"
                  + (f" ({', '.join(map(str, candidates[:3]))}{' …' if len(candidates) > 3 else ''})"
                     if candidates else ""))
    else:
        reason = f"{len(values)} values for {expected} cells"
    issue = Issue("missing_cells", "warning", f"{_where(row)}: {reason}; unplaced values {raw}",
                  table=row.table, row=row.row, expected=str(expected), found=str(len(values)))
    return [_new_tuple(Fact, (*key, None, "missing", None, row.line, None, 0))
            for key in _cell_keys(row.table, row.row, columns)], [*notes, issue]


def joined_candidates(row: FoundRow, values: list[Cell] | None = None) -> list[tuple[int, ...]] | None:
    """The cuts of a row given as one run of digits (its cells unknown) that satisfy its identity; None when
    the row is not such a row. ``values``: the row's values as placement trimmed them."""
    values = row.values if values is None else values
    if len(values) != 1 or not values[0].joined or not row.columns_known or row.extra or row.columns is None:
        return None
    return consistent_splits(values[0].text, row.columns)


def inferred_facts(row: FoundRow, split: tuple[int, ...]) -> list[Fact]:
    """The row's cells as ``split``, inferred (a row given as one run of digits)."""
    return _inferred(row, row.columns or (), row.values[0], split)


def _inferred(row: FoundRow, columns: tuple[str, ...], cell: Cell, split: tuple[int, ...]) -> list[Fact]:
    """The cells of the one split of a digit run that the row's identity allows, as ``inferred``."""
    return [_new_tuple(Fact, (table, row_code, column_code, float(value), "inferred", str(value), cell.line, None,
                                  cell.slot))
            for (table, row_code, column_code), value in zip(_cell_keys(row.table, row.row, columns), split,
                                                            strict=True)]


def inferred_issue(row: FoundRow) -> Issue:
    """What an inferred row says: which digits, which identity, and that a dropped blank would change it."""
    return Issue("inferred_cells", "warning", f"{_where(row)}: its digits '{row.values[0].text}' ran together; "
                 f"placed as the only split into {len(row.columns or ())} cells for which "
                 f"{identity_of(row.columns or ())} holds (cell_status inferred: a blank cell the text lost would "
                 "change it)", table=row.table, row=row.row, found=row.values[0].text)


def _apart(cell: Cell, expected: int) -> list[Cell]:
    """A row given as one run of digits a crawler ran together, as its cells where the text proves them:
    tokens that already match the cells one to one (spaces left between them), a run of exactly N zeros
    for N cells (a number never starts with 0, a blank would shorten the run), or a single-cell row.
    Otherwise the row is returned as it was, and stays unplaced."""
    tokens = cell.text.split()
    if len(tokens) == expected and all(parse_cell(t).status == "number" for t in tokens):
        return [cell._replace(text=t, joined=False) for t in tokens]
    if len(tokens) == 1 and len(cell.text) == expected and set(cell.text) == {"0"}:
        return [cell._replace(text="0", joined=False)] * expected
    return [cell]


def _facts(row: FoundRow, columns: tuple[str, ...], values: list[Cell]) -> list[Fact]:
    """One fact per column of the row, from the value cell in its place (a unit written in the cell wins
    over the header's)."""
    units = row.units
    facts = []
    for (table, row_code, column_code), column, cell in zip(_cell_keys(row.table, row.row, columns), columns,
                                                             values, strict=True):
        value = parse_cell(cell.text)
        facts.append(_new_tuple(Fact, (table, row_code, column_code, value.value, value.status, cell.text, cell.line,
                                       value.unit or units.get(column), cell.slot)))
    return facts


@lru_cache(maxsize=1024)  # a few hundred (table, row, columns) exist in all the templates
def _cell_keys(table: str, row: str, columns: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """(table, row, column) of each cell of a row: 表四's one row holds proceeding/outcome pairs."""
    if table == "review_litigation":
        pairs = (column.split("/") for column in columns)
        return tuple((table, proceeding, outcome) for proceeding, outcome in pairs)
    return tuple((table, row, column) for column in columns)


def _where(row: FoundRow) -> str:
    return f"{row.table} row {row.row} ('{row.label}', line {row.line})"


def missing_rows(rows: list[FoundRow], generation: str) -> list[FoundRow]:
    """表三 rows the template expects but the text does not give, as empty rows to be flagged."""
    present = {r.row for r in rows}
    if "other_handling" in present:
        present.update(APPLICATION_ROW_GROUPS["other_sub"])
    if present & set(APPLICATION_ROW_GROUPS["other_sub"]):
        present.add("other_handling")
    line = next((r.line for r in reversed(rows) if r.row != DETACHED), rows[-1].line)  # a line of the table
    return [FoundRow("applications", code, "", line, columns=tuple(codes(APPLICANTS)))
            for code in APPLICATION_ROWS_BY_GENERATION[generation] if code not in present]
