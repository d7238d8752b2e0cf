"""Saved HTML pages to text lines: the one module that knows HTML.

Belongs here: recognising an HTML page, removing what is not the report (scripts, styles, form
controls, navigation, footers, 【字体:打印】-style tool lines, 扫一扫 lines, 相关信息 link lists) and
rendering the rest as lines. Block elements (p, div, br, h1-h6, li, ...) break lines; inline runs such
as a label split over many ``<span>``s join into one text. Every data ``<table>`` becomes markdown pipe
rows, one ``<tr>`` per line, so the one table reader in tables.py reads it like a Markdown table.
Removal is conservative: an element is dropped as page chrome only when it holds no table, no
``<h1>`` and little text, so report body text is never lost. Pages are parsed with lxml, which is
fast on large pages and knows the source line of every element: each rendered line keeps the line
of the HTML file it starts on (``render_page``), so a fact read from a page can be found in the file.
Does not belong here: decoding bytes (text.py), reading rows and placing cells (tables.py).
"""

import os
import re
from dataclasses import dataclass, field

import lxml.html
from bs4 import BeautifulSoup
from bs4.dammit import EncodingDetector

from .positions import pipe_rows
from .text import compact, normalize_line, split_lines

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
    if os.path.splitext(source_path)[1].lower() not in HTML_SUFFIXES or "<" not in text:
        return False
    return BeautifulSoup(text, "html.parser").find(True) is not None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its ``<meta>`` (or XML declaration), if any."""
    return EncodingDetector.find_declared_encoding(data, is_html=True)


# ------------------------------------------------------------------------------------ render

@dataclass(frozen=True)
class RenderedPage:
    """The report's lines of an HTML page and, for each, the line of the HTML file it starts on."""

    lines: list[str]
    source_lines: list[int]


def html_lines(text: str) -> list[str]:
    """The report's text lines of an HTML page: chrome removed, tables as markdown pipe rows."""
    return render_page(text).lines


def render_page(text: str) -> RenderedPage:
    """Parse the page with lxml, drop the chrome, render the rest; every line keeps its source line."""
    root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    strip_chrome(root)
    out = _Lines(drop_chrome_lines=True)
    _render(root, out)
    out.flush()
    return RenderedPage(out.lines, out.source_lines)


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def strip_chrome(root: lxml.html.HtmlElement) -> None:
    """Remove scripts, styles, form controls, navigation, footers and 相关信息 link lists in place."""
    for element in list(root.iter(*_ALWAYS_DROPPED)):
        _drop(element)
    for element in [e for e in root.iter() if _is_chrome(e)]:
        if _attached(element, root) and _is_small_chrome(element):
            _drop(element)
    for heading in _related_headings(root):
        _drop_related(heading)


