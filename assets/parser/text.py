"""Bytes to normalized lines: encoding detection and character normalization.

Belongs here: decoding raw bytes (BOMs, UTF-8, BOM-less UTF-16, GB18030, with charset-normalizer as the
detector of last resort) and the character-level clean-up every later stage relies on. Line
numbers are preserved one-to-one, so line N of the normalized text is line N of the file as a user
opens it: that is what every fact's ``source_line`` points at.
Does not belong here: anything that knows about sections or tables.
"""

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer
import opencc

# Full-width ASCII variants (！ to ～) map to ASCII; odd spaces to a plain space; zero-width characters
# disappear. Ideographic punctuation such as 、 and “ is kept: the template's labels use it.
_TRANSLATION: dict[int, int | str | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_TRANSLATION.update({ord(ch): " " for ch in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                     "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"})
_DELETED = "\u200b\u200c\u200d\u2060\ufeff"
_TRANSLATION.update({ord(ch): None for ch in _DELETED})
_TRANSLATION.update({ord("\u2014"): "—", ord("\u2212"): "-", ord("\uff0d"): "-"})
# ``str.translate`` with a dict looks up every character; replacing only the few distinct characters a text
# holds gives the same text much faster (no replacement is itself replaced; benchmarks/RESULTS.md).
_REPLACEMENTS = {chr(code): "" if to is None else to if isinstance(to, str) else chr(to)
                 for code, to in _TRANSLATION.items()}
_TRANSLATED = re.compile("[" + re.escape("".join(_REPLACEMENTS)) + "]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

LOW_CONFIDENCE = 0.5
MAX_CHAOS = 0.2
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312"})
_MULTIBYTE = frozenset({"gb18030", "big5", "big5hkscs", "utf-16", "utf-16-le", "utf-16-be"})


@dataclass(frozen=True)
class Decoded:
    """Decoded text with how it was decoded."""

    text: str
    encoding: str
    confident: bool


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode raw bytes: BOMs first, then strict UTF-8, then a declared charset (an HTML page's
    ``<meta charset>``) when the bytes decode strictly with it, then GB18030 or what
    charset-normalizer finds."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return Decoded(data.decode(name, errors="replace"), name, True)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", True)
    except UnicodeDecodeError:
        pass
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return Decoded(data.decode(utf16), utf16, True)
    strict = _strict(data, _codec_name(declared)) if declared else None
    if strict is not None and strict.encoding in _MULTIBYTE:  # any bytes are valid Latin-1: proves nothing
        return strict
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding in _GB_FAMILY:
        # The language coherence of Chinese text is low even when decoding is right: a strict
        # GB18030 decode that reads as text (little chaos) is the evidence that counts.
        gb = _strict(data, "gb18030")
        if gb is not None:
            return Decoded(gb.text, gb.encoding, best.chaos <= MAX_CHAOS)
        return Decoded(data.decode("gb18030", errors="replace"), "gb18030", False)
    if best is not None and best.encoding in ("big5", "utf_16_le", "utf_16_be"):
        return Decoded(data.decode(best.encoding, errors="replace"), best.encoding,
                       best.coherence >= LOW_CONFIDENCE)
    gb = _strict(data, "gb18030")
    if gb is not None:
        return gb
    if best is None:
        return _cut_short(data)
    return Decoded(str(best), best.encoding, False)


def _cut_short(data: bytes) -> Decoded:
    """Bytes that decode strictly in nothing and that charset-normalizer cannot place: UTF-8 or GB18030
    when all but the last one to three bytes decode strictly in it (a download cut mid-character), with the
    cut character replaced; else UTF-8 with replacements. Never confident. Read as UTF-8 alone, a GBK report
    missing its last byte became thousands of U+FFFD and was inventoried as no report at all. Damage
    elsewhere (a page of two encodings) is not repaired: read in the wrong one, its year could be misread."""
    for encoding in ("utf-8", "gb18030"):
        if any(_strict(data[:-cut], encoding) is not None for cut in (1, 2, 3)):
            return Decoded(data.decode(encoding, errors="replace"), encoding, False)
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", False)


def decode_again(data: bytes, encoding: str, confident: bool) -> Decoded | None:
    """What ``decode(data)`` returned before (its ``encoding`` and ``confident``), again without detection,
    when ``encoding`` is GB18030: ``decode`` gives GB18030 text only as ``data.decode("gb18030")``, strict or
    with replacements, and finds it through charset-normalizer, which costs many times the decode itself
    (benchmarks/RESULTS.md).
    None for any other encoding: ``decode`` them again (UTF-8 is tried first there anyway)."""
    if encoding != "gb18030":
        return None
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", confident)


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when BOM-less bytes are certainly UTF-16: most NUL bytes of the
    head sit on one side of their code unit (the high byte of ASCII digits and line breaks), and the
    whole file decodes strictly to text with no control characters but tabs and line breaks."""
    head = data[:4096]
    odd = sum(1 for byte in head[1::2] if byte == 0)
    even = sum(1 for byte in head[::2] if byte == 0)
    if len(data) % 2 or odd + even == 0 or min(odd, even) > (odd + even) // 5:
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return codec if not _CONTROL.search(text) else None


def _codec_name(label: str) -> str | None:
    """Python's codec for an encoding label; the GB2312/GBK labels read as their superset GB18030."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name


def _strict(data: bytes, encoding: str | None) -> Decoded | None:
    """The bytes decoded strictly with ``encoding``, or None when they are not valid in it."""
    if encoding is None:
        return None
    try:
        return Decoded(data.decode(encoding), encoding, True)
    except (UnicodeDecodeError, LookupError):
        return None


def normalize_line(line: str) -> str:
    """Normalize one line (or a whole text): full-width to ASCII, odd spaces to spaces, zero-width removed."""
    for char in set(_TRANSLATED.findall(line)):
        line = line.replace(char, _REPLACEMENTS[char])
    return line


def split_lines(text: str) -> list[str]:
    """Split on any line break (CRLF, CR, LF) without dropping the last empty line."""
    if "\r" not in text:  # most texts: ``str.split`` makes the same lines faster than the pattern
        return text.split("\n")
    return _LINE_BREAK.split(text)


def normalize_text(text: str) -> list[str]:
    """The normalized lines of a text, one per source line."""
    if "\r" in text and any(ch in text for ch in _DELETED):  # deleting "\r\u200b\n" would make one break of two
        return [normalize_line(line) for line in split_lines(text)]
    return split_lines(normalize_line(text))  # one call for the whole text: same lines


_MARKUP_START = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:#{1,6}[ \t]+|#{1,6}(?=[一二三四五六七八九十(]))")
_EMPHASIS = re.compile(r"\*\*")


def strip_markup(lines: list[str]) -> list[str]:
    """Markdown's heading marks (``#``), quote marks (``>``) and bold (``**``) removed from each line, so a
    heading reads as its words: ``## **二、主动公开政府信息情况**`` → ``二、主动公开政府信息情况``."""
    return [_EMPHASIS.sub("", _MARKUP_START.sub("", line)) if ("#" in line or ">" in line or "*" in line) else line
            for line in lines]


# Characters only Traditional Chinese writes, frequent in these reports' template wording (開 for 开, …).
_TRADITIONAL = re.compile("[開與關數處請況項議訟據規務導發應辦機條計當這們說為對會於"
                          "實現總結審維糾護權屬國過經區縣鎮鄉]")
_TRADITIONAL_MIN = 12  # in the first _TRADITIONAL_HEAD characters: a Simplified text has none
_TRADITIONAL_HEAD = 4000


@lru_cache(maxsize=1)  # built on first use (it loads its dictionaries), not at import
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """Whether a text is written in Traditional characters (a Simplified report quoting a name in
    Traditional has a few at most). 報 (年度報告) or 開 (公開) is in every such report: most texts end there."""
    head = text[:_TRADITIONAL_HEAD]
    if "報" not in head and "開" not in head:
        return False
    return len(_TRADITIONAL.findall(head)) >= _TRADITIONAL_MIN


def to_simplified(lines: list[str]) -> list[str]:
    """Traditional lines in Simplified characters (OpenCC's t2s), one line for one line, so the catalog's
    labels match; digits and punctuation are unchanged."""
    converter = _to_simplified()
    converted = split_lines(converter.convert("\n".join(lines)))
    return converted if len(converted) == len(lines) else [converter.convert(line) for line in lines]


@lru_cache(maxsize=1 << 14)  # the stages compact each line of a report several times
def compact(text: str) -> str:
    """A label with all whitespace removed, for matching against catalog keys."""
    return "".join(text.split())
