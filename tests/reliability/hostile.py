"""Hostile inputs built from the real samples (data/sample), and the two promises every test checks.

Builders return text or bytes; nothing large is committed. ``wrong_numbers`` compares a mutated
report with its original: a placed number must be the original's number for the same cell.
``unsupported_numbers`` needs no original: a placed number's ``raw`` text must be on its
``source_line`` and must read as that value.
"""

import random
from pathlib import Path

from assets.parser.report import ParsedReport
from assets.parser.sections import find_sections
from assets.parser.values import parse_cell
from tests.conftest import SAMPLE_DIR

SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))
TABLE_KINDS = ("active_disclosure", "applications", "review_litigation")

# Simplified → traditional for every character of the samples that has a distinct traditional form
# (a test-local table: the product has no conversion dependency, see test_bad_input.py).
_TRADITIONAL_PAIRS = (
    "万萬与與专專业業两兩严嚴个個丰豐为為举舉义義乌烏乐樂习習乡鄉书書乱亂争爭于於会會传傳优優众眾体體余餘价價"
    "党黨关關内內决決况況准準减減几幾划劃则則创創别別办辦务務动動励勵势勢区區华華协協单單厅廳压壓参參双雙"
    "发發变變台臺号號员員听聽响響国國图圖围圍场場坚堅备備复復够夠头頭奖獎学學实實审審宽寬对對导導将將尽盡"
    "层層属屬岗崗带帶广廣庆慶应應废廢开開强強归歸录錄彻徹径徑总總态態户戶扩擴扫掃扰擾执執护護报報拟擬择擇"
    "挥揮换換据據数數断斷无無时時显顯晓曉暂暫机機权權杂雜条條来來极極构構标標栏欄样樣档檔检檢楼樓测測济濟"
    "浏瀏渐漸满滿点點热熱现現环環电電畅暢监監盖蓋盘盤确確础礎种種积積称稱稳穩竞競筹籌签簽简簡类類紧緊纠糾"
    "约約级級纳納线線组組细細织織终終经經结結络絡绝絕统統继繼续續维維编編缓緩缴繳网網罚罰职職联聯舆輿节節"
    "范範获獲营營虚虛虽雖补補规規视視览覽计計认認让讓训訓议議讯訊记記讲講许許讼訟设設访訪证證评評识識诉訴"
    "话話询詢请請读讀谁誰调調谋謀谨謹谯譙贫貧负負财財责責账賬质質购購贯貫贴貼费費资資转轉载載较較达達过過"
    "运運还還这這进進选選邮郵针針钱錢铜銅镇鎮长長门門问問间間闻聞阅閱队隊际際随隨隐隱难難页頁项項顺順预預"
    "领領频頻题題额額馈饋们們处處后後历歷纸紙")
TRADITIONAL = str.maketrans(_TRADITIONAL_PAIRS[0::2], _TRADITIONAL_PAIRS[1::2])


def sample_text(index: int) -> str:
    return SAMPLES[index].read_text(encoding="utf-8")


def table_blocks(text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """The text's lines and, per table section, its 0-based [start, end) line range (heading included)."""
    lines = text.split("\n")
    return lines, {s.kind: (s.start_line - 1, s.end_line) for s in find_sections(lines) if s.kind in TABLE_KINDS}


def truncated_mid_table(text: str, kind: str = "applications") -> str:
    """The report cut in the middle of one table, as an interrupted download leaves it."""
    lines, blocks = table_blocks(text)
    start, end = blocks[kind]
    return "\n".join(lines[: (start + end) // 2])


def shuffled_tables(text: str) -> str:
    """The three table sections in reverse order (表四, 表三, 表二), everything else in place."""
    lines, blocks = table_blocks(text)
    spans = sorted(blocks.values())
    first, last = spans[0][0], spans[-1][1]
    moved = [lines[a:b] for a, b in reversed(spans)]
    return "\n".join(lines[:first] + [line for block in moved for line in block] + lines[last:])


def duplicated_table(text: str, kind: str = "applications") -> str:
    """One table section printed twice in a row (a copy-paste slip)."""
    lines, blocks = table_blocks(text)
    start, end = blocks[kind]
    return "\n".join(lines[:end] + lines[start:end] + lines[end:])


def mixed_encodings(text: str) -> bytes:
    """First half UTF-8, second half GB18030: a page assembled from two sources."""
    half = len(text) // 2
    return text[:half].encode("utf-8") + text[half:].encode("gb18030")


def facts_by_cell(report: ParsedReport) -> dict[tuple, tuple]:
    return {(f.table, f.row, f.column): (f.value, f.cell_status) for f in report.facts}


def wrong_numbers(report: ParsedReport, original: ParsedReport) -> list[tuple]:
    """Cells placed as numbers in ``report`` that the original does not hold with that very value."""
    base = facts_by_cell(original)
    return [(f.table, f.row, f.column, f.value, base.get((f.table, f.row, f.column)))
            for f in report.facts if f.cell_status == "number"
            and base.get((f.table, f.row, f.column)) != (f.value, "number")]


def unsupported_numbers(report: ParsedReport) -> list[tuple]:
    """Number cells whose raw text is not on their source line, or does not read as their value."""
    bad = []
    for fact in report.facts:
        if fact.cell_status != "number":
            continue
        line = report.lines[fact.source_line - 1] if fact.source_line and fact.source_line <= len(report.lines) else ""
        if not fact.raw or fact.raw not in line or parse_cell(fact.raw).value != fact.value:
            bad.append((fact.table, fact.row, fact.column, fact.value, fact.raw, fact.source_line))
    return bad


def deleted_lines(text: str, rng: random.Random, share: float) -> str:
    return "\n".join(line for line in text.split("\n") if rng.random() >= share)


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path