def _drop(element: lxml.html.HtmlElement) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def _attached(element: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    """Whether an element is still in the tree (an ancestor of it may have been dropped already)."""
    return next((a for a in element.iterancestors() if a is root), None) is not None or element is root


def _is_chrome(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag in _CHROME_TAGS or element.get("role") in _CHROME_ROLES:
        return True
    names = [*(element.get("class") or "").split(), element.get("id") or ""]
    return any(word.lower().rstrip("0123456789") in _CHROME_NAMES
               for name in names for word in _NAME_WORD.split(name))


def _is_small_chrome(element: lxml.html.HtmlElement) -> bool:
    """Chrome is dropped only when it cannot be report text: no table, no title, little text."""
    if next(element.iter("table", "h1"), None) is not None:
        return False
    return len(compact(element.text_content())) <= _CHROME_MAX_CHARS


def _related_headings(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The outermost elements whose whole text is a 相关信息-style heading."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str) or compact(element.text or "") not in _RELATED_HEADINGS:
            continue
        heading = compact(element.text_content())
        if heading not in _RELATED_HEADINGS:
            continue
        while element.getparent() is not None and compact(element.getparent().text_content()) == heading:
            element = element.getparent()
        if element not in found:
            found.append(element)
    return found


def _drop_related(heading: lxml.html.HtmlElement) -> None:
    """Drop a 相关信息 heading and the lists of links that follow it (nothing else)."""
    if heading.getparent() is None:
        return
    for sibling in list(heading.itersiblings()):
        if not isinstance(sibling.tag, str):
            continue
        if not _is_link_list(sibling):
            break
        _drop(sibling)
    _drop(heading)


def _is_link_list(element: lxml.html.HtmlElement) -> bool:
    text = compact(element.text_content())
    links = "".join(compact(a.text_content()) for a in element.iter("a"))
    return next(element.iter("table"), None) is None and (not text or (bool(links) and links == text))


@dataclass
class _Lines:
    """Rendered lines, the source line each starts on, and the inline text of the line being built."""

    drop_chrome_lines: bool
    lines: list[str] = field(default_factory=list)
    source_lines: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    start: int | None = None

    def text(self, text: str, source_line: int | None) -> None:
        if self.start is None and text.strip():
            self.start = source_line
        self.parts.append(text)

    def flush(self) -> None:
        line = " ".join("".join(self.parts).split())
        if line and not (self.drop_chrome_lines and is_chrome_line(line)):
            self.lines.append(line)
            self.source_lines.append(self.start or 1)
        self.parts, self.start = [], None

    def add(self, line: str, source_line: int | None) -> None:
        self.flush()
        self.lines.append(line)
        self.source_lines.append(source_line or 1)


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


def _render(element: lxml.html.HtmlElement, out: _Lines) -> None:
    """Render an element's content: its text, then each child followed by the text after it."""
    if element.text:
        out.text(element.text, element.sourceline)
    for child in element:
        if isinstance(child.tag, str):
            _render_child(child, out)
        if child.tail:
            out.text(child.tail, child.sourceline)


def _render_child(child: lxml.html.HtmlElement, out: _Lines) -> None:
    if child.tag == "br":
        out.flush()
    elif child.tag == "pre":  # preformatted text keeps its lines, tabs and blank lines
        out.flush()
        for offset, line in enumerate(split_lines(child.text_content())):
            out.add(line, child.sourceline + offset)
    elif child.tag == "table" and next(child.iterdescendants("table"), None) is None:
        out.flush()
        for row, source_line in table_rows(child):
            out.add(row, source_line)
    else:
        block = child.tag in _BLOCKS
        if block:
            out.flush()
        _render(child, out)
        if block:
            out.flush()


# ------------------------------------------------------------------------------------ tables

def table_rows(table: lxml.html.HtmlElement) -> list[tuple[str, int]]:
    """A data table as markdown pipe rows (positions.py), one per ``<tr>`` (its caption, if any, first),
    each with the source line of its ``<tr>``."""
    lines = []
    caption = next(table.iter("caption"), None)
    if caption is not None and cell_text(caption):
        lines.append((cell_text(caption), caption.sourceline))
    grid = _grid(table)
    lines += [(rendered[0], source_line) for rendered, (_, source_line) in
              zip(pipe_rows([row for row, _ in grid]), grid, strict=True) if rendered is not None]
    return lines


def _grid(table: lxml.html.HtmlElement) -> list[tuple[list[str | None], int]]:
    """The table's rows as positions: a cell's text at its first position, None where a span covers."""
    grid: list[tuple[list[str | None], int]] = []
    covered: dict[int, int] = {}  # position -> further rows a rowspan from above still covers
    for tr in table.iter("tr"):
        active = {position for position, rows in covered.items() if rows > 0}
        row: list[str | None] = []
        started: dict[int, int] = {}
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
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
        grid.append((row, tr.sourceline))
    return grid


def _span(cell: lxml.html.HtmlElement, attribute: str) -> int:
    try:
        value = int(str(cell.get(attribute, "1")).strip())
    except ValueError:
        return 1
    return min(max(value, 1), _MAX_SPAN)


def cell_text(cell: lxml.html.HtmlElement) -> str:
    """A cell's text on one line: its inline pieces joined, its block pieces separated by a space."""
    out = _Lines(drop_chrome_lines=False)
    _render(cell, out)
    out.flush()
    return " ".join(out.lines).replace("|", _CELL_BAR).replace("｜", _CELL_BAR)
