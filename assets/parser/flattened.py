"""The crawler-text front end: a report body a crawler saved on one line, split back into lines.

Belongs here: recognising a flattened body (one very long line holding the template's tables) and cutting
it into virtual lines at what the catalog knows: section headings, 第二十条第(N)项 blocks, 表二 items, 表三 row
starts, and the boundaries between label text and runs of digits. A run of digits keeps whatever the
crawler left of it (``640020470``, ``500000 5``) on a line of its own that starts with ``JOINED``, so the
grid makes it one cell whose boundaries are unknown: placement takes it apart only where that is certain.
Each virtual line keeps the file line it comes from (``file_lines``), as an HTML page's rendered lines do.
Does not belong here: deciding rows or values (tables.py).
"""

import re

from schemas.catalog import ITEMS

# (U+2063, invisible separator) starts a virtual line holding digits whose cell boundaries the crawler lost
JOINED = "\u2063"
_MIN_LENGTH = 200
SIGNATURES = ("第二十条", "本年新收", "结果维持")  # where 表二, 表三 and 表四 start
_SECTION = re.compile(r"[一二三四五六七]、[^。,;:\d、]{2,20}?(?:、[^。,;:\d]{2,12}?)?(?:情况|事项)")
_SECTION_WORDS = ("总体情况", "主动公开", "收到和处理", "行政复议", "存在的主要问题", "其他需要报告")
_ITEM_LABELS = sorted({label for code in ITEMS for label in (code.label.replace("(行政)", "行政"),
                                                              code.label.replace("(行政)", ""))},
                      key=len, reverse=True)
_TABLE_CUT = re.compile(
    r"(第二十条第\(?[一二三四五六七八九十]\)?项"
    r"|(?:" + "|".join(map(re.escape, _ITEM_LABELS)) + r")(?=\s*\d)"
    r"|[一二三四]、(?=本年|上年|结转)"
    r"|\([一二三四五六七]\)(?=[^\d\s])"
    r"|(?<=\D)\d\.(?=[^\d\s])"
    r"|\d+(?:[.,]\d+)*(?:\s+\d+(?:[.,]\d+)*)*)")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*(?:\s+\d+(?:[.,]\d+)*)*")


def unflatten(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """The lines with every flattened body line cut into virtual lines, and the file line (1-based) of
    each; None when no line is a flattened body (most texts: nothing is done)."""
    if max(map(len, lines), default=0) < _MIN_LENGTH or not any(_is_flattened(line) for line in lines):
        return None
    out: list[str] = []
    file_lines: list[int] = []
    for number, line in enumerate(lines, start=1):
        pieces = _cut(line) if _is_flattened(line) else [line]
        out.extend(pieces)
        file_lines.extend([number] * len(pieces))
    return out, file_lines


def _is_flattened(line: str) -> bool:
    """A long line with a table's start and two section headings: a whole body on one line."""
    return len(line) >= _MIN_LENGTH and any(signature in line for signature in SIGNATURES) and len(
        _headings(line)) >= 2


def _cut(line: str) -> list[str]:
    """One flattened line as virtual lines: prose and headings split at section headings; the tables, from
    the first table's start (第二十条, 本年新收 or 结果维持) to the section after 表四's heading, at every
    label and digit run."""
    start = min(at for at in (line.find(signature) for signature in SIGNATURES) if at >= 0)
    heading_after = [m for m in _headings(line) if m.start() > start and "存在" in m.group()]
    end = heading_after[0].start() if heading_after else len(line)
    return [*_prose(line[:start]), *_table(line[start:end]), *_prose(line[end:])]


def _headings(text: str) -> list[re.Match[str]]:
    return [m for m in _SECTION.finditer(text) if any(w in m.group() for w in _SECTION_WORDS)]


def _prose(text: str) -> list[str]:
    """Prose split before and after each section heading."""
    pieces: list[str] = []
    at = 0
    for match in _headings(text):
        pieces.extend([text[at:match.start()], match.group()])
        at = match.end()
    pieces.append(text[at:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _table(text: str) -> list[str]:
    """Table text split before each label the catalog knows and around each run of digits; section headings
    inside (三、收到和处理…, 四、…行政复议…) become lines of their own."""
    pieces: list[str] = []
    for part in _prose(text):
        at = 0
        for match in _TABLE_CUT.finditer(part):
            pieces.append(part[at:match.start()])
            token, end = match.group(), match.end()
            if not _DIGITS.fullmatch(token):
                at = match.start()
                continue
            if part[end:end + 1] == "." and len(token) > 1:  # '00000002.其他…': the last digit numbers the next row
                token, end = token[:-1], end - 1
            pieces.append(JOINED + token)
            at = end
        pieces.append(part[at:])
    return [piece.strip() for piece in pieces if piece.strip().strip(JOINED)]
