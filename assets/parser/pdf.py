"""A born-digital PDF to lines: the one module that knows PDF.

Belongs here: reading a PDF's characters and ruling lines with pypdfium2 (PDFium: fast, BSD/Apache
licensed), finding its ruled tables with pdfplumber's lattice functions (MIT: edges → intersections →
cells; pdfplumber's own page parsing, much slower, is not used), and rendering each page top to
bottom: a table's rows as pipe rows (positions.py, merged cells as spans), every other text line as it
reads. Every rendered line keeps its page and the box of each of its cells (x0, top, x1, bottom in PDF
points from the page's top-left corner), so a fact read from a PDF can be found on its page.
A PDF that cannot be read says why (``UnreadableDocument``): encrypted, broken, or scanned without a
text layer (``needs OCR``, with its page count). OCR is not done here.
Does not belong here: reading rows and placing cells (tables.py), anything about other formats.
"""

import bisect
import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges

from .positions import Box, Positions, RenderedDocument, UnreadableDocument, pipe_rows

_RULE = 2.0  # a path thinner than this (points) is a ruling line; a wider one a rectangle with four edges
_SNAP = 3.0  # edges this close are one line (pdfplumber's default tolerances)
_MIN_CHARS_PER_PAGE = 10  # fewer characters than this on every page: no text layer, the pages are images


def render_pdf(data: bytes) -> RenderedDocument:
    """The lines of a PDF, page after page; raises ``UnreadableDocument`` for what cannot be read."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise UnreadableDocument(_load_failure(str(error))) from error
    try:
        lines: list[str] = []
        boxes: list[tuple[Box | None, ...]] = []
        characters = 0
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            for text, line_boxes in _page_lines(page, textpage, index + 1):
                lines.append(text)
                boxes.append(line_boxes)
            characters = max(characters, textpage.count_chars())
        pages = len(document)
    finally:
        document.close()
    if characters < _MIN_CHARS_PER_PAGE:
        raise UnreadableDocument(f"needs OCR: a scanned PDF without a text layer ({pages} pages)", pages)
    return RenderedDocument(lines, boxes, pages)


def _load_failure(message: str) -> str:
    """The reason for a PDF PDFium cannot open, from its error ('Failed to load document (PDFium: Data
    format error).')."""
    cause = message.partition("PDFium: ")[2].partition(")")[0].lower() or message
    if "password" in cause:
        return "encrypted PDF: it opens only with a password; save an unprotected copy"
    return f"broken PDF: PDFium cannot open it ({cause})"


# ------------------------------------------------------------------------------------ one page

@dataclass(frozen=True)
class _Block:
    """A piece of a page in reading order: a line of prose or a table row, with its boxes."""

    top: float
    left: float
    text: str
    boxes: tuple[Box | None, ...]
    prose: bool = False  # a text line outside the tables (pieces of one visual line are joined)


def _page_lines(page: Any, textpage: Any, number: int) -> list[tuple[str, tuple[Box | None, ...]]]:
    """One page's lines top to bottom: its tables' rows and the text lines outside them."""
    height = page.get_size()[1]
    edges = _edges(page.raw, height)
    tables = cells_to_tables(_cells(edges_to_intersections(
        merge_edges(edges, _SNAP, _SNAP, _SNAP, _SNAP), _SNAP, _SNAP))) if edges else []
    regions = [(min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
                max(c[3] for c in cells)) for cells in tables]
    inside: list[list[_Char]] = [[] for _ in tables]
    outside: list[_Char] = []
    chars = _characters(textpage, height)
    if fonts_missing(chars):
        raise UnreadableDocument(FONTS_MISSING)
    for char in chars:
        region = next((i for i, r in enumerate(regions) if r[0] - _SNAP <= char.x <= r[2] and r[1] <= char.y <= r[3]
                       + _SNAP), None)
        (outside if region is None else inside[region]).append(char)
    blocks: list[_Block] = []
    for cells, chars in zip(tables, inside, strict=True):
        blocks += _table_blocks(cells, chars, number)
    blocks += _text_blocks(outside, number)
    blocks.sort(key=lambda block: (round(block.top), block.left))
    return [(block.text, block.boxes) for block in _visual_lines(blocks)]


class _Char(NamedTuple):
    """A character of the page: its text, its origin (x, and y from the page's top: the baseline), its font
    size, and its box (x0, top, x1, bottom). Cells and lines are decided by the origin, which PDFium knows from
    the text itself: the box comes from the glyph, and is empty when a font is neither embedded nor on the
    machine (characters would then fall out of their cells)."""

    text: str
    x: float
    y: float
    size: float
    box: tuple[float, float, float, float]


