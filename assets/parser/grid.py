"""The cell grid: what every front end emits and the one table reader reads.

Belongs here: the ``Cell`` (a table cell as found: its text, line, whether it reads as a value, the run of
value cells it belongs to, and whether its digits ran together) and the plain-text front end, which turns
lines into cells whatever their layout: one cell per line (bare or ending in `` |``), tab-prefixed cells,
pipe rows with or without outer pipes (``||`` padding and merge residue dropped), and rows on one line
separated by spaces, also two rows on one line. A *run* is a maximal sequence of value cells on one line
with no label between them: the reader reasons about runs, not lines, so two rows on a line stay apart.
Layout knowledge stops here: nothing after this module knows pipes, tabs or spaces.
Does not belong here: which row or column a cell is (tables.py).
"""

import re
from functools import lru_cache, partial
from typing import NamedTuple

from schemas.catalog import APPLICATION_GROUP_KEYS, APPLICATION_ROWS, ITEMS, match_code

from .flattened import JOINED
from .text import compact
from .values import is_value_text

_WORD = re.compile(r"\S+")
# A page's footer or header left between a table's rows by a PDF export: — 5 —, - 5 -, 第5页, 第 5 页 共 12 页.
_PAGE_FOOTER = re.compile(r"[—–-]{1,2}\s*\d{1,3}\s*[—–-]{1,2}|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?"
                          r"|\d{1,3}\s*/\s*\d{1,3}")
_BLOCK_LABEL = re.compile(r"第二十条第?\(?[一二三四五六七八九十]*\)?项?$")
MAX_ROW_LABEL = 60  # longer text is prose, not a 表三 row label
MAX_ITEM_LABEL = 16  # longer text is not a 表二 item label
_PADDING: tuple[tuple[str, bool], ...] = ()  # a line of pipes only: merged-cell residue, no cell
_BARE_PIPE = "|"  # the text of a lone '|' line: an empty cell, or the opener of the row that follows


class Cell(NamedTuple):
    """One cell as found: stripped text, 1-based line, whether the text reads as a value (number, blank,
    none word or dash), the run of value cells it belongs to (consecutive value cells of one line with no
    label between), and whether it is a run of digits whose cell boundaries the text lost (crawler text).
    A tuple: hundreds are made per report."""

    text: str
    line: int
    is_value: bool
    run: int
    joined: bool = False
    x: int = -1  # the character column it starts at, in text laid out with spaces (PDF text); else -1
    pace: int = 0  # its line, less the page footers above it in the range: the rhythm of one cell a line
    slot: int = 0  # its place among the cells of its line (a structured front end keeps each one's box)


_new_tuple = tuple.__new__  # the tuple's own constructor: cheaper than the NamedTuple's Python __new__


def text_grid(lines: list[str], start: int, end: int, openers: bool | None = None) -> list[Cell]:
    """The cells of lines ``start..end`` (1-based, inclusive), in reading order. ``openers``: whether the
    text opens every row with a bare '|' line (``opener_layout`` of the tables' lines; of the range if None)."""
    cells: list[Cell] = []
    append = cells.append
    run = 0
    prefixed: bool | None = None  # whether the section's lines start with a tab (a prefix, not a cell)
    skipped = 0  # page footer lines so far
    for number in range(start, end + 1):
        line = lines[number - 1]
        if "\t" in line:
            if prefixed is None:
                prefixed = _tab_prefixed(lines, start, end)
            parts = line_parts(line, prefixed)
        else:
            parts = line_parts(line)
        if not parts and line.strip() and _PAGE_FOOTER.fullmatch(line.strip()):
            skipped += 1
            continue
        if len(parts) == 1:
            text, is_value, x = parts[0]
            if text == _BARE_PIPE:
                if openers is None:
                    openers = opener_layout(lines, start, end)
                if _opens_row(lines, number, end, openers):
                    continue
                text = ""
            run += 2
            joined = line[:1] == JOINED  # digits a crawler ran together: cell boundaries unknown
            append(_new_tuple(Cell, (text[1:] if joined else text, number, is_value, run, joined, x,
                                     number - skipped, 0)))
            continue
        run += 1
        for slot, (text, is_value, x) in enumerate(parts):
            if is_value:
                append(_new_tuple(Cell, (text, number, True, run, False, x, number - skipped, slot)))
            else:
                append(_new_tuple(Cell, (text, number, False, run + 1, False, x, number - skipped, slot)))
                run += 2
    return cells


def _tab_prefixed(lines: list[str], start: int, end: int) -> bool:
    """Whether most non-empty lines of the range start with a tab: a layout that prefixes every cell line
    with one (seed 001), where a row of tab cells starting with a tab does not start with an empty cell."""
    filled = [line for line in lines[start - 1:end] if line.strip()]
    return 2 * sum(1 for line in filled if line[:1] == "\t" and line.count("\t") == 1) > len(filled)


def _opens_row(lines: list[str], number: int, end: int, openers: bool) -> bool:
    """In web text that opens every row with a bare '|' line (``openers``), such a line opens the row that
    follows when it stands directly above a label line, or directly below a line of pipes only (the merge residue
    that ends a row: the row it opens is a row of values); anywhere else it is an empty cell. Where rows are
    not opened so, a bare '|' is always an empty cell: dropping one would shorten a row to a count it lacks."""
    if not openers:
        return False
    if number >= end or _is_padding(lines[number - 2] if number >= 2 else ""):
        return True
    following = line_parts(lines[number])
    return bool(following) and not following[0][1]


