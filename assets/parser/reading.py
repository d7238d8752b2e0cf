"""A raw file's bytes to normalized lines, whatever its encoding or format: the one way in.

Belongs here: deciding how a file is read (plain text, an HTML page rendered by html.py, a PDF by
pdf.py, a Word file by word.py), with which encoding (text.py's ``decode``, told the charset an HTML page
declares; a PDF's and a Word file's text is Unicode inside the file), and normalizing the result.
``report.parse_report`` and the ``raw_reports`` asset both read through ``read_lines``, so the stored text
is exactly the text that was parsed and every ``source_line`` points into it. Text files keep their lines
one to one; an HTML page's rendered lines keep the file line each starts on; a PDF's
lines keep the page and box of each of their cells. A document that cannot be read raises
``UnreadableDocument`` with its reason.
Does not belong here: refusing what is no report file at all (ingest.py) or anything about sections and tables.
"""

from dataclasses import dataclass

from .flattened import SIGNATURES, unflatten
from .html import declared_charset, is_html, render_page
from .positions import Box, RenderedDocument
from .text import decode, decode_again, is_traditional, normalize_line, normalize_text, strip_markup, to_simplified


@dataclass(frozen=True)
class ReadText:
    """A file read as normalized lines, with how it was read."""

    lines: list[str]
    encoding: str
    source_format: str
    confident: bool
    file_lines: list[int] | None = None  # HTML: the file line each rendered line starts on
    traditional: bool = False  # written in Traditional characters: the lines are converted to Simplified
    boxes: list[tuple[Box | None, ...]] | None = None  # PDF: the page and box of each cell of each line
    pages: int | None = None  # PDF: the page count


def document_kind(data: bytes) -> str | None:
    """``pdf`` or ``docx`` when the bytes are such a document (by their signature), else None."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/document.xml" in data:
        return "docx"
    return None


def read_lines(source_path: str, data: bytes, earlier: tuple[str, bool, str] | None = None) -> ReadText:
    """Decode a raw file and turn it into normalized lines; HTML pages are rendered first. ``earlier``: the
    (encoding, confident, source_format) an earlier read of these same bytes found (the inventory's, for
    the year pass): a text file is then decoded again without the detector where it can be (an HTML page's
    first decode is not recorded, so a page is read as at first). Raises ``UnreadableDocument`` for a PDF
    or Word file that holds no readable text."""
    kind = document_kind(data)
    if kind is not None:
        return _document(kind, data)
    again = decode_again(data, earlier[0], earlier[1]) if earlier is not None and earlier[2] == "text" else None
    if again is not None:
        return _text(again.text, again.encoding, again.confident)
    decoded = decode(data)
    if not is_html(source_path, decoded.text):
        return _text(decoded.text, decoded.encoding, decoded.confident)
    declared = declared_charset(data)
    if declared is not None:
        decoded = decode(data, declared)
    page = render_page(decoded.text)
    return _rendered(page.lines, decoded.encoding, "html", decoded.confident, file_lines=page.source_lines)


def _document(kind: str, data: bytes) -> ReadText:
    """A PDF's or Word file's lines, normalized like a web page's (their characters already Unicode)."""
    if kind == "pdf":
        from .pdf import render_pdf  # pypdfium2 and pdfplumber load only where a PDF is read
        document: RenderedDocument = render_pdf(data)
    else:
        from .word import render_docx
        document = render_docx(data)
    return _rendered(document.lines, "unicode", kind, True, boxes=document.boxes, pages=document.pages)


def _rendered(rendered: list[str], encoding: str, source_format: str, confident: bool,
              file_lines: list[int] | None = None, boxes: list[tuple[Box | None, ...]] | None = None,
              pages: int | None = None) -> ReadText:
    """The lines a front end rendered (a web page, a PDF, a Word file), normalized, in Simplified characters
    when they are Traditional."""
    lines = [normalize_line(line) for line in rendered]
    traditional = is_traditional("\n".join(lines))
    return ReadText(to_simplified(lines) if traditional else lines, encoding, source_format, confident, file_lines,
                    traditional, boxes, pages)


def _text(text: str, encoding: str, confident: bool) -> ReadText:
    """A text file's normalized lines: in Simplified characters when the text is Traditional, Markdown's
    heading, quote and bold marks removed, a body a crawler flattened onto one line cut back into lines
    (each keeping its file line)."""
    lines = normalize_text(text)
    traditional = is_traditional(text)
    if traditional:
        lines = to_simplified(lines)
    if "#" in text or ">" in text or "*" in text:
        lines = strip_markup(lines)
    cut = unflatten(lines) if any(signature in text for signature in SIGNATURES) else None
    if cut is None:
        return ReadText(lines, encoding, "text", confident, None, traditional)
    return ReadText(cut[0], encoding, "text", confident, cut[1], traditional)