def _characters(textpage: Any, height: float) -> list[_Char]:
    """Every character of the text page in PDFium's order, line breaks as '\n' (at the previous origin)."""
    raw = textpage.raw
    values = [ctypes.c_double() for _ in range(6)]
    left, right, bottom, top, x, y = values
    box_pointers = [ctypes.byref(v) for v in (left, right, bottom, top)]
    origin_pointers = (ctypes.byref(x), ctypes.byref(y))
    chars: list[_Char] = []
    baseline, size = None, 10.0
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in (10, 13):
            if chars and chars[-1].text != "\n":
                chars.append(chars[-1]._replace(text="\n"))
            continue
        if code == 32 and chars and pdfium_c.FPDFText_IsGenerated(raw, index) == 1:  # PDFium's, between words
            chars.append(chars[-1]._replace(text=" "))
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, index, *origin_pointers)
        pdfium_c.FPDFText_GetCharBox(raw, index, *box_pointers)
        if y.value != baseline:  # the font size is asked once a baseline: asking it per character was costly
            baseline, size = y.value, pdfium_c.FPDFText_GetFontSize(raw, index) or 10.0
        chars.append(_Char(chr(code), x.value, height - y.value, size,
                           (left.value, height - top.value, right.value, height - bottom.value)))
    return chars


FONTS_MISSING = ("PDF whose Chinese fonts are not embedded, and this machine has none to stand in for them "
                 "(PDFium then drops characters that stand alone, such as 无): install a CJK font (Debian: "
                 "fonts-wqy-microhei or fonts-noto-cjk) and read it again")


def fonts_missing(chars: list[_Char]) -> bool:
    """Whether the page's Chinese characters have glyphs of no height: their font is neither embedded nor on
    this machine, and PDFium leaves out of the text page a character that stands alone in such a font (a cell
    of 无 reads as blank, 自然人 as 自然): nothing read from the PDF can be trusted."""
    heights = [c.box[3] - c.box[1] < 0.01 * c.size for c in chars if ord(c.text[0]) >= 0x3400]
    return 2 * sum(heights) > len(heights)  # most of them (a tight box of 一 is low, but not flat)


def _lines_of(chars: list[_Char]) -> list[list[_Char]]:
    """Characters split into lines: at PDFium's line breaks, and where the baseline moves by more than half
    the font size (a line PDFium did not break)."""
    lines: list[list[_Char]] = [[]]
    for char in chars:
        current = lines[-1]
        if char.text == "\n" or (current and abs(char.y - current[0].y) > current[0].size / 2):
            lines.append([])
            if char.text == "\n":
                continue
        lines[-1].append(char)
    return [line for line in lines if line]


def _box_of(chars: list[_Char]) -> tuple[float, float, float, float]:
    """The box of some characters: of their glyphs, or of their origins and font size when the glyphs have
    no size (a font missing on this machine)."""
    boxes = [c.box for c in chars if c.text.strip() and c.box[2] > c.box[0]]
    if not boxes:
        boxes = [(c.x, c.y - c.size, c.x + c.size, c.y) for c in chars]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _visual_lines(blocks: list[_Block]) -> list[_Block]:
    """Prose pieces that share a visual line joined left to right (a title whose year is set in another
    font, a page number between dashes): PDFium breaks its lines where the font changes."""
    out: list[_Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if last is not None and last.prose and block.prose and _same_line(last.boxes[0], block.boxes[0]):
            pieces = sorted((last, block), key=lambda b: b.left)
            a, b = pieces[0].boxes[0], pieces[1].boxes[0]
            assert a is not None and b is not None
            gap = " " if b[1] - a[3] > 1 else ""
            box = (a[0], min(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]), max(a[4], b[4]))
            out[-1] = _Block(min(last.top, block.top), box[1], pieces[0].text + gap + pieces[1].text, (box,), True)
        else:
            out.append(block)
    return out


def _same_line(a: Box | None, b: Box | None) -> bool:
    """Whether two boxes sit on one line: the middle of one within the other's height (a dash is a thin
    box in the middle of its line)."""
    if a is None or b is None:
        return False
    return a[2] <= (b[2] + b[4]) / 2 <= a[4] or b[2] <= (a[2] + a[4]) / 2 <= b[4]


