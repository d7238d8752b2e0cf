"""The parser's fast paths give exactly what the plain code gives (they exist for speed only)."""

import dataclasses
import hashlib
import re
from collections import Counter

from assets.parser import report as report_module
from assets.parser import tables
from assets.parser.grid import Cell, application_row, item_of, text_grid
from assets.parser.issues import Issue
from assets.parser.narrative import _ANY, _GATE, _PATTERNS, gate
from assets.parser.reading import read_lines
from assets.parser.report import identify, parse_report
from assets.parser.sections import find_sections
from assets.parser.text import _TRANSLATION, compact, normalize_line, normalize_text, split_lines
from assets.parser.values import is_value_text
from benchmarks.generate_corpus import build_report
from schemas.catalog import APPLICATION_ROWS, ITEMS, match_code
from tests.conftest import ROOT, SAMPLE_DIR, interpreted

FIXTURES = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*")
                  if p.is_file() and p.suffix in (".txt", ".html", ".md"))


def _plain_normalize(text: str) -> list[str]:
    return [line.translate(_TRANSLATION) for line in split_lines(text)]


def test_whole_text_normalization_keeps_every_line_break():
    for text in ("a\r\u200b\nb", "ａ\u3000b\r\nc\u200b\n\n", "x\ry\u200bz", "\ufeff一、总体情况\n"):
        assert normalize_text(text) == _plain_normalize(text)


