"""Saved HTML pages to text lines: the one module that knows HTML.

Belongs here: recognising an HTML page, removing what is not the report (scripts, styles, form
controls, navigation, footers, 【字体:打印】-style tool lines, 扫一扫 lines, 相关信息 link lists) and
rendering the rest as lines. Block elements (p, div, br, h1-h6, li, ...) break lines; inline runs such
as a label split over many ``<span>``s join into one text. Every data ``<table>`` becomes markdown pipe
rows, one ``<tr>`` per line, so the one table reader in tables.py reads it like a Markdown table.
Removal is conservative: an element is dropped as page chrome only when it holds no table, no
``<h1>`` and little text, so report body text is never lost.
Does not belong here: decoding bytes (text.py), reading rows and placing cells (tables.py).
"""

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector
from bs4.element import PreformattedString

from .text import compact, normalize_line
from .values import is_value_text

HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})

# Never text of the report: removed wherever they are.
_ALWAYS_DROPPED = ("head", "title", "script", "style", "noscript", "template", "iframe", "frame", "object",
                   "embed", "svg", "canvas", "map", "input", "button", "select", "textarea", "link", "meta")
# Page chrome, removed only when small enough not to hold report text (see _is_small_chrome).
_CHROME_TAGS = ("nav", "footer", "aside")
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_CHROME_NAMES = frozenset({"nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "footer",
                           "foot", "share", "sidebar", "toolbar"})
_CHROME_MAX_CHARS = 400
_NAME_WORD = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")  # header-menu, main_nav, mainNav
_RELATED_HEADINGS = frozenset({"相关信息", "相关链接", "相关文章", "相关阅读", "相关文件", "相关稿件"})
_SCAN_PHRASES = ("扫一扫在手机打开当前页", "扫一扫在手机上查看当前页", "手机扫一扫")
_TOOL_WORDS = ("打印本页", "关闭窗口", "返回顶部", "分享到", "字体", "字号", "打印", "关闭", "收藏", "分享", "默认",
               "放大", "缩小", "保存", "大", "中", "小")
_TOOL_PUNCTUATION = "【】[]()|/:、·"
_NEIGHBOUR_LINKS = ("上一篇", "下一篇")

