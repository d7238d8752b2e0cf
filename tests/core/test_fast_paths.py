"""The parser's fast paths give exactly what the plain code gives (they exist for speed only)."""

import re

from assets.core.narrative import _ANY, _PATTERNS
from assets.core.report import parse_report
from assets.core.tables import _application_row, _item, tokenize
from assets.core.text import _TRANSLATION, normalize_text, split_lines
from assets.core.values import is_value_text
from schemas.catalog import APPLICATION_ROWS, ITEMS, match_code
from tests.conftest import SAMPLE_DIR


def _plain_normalize(text: str) -> list[str]:
    return [line.translate(_TRANSLATION) for line in split_lines(text)]


def test_whole_text_normalization_keeps_every_line_break():
    for text in ("a\r\u200b\nb", "ａ\u3000b\r\nc\u200b\n\n", "x\ry\u200bz", "\ufeff一、总体情况\n"):
        assert normalize_text(text) == _plain_normalize(text)


def test_remembered_label_matches_equal_the_catalog_scan():
    report = parse_report("sample", (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_bytes())
    labels = {"".join(line.split()) for line in report.lines} | {"", "合计", "三、本年度办理结果"}
    for label in labels:
        assert _application_row(label) == match_code(APPLICATION_ROWS, label)
        assert _item(label) == match_code(ITEMS, label)


def test_token_knows_once_whether_it_is_a_value():
    tokens = tokenize(["行政许可\t3\t无\t-\t\t甲"], 1, 1)
    assert [(t.text, t.is_value) for t in tokens] == [(t.text, is_value_text(t.text)) for t in tokens]
    assert [t.is_value for t in tokens] == [False, True, True, True, True, False]


def test_narrative_prefilter_never_hides_a_line_a_pattern_matches():
    lines = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        lines += ["".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
    for text in lines:
        if any(re.search(p, text) for _, patterns in _PATTERNS for p in patterns):
            assert _ANY.search(text)
