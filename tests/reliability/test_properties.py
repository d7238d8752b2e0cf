"""Property-based tests (hypothesis) of the pure parser: arbitrary text, and random mutations of the
real samples (deleted lines, swapped cells, inserted noise).

For every input: ``parse_report`` and ``to_json`` never raise; every ``number`` cell's ``raw`` is on
its ``source_line`` of the normalized lines and reads as its value; the JSON keeps its schema. A
sample whose prose lines were deleted never places a number the original does not hold for that cell.
Deleting lines *inside* a table is held only to the first promises: with one cell per line, a lost
blank cell together with the lost empty line after its row leaves a row that reads like a true one
(the cell lines keep an even pace); a lost cell line alone is caught (test_bad_input).
Bounded (max_examples, no deadline) so the suite stays fast.
"""

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.parser.report import parse_report, to_json
from assets.pipeline.ingest import InventoryEntry, read_entry
from schemas.catalog import CELL_STATUSES, FACT_TABLES
from tests.reliability.hostile import SAMPLES, sample_text, table_blocks, unsupported_numbers, wrong_numbers

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXTS = [sample_text(i) for i in range(len(SAMPLES))]
ORIGINALS = [parse_report(s.name, s.read_bytes()) for s in SAMPLES]
# The output schema is the one every real sample has: the same keys, per table the same cell keys.
REFERENCE = to_json(ORIGINALS[2])
TOP_KEYS = set(REFERENCE)
CELL_KEYS = {table: set(cells[0]) for table, cells in REFERENCE["facts"].items()}
ISSUE_KEYS = set(REFERENCE["issues"][0])

# Text that looks like reports: template words, digits, separators, layout characters.
PIECES = ["一、", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
          "四、政府信息公开行政复议、行政诉讼情况",
          "第二十条第(一)项", "信息内容", "规章", "规范性文件", "本年新收政府信息公开申请数量", "(七)总计",
          "自然人", "总计",
          "行政复议", "维持", "纠正", "2021年", "2019年度", "统计期限为2020年", "无", "-", "/", "0", "7", "12", "1,234",
          "3.5万元", "件", "|", " | ", "\t", "\n", "\n\n", " ", "\u3000", "(", ")", "、", "。", "<td>", "</td>", "<tr>"]
report_like = st.lists(st.sampled_from(PIECES), max_size=300).map("".join)
any_text = st.text(max_size=3000)


def check_schema(payload: dict) -> None:
    """The JSON form has its keys, its cell fields and its known statuses, and is serialisable."""
    assert set(payload) == TOP_KEYS
    assert set(payload["facts"]) == set(FACT_TABLES)
    for table, cells in payload["facts"].items():
        for cell in cells:
            assert set(cell) == CELL_KEYS[table]
            assert cell["cell_status"] in CELL_STATUSES
            assert cell["value"] is None or cell["cell_status"] in ("number", "none_word")
            assert cell["source_line"] is None or cell["source_line"] >= 1
    assert all(set(issue) == ISSUE_KEYS for issue in payload["issues"])
    json.dumps(payload, ensure_ascii=False)


def check_report(source: str, data: bytes):
    report = parse_report(source, data)
    check_schema(to_json(report))
    assert unsupported_numbers(report) == []
    entry = read_entry(source, data)
    assert read_entry(source, data, full=False) == InventoryEntry(**(vars(entry) | {"report": None}))
    assert entry.outcome in ("report", "not_a_report", "no_year", "year_out_of_range", "unreadable")
    assert (entry.reason is None) == (entry.outcome == "report")
    return report


# ------------------------------------------------------------------------------------ arbitrary text

@BOUNDED
@given(text=any_text)
def test_arbitrary_text_never_raises_and_places_only_printed_numbers(text):
    check_report("any.txt", text.encode("utf-8"))


@BOUNDED
@given(text=report_like)
def test_report_like_noise_never_raises_and_places_only_printed_numbers(text):
    check_report("noise.txt", text.encode("utf-8"))


@BOUNDED
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    entry = read_entry("blob.bin", data)
    if entry.report is not None:
        check_schema(to_json(entry.report))
        assert unsupported_numbers(entry.report) == []


@BOUNDED
@given(text=report_like, as_html=st.booleans())
def test_report_like_html_never_raises(text, as_html):
    page = f"<html><body><table><tr><td>{text}</td></tr></table><p>{text}</p></body></html>" if as_html else text
    check_report("page.html", page.encode("utf-8"))


# ------------------------------------------------------------------------------------ mutated samples

def mutate(text: str, seed: int, deletes: float, swaps: int, noise: int) -> str:
    """Delete a share of the lines, swap cells (adjacent lines or tab/pipe cells), insert noise lines."""
    rng = random.Random(seed)
    lines = [line for line in text.split("\n") if rng.random() >= deletes]
    for _ in range(swaps):
        if len(lines) < 2:
            break
        at = rng.randrange(len(lines) - 1)
        cells = lines[at].split("|") if "|" in lines[at] else None
        if cells and len(cells) > 3:
            a, b = rng.sample(range(1, len(cells) - 1), 2)
            cells[a], cells[b] = cells[b], cells[a]
            lines[at] = "|".join(cells)
        else:
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
    for _ in range(noise):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(PIECES) + rng.choice(["", "8", " 9 ", "\t5", "|6|"]))
    return "\n".join(lines)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.sampled_from(range(len(SAMPLES))), seed=st.integers(0, 2**32 - 1),
       deletes=st.sampled_from([0.0, 0.01, 0.05, 0.2]), swaps=st.integers(0, 8), noise=st.integers(0, 8))
def test_mutated_sample_never_raises_and_places_only_printed_numbers(index, seed, deletes, swaps, noise):
    check_report(SAMPLES[index].name, mutate(TEXTS[index], seed, deletes, swaps, noise).encode("utf-8"))


def without_prose_lines(index: int, seed: int, share: float) -> str:
    """The sample with a share of its lines outside the three tables deleted (prose, headings, chrome)."""
    rng = random.Random(seed)
    lines, blocks = table_blocks(TEXTS[index])
    inside = {n for start, end in blocks.values() for n in range(start + 1, end)}
    return "\n".join(line for n, line in enumerate(lines) if n in inside or rng.random() >= share)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.sampled_from(range(len(SAMPLES))), seed=st.integers(0, 2**32 - 1),
       share=st.sampled_from([0.05, 0.2, 0.5, 1.0]))
def test_sample_with_prose_lines_deleted_never_places_a_number_the_original_does_not_hold(index, seed, share):
    report = check_report(SAMPLES[index].name, without_prose_lines(index, seed, share).encode("utf-8"))
    assert wrong_numbers(report, ORIGINALS[index]) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.sampled_from(range(len(SAMPLES))), seed=st.integers(0, 2**32 - 1),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_mutated_sample_in_any_encoding_keeps_the_properties(index, seed, encoding):
    text = mutate(TEXTS[index], seed, 0.02, 3, 3)
    check_report(SAMPLES[index].name, text.encode(encoding))