_BLOCKS = frozenset({"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
                     "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                     "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option",
                     "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_MAX_SPAN = 100
_CELL_BAR = "¦"  # a '|' inside a cell would split it; '｜' becomes '|' when lines are normalized


# ------------------------------------------------------------------------------------ recognise

def is_html(source_path: str, text: str) -> bool:
    """Whether decoded text is an HTML page: it starts like one, or it has an HTML file name and markup."""
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    if head.startswith(("<?xml", "<!--")) and "<html" in head:
        return True
    if PurePath(source_path).suffix.lower() not in HTML_SUFFIXES or "<" not in text:
        return False
    return BeautifulSoup(text, "html.parser").find(True) is not None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its ``<meta>`` (or XML declaration), if any."""
    return EncodingDetector.find_declared_encoding(data, is_html=True)


# ------------------------------------------------------------------------------------ render

def html_lines(text: str) -> list[str]:
    """The report's text lines of an HTML page: chrome removed, tables as markdown pipe rows."""
    soup = BeautifulSoup(text, "lxml")
    strip_chrome(soup)
    out = _Lines(drop_chrome_lines=True)
    _render(soup, out)
    out.flush()
    return out.lines


def strip_chrome(soup: BeautifulSoup) -> None:
    """Remove scripts, styles, form controls, navigation, footers and 相关信息 link lists in place."""
    for element in soup.find_all(_ALWAYS_DROPPED):
        element.decompose()
    for element in soup.find_all(_is_chrome):
        if not element.decomposed and _is_small_chrome(element):
            element.decompose()
    for heading in _related_headings(soup):
        _drop_related(heading)


def _is_chrome(element: Tag) -> bool:
    if element.name in _CHROME_TAGS or element.get("role") in _CHROME_ROLES:
        return True
    names = [*element.get("class", []), element.get("id") or ""]
    return any(word.lower().rstrip("0123456789") in _CHROME_NAMES
               for name in names for word in _NAME_WORD.split(name))


def _is_small_chrome(element: Tag) -> bool:
    """Chrome is dropped only when it cannot be report text: no table, no title, little text."""
    if element.find(["table", "h1"]) is not None:
        return False
    return len(compact(element.get_text())) <= _CHROME_MAX_CHARS


def _related_headings(soup: BeautifulSoup) -> list[Tag]:
    """The outermost elements whose whole text is a 相关信息-style heading."""
    found = []
    for element in soup.find_all(lambda e: compact(e.get_text()) in _RELATED_HEADINGS):
        while element.parent is not None and compact(element.parent.get_text()) == compact(element.get_text()):
            element = element.parent
        if element not in found:
            found.append(element)
    return found


def _drop_related(heading: Tag) -> None:
    """Drop a 相关信息 heading and the lists of links that follow it (nothing else)."""
    if heading.decomposed:
        return
    for sibling in list(heading.find_next_siblings()):
        if not _is_link_list(sibling):
            break
        sibling.decompose()
    heading.decompose()


def _is_link_list(element: Tag) -> bool:
    text = compact(element.get_text())
    links = "".join(compact(a.get_text()) for a in element.find_all("a"))
    return element.find("table") is None and (not text or (bool(links) and links == text))


@dataclass
class _Lines:
    """Rendered lines and the inline text of the line being built."""

    drop_chrome_lines: bool
    lines: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def text(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        line = " ".join("".join(self.parts).split())
        self.parts = []
        if line and not (self.drop_chrome_lines and is_chrome_line(line)):
            self.lines.append(line)

    def add(self, line: str) -> None:
        self.flush()
        self.lines.append(line)


def is_chrome_line(line: str) -> bool:
    """A page tool line (【字体:大 中 小】【打印】, 扫一扫在手机打开当前页, 上一篇/下一篇 links)."""
    text = compact(normalize_line(line))
    if any(phrase in text for phrase in _SCAN_PHRASES) or text.startswith(_NEIGHBOUR_LINKS):
        return True
    if not any(word in text for word in ("字体", "打印", "关闭", "分享", "收藏")):
        return False
    for word in _TOOL_WORDS:
        text = text.replace(word, "")
    return not text.strip(_TOOL_PUNCTUATION)


def _render(node: Tag, out: _Lines) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                out.text(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "br":
            out.flush()
        elif child.name == "table" and child.find("table") is None:
            out.flush()
            for row in table_rows(child):
                out.add(row)
        else:
            block = child.name in _BLOCKS
            if block:
                out.flush()
            _render(child, out)
            if block:
                out.flush()


# ------------------------------------------------------------------------------------ tables

def table_rows(table: Tag) -> list[str]:
    """A data table as markdown pipe rows, one per ``<tr>`` (its caption, if any, first).

    Positions covered by a rowspan or colspan are empty cells in header rows, keeping the header
    grid aligned. In rows that hold a value they are left out: the table reader takes the value
    cells that follow a row's label in order, so an empty cell there would read as a blank value.
    """
    lines = []
    caption = table.find("caption")
    if caption is not None and cell_text(caption):
        lines.append(cell_text(caption))
    for row in _grid(table):
        texts = [text for text in row if text is not None]
        if not any(texts):
            continue
        if not any(is_value_text(text) for text in texts if text):
            texts = ["" if text is None else text for text in row]
        lines.append("| " + " | ".join(texts) + " |")
    return lines


def _grid(table: Tag) -> list[list[str | None]]:
    """The table's rows as positions: a cell's text at its first position, None where a span covers."""
    grid: list[list[str | None]] = []
    covered: dict[int, int] = {}  # position -> further rows a rowspan from above still covers
    for tr in table.find_all("tr"):
        active = {position for position, rows in covered.items() if rows > 0}
        row: list[str | None] = []
        started: dict[int, int] = {}
        for cell in tr.find_all(["td", "th"], recursive=False):
            while len(row) in active:
                row.append(None)
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            for position in range(len(row), len(row) + colspan):
                started[position] = rowspan - 1
            row.append(cell_text(cell))
            row.extend([None] * (colspan - 1))
        while len(row) in active:
            row.append(None)
        covered = {position: rows - 1 for position, rows in covered.items() if position in active}
        covered.update({position: rows for position, rows in started.items() if rows > 0})
        grid.append(row)
    return grid


def _span(cell: Tag, attribute: str) -> int:
    try:
        value = int(str(cell.get(attribute, "1")).strip())
    except ValueError:
        return 1
    return min(max(value, 1), _MAX_SPAN)


def cell_text(cell: Tag) -> str:
    """A cell's text on one line: its inline pieces joined, its block pieces separated by a space."""
    out = _Lines(drop_chrome_lines=False)
    _render(cell, out)
    out.flush()
    return " ".join(out.lines).replace("|", _CELL_BAR).replace("｜", _CELL_BAR)
