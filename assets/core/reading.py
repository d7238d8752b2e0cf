"""A raw file's bytes to normalized lines, whatever its encoding or format: the one way in.

Belongs here: deciding how a file is read (plain text, or an HTML page rendered by html.py), with
which encoding (text.py's ``decode``, told the charset an HTML page declares), and normalizing the
result. ``report.parse_report`` and the ``raw_reports`` asset both read through ``read_lines``, so the
stored text is exactly the text that was parsed and every ``source_line`` points into it. Text files
keep their lines one to one; an HTML page's rendered lines keep the file line each starts on.
Does not belong here: refusing non-text files (ingest.py) or anything about sections and tables.
"""

from dataclasses import dataclass

from .flattened import SIGNATURES, unflatten
from .html import declared_charset, is_html, render_page
from .text import decode, decode_again, is_traditional, normalize_line, normalize_text, strip_markup, to_simplified

SOURCE_FORMATS = ("text", "html")


@dataclass(frozen=True)
class ReadText:
    """A file read as normalized lines, with how it was read."""

    lines: list[str]
    encoding: str
    source_format: str
    confident: bool
    file_lines: list[int] | None = None  # HTML: the file line each rendered line starts on
    traditional: bool = False  # written in Traditional characters: the lines are converted to Simplified


def read_lines(source_path: str, data: bytes, earlier: tuple[str, bool, str] | None = None) -> ReadText:
    """Decode a raw file and turn it into normalized lines; HTML pages are rendered first. ``earlier``: the
    (encoding, confident, source_format) an earlier read of these same bytes found (the inventory's, for
    the year pass): a text file is then decoded again without the detector where it can be (an HTML page's
    first decode is not recorded, so a page is read as at first)."""
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
    lines = [normalize_line(line) for line in page.lines]
    traditional = is_traditional("\n".join(lines))
    return ReadText(to_simplified(lines) if traditional else lines, decoded.encoding, "html", decoded.confident,
                    page.source_lines, traditional)


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