def _is_padding(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > 1 and not stripped.strip("|")


def opener_layout(lines: list[str], start: int, end: int) -> bool:
    """Whether the text opens every row with a bare '|' line (web text as wild 005 and 021): nearly every line
    starting a row the catalog knows (a 表二 block or item, a 表三 row) has one directly above. Elsewhere a
    bare '|' above a row is the previous row's last, empty cell."""
    rows = opened = 0
    for number in range(max(start, 2), end + 1):
        parts = line_parts(lines[number - 1])
        if parts and not parts[0][1] and _is_row_label(compact(parts[0][0])):
            rows += 1
            opened += lines[number - 2].strip() == _BARE_PIPE
    return rows >= 2 and 5 * opened >= 4 * rows


Part = tuple[str, bool, int]  # a cell's text, whether it reads as a value, and its x (-1: not laid out)


@lru_cache(maxsize=1 << 15)  # label lines are the template's wording: the same in most reports
def line_parts(line: str, tab_prefix: bool = True) -> tuple[Part, ...]:
    """The cells of one line as (text, is_value, x) triples (a crawler's digit run: one value, ``JOINED``
    first). ``tab_prefix``: a leading tab prefixes the line (else it ends an empty first cell)."""
    stripped = line.strip()
    if stripped[:1] == JOINED:
        return ((stripped, True, -1),)
    if _PAGE_FOOTER.fullmatch(stripped):
        return ()
    if "|" in stripped and _is_pipe_row(stripped):
        return tuple((text, is_value, -1) for text, is_value in _pipe_parts(stripped))
    if "\t" in line:
        return tuple((text, is_value_text(text), -1) for text in _tab_cells(line, tab_prefix))
    return _space_parts(line) if stripped else ()


def _is_pipe_row(line: str) -> bool:
    return line.startswith("|") or line.endswith("|") or " | " in line


def _pipe_parts(line: str) -> tuple[tuple[str, bool], ...]:
    """A pipe row, with or without outer pipes. Header rows (no value cell) lose their empty merge cells;
    value rows keep inner empty cells and trailing ones, which placement trims beyond the template's
    column count. A line of pipes only is padding; a lone '|' is one empty cell."""
    if line == "|":
        return ((_BARE_PIPE, True),)
    if not line.strip("|"):
        return _PADDING
    body = line[1:] if line.startswith("|") else line
    body = body[:-1] if body.endswith("|") else body
    cells = [c.strip() for c in body.split("|")]
    if not any(cells):
        return tuple(("", True) for _ in cells)  # a row of empty cells: blank values (merge residue is '||')
    if all(set(c) <= set("-: ") for c in cells):
        return _PADDING  # a markdown separator row
    parts = [(c, is_value_text(c)) for c in cells]
    if not any(is_value and c for c, is_value in parts) and not (cells[0] and _is_row_label(compact(cells[0]))):
        return tuple((c, False) for c in cells if c)  # a header row: its empty cells are merge residue
    return tuple(parts)


def _tab_cells(line: str, tab_prefix: bool) -> list[str]:
    """Tab-separated cells; a lone tab (or tab + spaces) is one blank cell. Where every line is prefixed
    with a tab (one cell a line), the prefix and trailing tabs are no cells; in rows of tab cells, leading
    and trailing tabs end or start empty cells (placement trims empties beyond the template's columns)."""
    parts = line.split("\t")
    if not parts[0].strip() and (tab_prefix or len(parts) == 2):
        parts = parts[1:]
    cells = [p.strip() for p in parts]
    while tab_prefix and len(cells) > 1 and not cells[-1]:
        cells.pop()
    return cells


def _space_parts(line: str) -> tuple[Part, ...]:
    """A row on one line: a label followed by value cells separated by spaces, values alone, or several
    rows, each starting at a label the catalog knows. Numbers inside a label that is not followed by one
    (``共收到 70 件``) stay part of it. A label keeps its inner spacing, and every cell its column: text laid
    out with spaces (PDF text) aligns header words above their columns."""
    words = [(match.group(), match.start()) for match in _WORD.finditer(line)]
    if len(words) == 1:
        return ((words[0][0], is_value_text(words[0][0]), words[0][1]),)
    out: list[Part] = []
    label: list[tuple[str, int]] = []
    values: list[tuple[str, int]] = []
    for word in words:
        if is_value_text(word[0]):
            values.append(word)
            continue
        if values and (not label or _is_row_label(compact(word[0]))):
            _flush(out, line, label, values)
            label, values = [word], []
        else:
            label.extend(values)
            label.append(word)
            values = []
    _flush(out, line, label, values)
    return tuple(out)


def _flush(out: list[Part], line: str, label: list[tuple[str, int]], values: list[tuple[str, int]]) -> None:
    if label:
        start, end = label[0][1], label[-1][1] + len(label[-1][0])
        out.append((line[start:end], False, start))
    out.extend((value, True, x) for value, x in values)


# Labels repeat across reports (the template's wording), so each dimension's matches are remembered.
application_row = lru_cache(maxsize=4096)(partial(match_code, APPLICATION_ROWS))
item_of = lru_cache(maxsize=4096)(partial(match_code, ITEMS))


def _is_row_label(label: str) -> bool:
    """Whether a word starts a table row of the catalog (a 表二 item, a 表三 row or group, a 表二 block)."""
    if len(label) <= MAX_ITEM_LABEL and (item_of(label) is not None or label.startswith(APPLICATION_GROUP_KEYS)):
        return True
    return len(label) <= MAX_ROW_LABEL and (application_row(label) is not None
                                              or _BLOCK_LABEL.search(label) is not None)