def test_remembered_label_matches_equal_the_catalog_scan():
    report = parse_report("sample", (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_bytes())
    labels = {"".join(line.split()) for line in report.lines} | {"", "合计", "三、本年度办理结果"}
    for label in labels:
        assert application_row(label) == match_code(APPLICATION_ROWS, label)
        assert item_of(label) == match_code(ITEMS, label)


def test_cell_knows_once_whether_it_is_a_value():
    tokens = text_grid(["行政许可\t3\t无\t-\t\t甲"], 1, 1)
    assert [(t.text, t.is_value) for t in tokens] == [(t.text, is_value_text(t.text)) for t in tokens]
    assert [t.is_value for t in tokens] == [False, True, True, True, True, False]


def test_narrative_prefilter_never_hides_a_line_a_pattern_matches():
    lines = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        lines += ["".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
    for text in lines:
        if any(re.search(p, text) for _, patterns in _PATTERNS for p in patterns):
            assert _ANY.search(text)


def test_narrative_gate_words_are_in_every_line_a_pattern_matches():
    words = _GATE.pattern.split("|")
    assert set(words) >= {"信息", "申请", "行政复议", "行政诉讼"}  # every catalog pattern requires a word
    lines = []
    for name, data in _texts():
        lines += [compact(line) for line in read_lines(name, data).lines]
    matched = [text for text in lines if any(p.search(text) for _, patterns in _PATTERNS for p in patterns)]
    assert len(matched) > 100
    assert all(_GATE.search(text) for text in matched)


def test_narrative_gate_is_open_when_a_pattern_requires_no_word():
    assert gate([r"(?P<value>\d+)(?:件|条)?", r"行政复议\d+件"]).pattern == ""
    assert gate([r"(?:收到|受理)\d+", r"未(?:收到|接到)申请"]).pattern == "受理|收到|申请"
    assert gate([r"(?P<x>收到|受理)\d"]).pattern == "受理|收到"


def _texts() -> list[tuple[str, bytes]]:
    """Every sample and devset report and 150 generated ones (all layouts, GBK, HTML)."""
    generated = [build_report(5, index) for index in range(150)]
    return [(p.name, p.read_bytes()) for p in FIXTURES] + [(r.name, r.data) for r in generated]


def _without_disclosure() -> list[tuple[str, bytes]]:
    """Each seed report with its 表二 section cut out: its template must then come from 表三."""
    texts = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        lines = read_lines(path.name, path.read_bytes()).lines
        for section in find_sections(lines):
            if section.kind == "active_disclosure":
                lines = lines[:section.start_line - 1] + lines[section.end_line:]
        texts.append((f"without_disclosure_{path.name}", "\n".join(lines).encode("utf-8")))
    return texts


def test_replacing_only_present_characters_equals_translate():
    every = "".join(chr(code) for code in _TRANSLATION)
    for text in (every, every[::-1] + "一、总体情况\t", "ａｂ——\u2014\u2212－\u3000\u200b", ""):
        assert normalize_line(text) == text.translate(_TRANSLATION)
    for name, data in _texts()[:40]:
        text = data.decode("utf-8", errors="replace")
        assert normalize_line(text) == text.translate(_TRANSLATION), name


def test_identify_equals_the_full_parse_identity():
    """The inventory's half parse (identify) says what the full parse says, on every kind of file."""
    for name, data in _texts() + _without_disclosure():
        assert identify(name, data) == parse_report(name, data).identity, name


def test_identify_reads_only_disclosure_when_it_decides():
    """identify reads 表三/表四 only when 表二 leaves the template or the cells open; both happen here."""
    shortcuts = fallbacks = 0
    for name, data in _texts() + _without_disclosure():
        lines = read_lines(name, data).lines
        sections = find_sections(lines)
        disclosure = report_module.read_tables(lines, [s for s in sections if s.kind == "active_disclosure"])
        decided = report_module._template(disclosure) != "unknown" and report_module._has_cells(disclosure)
        rows = report_module._identifying_rows(lines, sections)
        assert rows == (disclosure if decided else report_module.read_tables(lines, sections)), name
        shortcuts += decided
        fallbacks += not decided and any(row.table == "applications" for row in rows)
    assert shortcuts > 0 and fallbacks > 0


def test_one_run_rule_equals_the_general_rule():
    """Every row the reader settles whose values are one run: the fast rule decides as the general one.
    The reader runs interpreted here, so that its call of the rule can be replaced by one that runs both."""
    reader = interpreted(tables)
    decided = Counter()

    def both(row, filled_per_run):
        runs = {t.run for t in row.values}
        general = reader._cells_contradict(row, filled_per_run)
        if len(runs) == 1:
            assert reader._one_run_contradicts(row, row.values[0].line, runs.pop(), filled_per_run) == general, row
            decided[general] += 1
        return general

    reader._layout_contradicts = both
    for name, data in _texts():
        lines = read_lines(name, data).lines
        for section in find_sections(lines):
            read = report_module.READERS.get(section.kind)
            if read is not None:
                getattr(reader, read.__name__)(text_grid(lines, section.start_line + 1, section.end_line))
    assert decided[True] >= 2 and decided[False] > 1000, decided


def test_one_run_rule_on_made_up_rows():
    def row(label_line, cells, in_doubt=False):
        return tables.FoundRow("applications", "granted", "予以公开", label_line, label_in_doubt=in_doubt,
                               values=[Cell(text, line, True, line, pace=line) for text, line in cells])

    filled = Counter({6: 7, 8: 1})  # runs numbered as their lines: one run a line
    cases = [row(5, [("1", 6)] * 7, in_doubt=True), row(5, [("1", 6)] * 7), row(6, [("1", 6)] * 3),
             row(5, [("", 6)] * 7, in_doubt=True), row(8, [("2", 8)]), row(7, [("2", 8)], in_doubt=True)]
    decisions = [tables._one_run_contradicts(r, r.values[0].line, r.values[0].run, filled) for r in cases]
    assert decisions == [tables._cells_contradict(r, filled) for r in cases]
    assert decisions == [True, False, True, False, False, False]


def test_tables_built_as_arrow_equal_their_validated_frames(tmp_path):
    """The fact tables and report_tables are written as built in Arrow, not as pandera returns them: that
    is right only while the model's coercion changes nothing, on every sample, devset and generated report."""
    from pathlib import Path

    from assets.pipeline.frames import year_frame
    from assets.pipeline.year_pass import MODELS, Entry, YearTask, run_batch
    from assets.storage.parts import to_arrow

    generated = tmp_path / "generated"
    generated.mkdir()
    for report in (build_report(5, index) for index in range(40)):
        (generated / report.name).write_bytes(report.data)
    rows = 0
    for folder in (SAMPLE_DIR, ROOT / "tests" / "fixtures" / "devset" / "raw", generated):
        by_year: dict[int, list[Entry]] = {}
        for path in sorted(p for p in Path(folder).iterdir() if p.is_file()):
            data = path.read_bytes()
            identity = identify(path.name, data)
            if identity.year.year is not None:
                entry = Entry(path.name, identity.report_id, hashlib.sha256(data).hexdigest(), identity.encoding,
                              identity.encoding_confident, identity.source_format)
                by_year.setdefault(identity.year.year, []).append(entry)
        for year, entries in by_year.items():
            batch = run_batch(YearTask(Path(folder), year, entries))
            assert not batch.failures
            for output in ("report_tables", "fact_active_disclosure", "fact_applications", "fact_review_litigation"):
                built = batch.tables[output]
                rows += built.num_rows
                validated = to_arrow(MODELS[output].validate(year_frame(built, year)))
                assert validated.equals(built), (folder, year, output)  # schema (types) and values
    assert rows > 10_000


def test_issue_as_dict_equals_dataclasses_asdict():
    issue = Issue("blank_cell", "warning", "blank", table="applications", row="new", column="natural",
                  expected="a number", found="")
    assert issue.as_dict() == dataclasses.asdict(issue)
    assert list(issue.as_dict()) == [f.name for f in dataclasses.fields(Issue)]


def test_reading_again_with_the_inventorys_encoding_gives_the_same_text(tmp_path):
    """The year pass reads a text file again with the (encoding, confident) the inventory found: for GB18030
    without the detector. Same lines, encoding and confidence as detecting again, on every sample, devset and
    generated file, and on GB18030 bytes cut mid-character (decoded with a replacement)."""
    from pathlib import Path

    files = [(p.name, p.read_bytes()) for folder in (SAMPLE_DIR, ROOT / "tests" / "fixtures" / "devset" / "raw")
             for p in sorted(Path(folder).iterdir()) if p.is_file()]
    files += [(report.name, report.data) for report in (build_report(9, index) for index in range(80))]
    text = (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_text(encoding="utf-8")
    files.append(("cut_gb.txt", (text + "。").encode("gb18030")[:-1]))  # cut mid-character: GB18030 with a U+FFFD
    gb = 0
    for name, data in files:
        first = read_lines(name, data)  # an HTML page too: read as at first
        assert read_lines(name, data, (first.encoding, first.confident, first.source_format)) == first, name
        gb += first.encoding == "gb18030" and first.source_format == "text"
    assert gb >= 5 and read_lines(*files[-1]).encoding == "gb18030"
