"""A born-digital PDF to lines: the one module that knows PDF.

Belongs here: reading a PDF's characters and ruling lines with pypdfium2 (PDFium: fast, BSD/Apache
licensed), finding its ruled tables with pdfplumber's lattice functions (MIT: edges → intersections →
cells; pdfplumber's own page parsing, ten times slower, is not used), and rendering each page top to
bottom: a table's rows as pipe rows (positions.py, merged cells as spans), every other text line as it
reads. Every rendered line keeps its page and the box of each of its cells (x0, top, x1, bottom in PDF
points from the page's top-left corner), so a fact read from a PDF can be found on its page.
A PDF that cannot be read says why (``UnreadableDocument``): encrypted, broken, or scanned without a
text layer (``needs OCR``, with its page count). OCR is not done here.
Does not belong here: reading rows and placing cells (tables.py), anything about other formats.
"""

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

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
    tables = cells_to_tables(intersections_to_cells(edges_to_intersections(
        merge_edges(edges, _SNAP, _SNAP, _SNAP, _SNAP), _SNAP, _SNAP))) if edges else []
    blocks: list[_Block] = []
    regions = []
    for cells in tables:
        blocks += _table_blocks(cells, textpage, height, number)
        regions.append((min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
                        max(c[3] for c in cells)))
    blocks += _text_blocks(textpage, height, number, regions)
    blocks.sort(key=lambda block: (round(block.top), block.left))
    return [(block.text, block.boxes) for block in _visual_lines(blocks)]


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


def _table_blocks(cells: list[tuple[float, float, float, float]], textpage: Any, height: float,
                  number: int) -> list[_Block]:
    """A ruled table's rows: a cell's text at the first column and row it covers (positions), merged
    cells as spans. A row that is one cell (a caption, a block label, prose in a frame) is text: one
    line per line of the cell."""
    columns = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    grid: list[Positions] = [[None] * len(columns) for _ in tops]
    box_of: dict[tuple[int, int], Box] = {}
    texts: dict[tuple[int, int], list[str]] = {}
    for x0, top, x1, bottom in cells:
        row, column = tops.index(round(top, 1)), columns.index(round(x0, 1))
        lines = [line.strip() for line in textpage.get_text_bounded(x0, height - bottom, x1, height - top)
                 .splitlines()]
        grid[row][column] = "".join(lines)
        texts[(row, column)] = [line for line in lines if line]
        box_of[(row, column)] = (number, round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
    blocks: list[_Block] = []
    rendered = iter(pipe_rows(grid))
    for row, positions in enumerate(grid):
        if not any(positions):
            continue
        line, kept = next(rendered)
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


def _text_blocks(textpage: Any, height: float, number: int,
                 regions: list[tuple[float, float, float, float]]) -> list[_Block]:
    """The text lines outside the page's tables, as PDFium orders the characters (its line breaks)."""
    blocks: list[_Block] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]
    raw = textpage.raw
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    pointers = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in (10, 13):
            _flush(blocks, chars, box, number)
            continue
        pdfium_c.FPDFText_GetCharBox(raw, index, *pointers)
        x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
        middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
        if any(r[0] <= middle_x <= r[2] and r[1] <= middle_y <= r[3] for r in regions):
            continue
        if chars and y0 > box[3]:  # below the line being built: a line PDFium did not break
            _flush(blocks, chars, box, number)
        if not chars:
            box[:] = [x0, y0, x1, y1]
        elif code != 32:
            box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        chars.append(chr(code))
    _flush(blocks, chars, box, number)
    return blocks


def _flush(blocks: list[_Block], chars: list[str], box: list[float], number: int) -> None:
    text = "".join(chars).strip()
    chars.clear()
    if text:
        page_box = (number, round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))
        blocks.append(_Block(box[1], box[0], text, (page_box,), True))
