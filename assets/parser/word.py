"""A Word file (.docx) to lines: the one module that knows Word.

Belongs here: reading the body of a .docx with python-docx, in document order — every paragraph a line
(its line breaks kept), every table as pipe rows (positions.py). python-docx gives a merged cell in every
grid slot it covers; here it is one cell at its first slot and a span over the rest, as an HTML rowspan
or a PDF's merged cell is. A file that is no readable Word document says why (``UnreadableDocument``).
Does not belong here: legacy .doc/.wps files (ingest.py refuses them: convert to .docx first), reading
rows and placing cells (tables.py).
"""

import io
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from .positions import Positions, RenderedDocument, UnreadableDocument, pipe_rows

_PARAGRAPH, _TABLE, _CONTENT_CONTROL = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def render_docx(data: bytes) -> RenderedDocument:
    """The lines of a Word file's body; raises ``UnreadableDocument`` when it is no readable .docx."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 — python-docx fails on damaged parts with any error type
        raise UnreadableDocument("broken Word file: a ZIP holding word/document.xml that python-docx cannot open "
                                 f"({type(error).__name__}); open and save it again in Word") from error
    lines: list[str] = []
    for element in _blocks(document.element.body):
        if element.tag == _PARAGRAPH:
            lines += [line.strip() for line in Paragraph(element, document).text.splitlines() if line.strip()]
        else:
            lines += [rendered[0] for rendered in pipe_rows(_positions(Table(element, document))) if rendered]
    return RenderedDocument(lines, [(None,)] * len(lines), None)


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of the body in order, also those inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_PARAGRAPH, _TABLE):
            yield child
        elif child.tag == _CONTENT_CONTROL:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _positions(table: Table) -> list[Positions]:
    """The table as positions: a merged cell's text at its first slot, None in the slots it also covers
    (python-docx repeats it there: the same ``w:tc`` to the left, or above for a vertical merge)."""
    grid: list[Positions] = []
    above: list[object] = []
    for row in table.rows:
        cells = row.cells
        elements = [cell._tc for cell in cells]
        grid.append([None if (column and element is elements[column - 1])
                     or (column < len(above) and element is above[column]) else _text(cells[column])
                     for column, element in enumerate(elements)])
        above = elements
    return grid


def _text(cell: object) -> str:
    """A cell's text on one line: its paragraphs (a label Word wrapped by hand) joined."""
    return "".join(line.strip() for line in cell.text.splitlines())  # type: ignore[attr-defined]