def _cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``, the same cells found the same way (for each intersection, the
    smallest rectangle whose four sides are ruled), with each point's edges made a set once instead of at
    every comparison, so a ruled 表三 takes a fraction of the time (benchmarks/RESULTS.md)."""
    def sides(point: tuple[float, float], orientation: str) -> frozenset:
        return frozenset((e["x0"], e["top"], e["x1"], e["bottom"]) for e in intersections[point][orientation])

    vertical = {point: sides(point, "v") for point in intersections}
    horizontal = {point: sides(point, "h") for point in intersections}
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    for point in sorted(intersections):
        by_x.setdefault(point[0], []).append(point)
        by_y.setdefault(point[1], []).append(point)
    cells = []
    for point in sorted(intersections):
        below = [p for p in by_x[point[0]] if p[1] > point[1] and vertical[point] & vertical[p]]
        right = [p for p in by_y[point[1]] if p[0] > point[0] and horizontal[point] & horizontal[p]]
        cell = next(((point[0], point[1], r[0], b[1]) for b in below for r in right
                     if (r[0], b[1]) in intersections and vertical[(r[0], b[1])] & vertical[r]
                     and horizontal[(r[0], b[1])] & horizontal[b]), None)
        if cell is not None:
            cells.append(cell)
    return cells


def _edges(page: Any, height: float) -> list[dict]:
    """The page's ruling edges, from its path objects (also inside form XObjects): a thin path is a line,
    a wider one a rectangle (a cell's border or background, as Word draws them) whose four sides are edges.
    Through PDFium's C API: pypdfium2's object wrappers cost more than the whole table finder."""
    edges: list[dict] = []
    for left, bottom, right, top in _path_bounds(page):
        top, bottom = height - top, height - bottom
        wide, tall = right - left >= _RULE, bottom - top >= _RULE
        if wide and tall:
            edges += [_edge("h", left, right, top, top), _edge("h", left, right, bottom, bottom),
                      _edge("v", left, left, top, bottom), _edge("v", right, right, top, bottom)]
        elif tall:
            edges.append(_edge("v", (left + right) / 2, (left + right) / 2, top, bottom))
        elif wide:
            edges.append(_edge("h", left, right, (top + bottom) / 2, (top + bottom) / 2))
    return edges


def _path_bounds(parent: Any, form: bool = False) -> Iterator[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of every path object of a page (or of a form XObject, ``form``)."""
    count = pdfium_c.FPDFFormObj_CountObjects(parent) if form else pdfium_c.FPDFPage_CountObjects(parent)
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    values = [ctypes.c_float() for _ in range(4)]
    pointers = [ctypes.byref(value) for value in values]
    for index in range(count):
        item = get(parent, index)
        kind = pdfium_c.FPDFPageObj_GetType(item)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH and pdfium_c.FPDFPageObj_GetBounds(item, *pointers):
            yield values[0].value, values[1].value, values[2].value, values[3].value
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _path_bounds(item, True)


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


def _table_blocks(cells: list[tuple[float, float, float, float]], chars: list[_Char], number: int) -> list[_Block]:
    """A ruled table's rows: a cell's text at the first column and row it covers (positions), merged
    cells as spans; each character belongs to the cell its origin lies in. A row that is one cell (a
    caption, a block label, prose in a frame) is text: one line per line of the cell."""
    columns = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    slots: dict[tuple[int, int], tuple[int, int]] = {}  # (row, column) of the grid -> the cell covering it
    box_of: dict[tuple[int, int], Box] = {}
    for x0, top, x1, bottom in cells:
        at = (tops.index(round(top, 1)), columns.index(round(x0, 1)))
        box_of[at] = (number, round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
        for row in range(at[0], bisect.bisect_left(tops, round(bottom, 1) - _SNAP / 2)):
            for column in range(at[1], bisect.bisect_left(columns, round(x1, 1) - _SNAP / 2)):
                slots[(row, column)] = at
    held: dict[tuple[int, int], list[_Char]] = {}
    for char in chars:
        # an origin on a ruling (a glyph flush with its cell's left edge) belongs to the cell right of it
        slot = (bisect.bisect_right(tops, char.y) - 1, bisect.bisect_right(columns, char.x + _SNAP) - 1)
        if slot in slots:
            held.setdefault(slots[slot], []).append(char)
    texts = {at: [text for line in _lines_of(held.get(at, [])) if (text := "".join(c.text for c in line).strip())]
             for at in box_of}
    grid: list[Positions] = [[None] * len(columns) for _ in tops]
    for (row, column), lines in texts.items():
        grid[row][column] = "".join(lines)
    blocks: list[_Block] = []
    for row, (positions, rendered) in enumerate(zip(grid, pipe_rows(grid), strict=True)):
        if rendered is None:
            continue
        line, kept = rendered
        filled = [p for p, text in enumerate(positions) if text is not None]
        if len(filled) == 1:
            box = box_of[(row, filled[0])]
            blocks += [_Block(box[2] + 0.01 * offset, box[1], text, (box,))
                       for offset, text in enumerate(texts[(row, filled[0])])]
            continue
        boxes = tuple(box_of.get((row, p)) for p in kept)
        first = box_of[(row, filled[0])]
        blocks.append(_Block(first[2], first[1], line, boxes))
    return blocks


def _text_blocks(chars: list[_Char], number: int) -> list[_Block]:
    """The text lines outside the page's tables, in PDFium's order of the characters."""
    blocks: list[_Block] = []
    for line in _lines_of(chars):
        text = "".join(c.text for c in line).strip()
        if text:
            x0, top, x1, bottom = _box_of(line)
            page_box = (number, round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
            blocks.append(_Block(top, x0, text, (page_box,), True))
    return blocks
