"""The console script, as a user runs it."""

import json
import subprocess
import sys

from assets.parser.report import parse_report, to_json
from tests.conftest import ROOT, SAMPLE_DIR

REQUIRED = {"source", "report_id", "year", "template", "agency", "sections", "facts", "issues"}


def test_parse_json_prints_one_object_per_report_with_provenance():
    files = sorted(str(p) for p in SAMPLE_DIR.glob("*.txt"))
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "parse", "--json", *files], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == 5 and all(set(r) >= REQUIRED for r in reports)
    assert [r["year"] for r in reports] == [2020, 2021, 2021, 2020, 2020]
    cell = reports[2]["facts"]["applications"][0]
    assert set(cell) == {"row", "applicant", "value", "cell_status", "raw", "source_line", "file_line"}
    assert {"number", "title", "start_line", "end_line"} <= set(reports[0]["sections"][0])
    assert {"rule", "severity", "message"} <= set(reports[1]["issues"][0])


def test_parse_json_is_the_reports_json_in_utf8_whatever_the_encoder():
    """parse --json writes with orjson: the objects are those json.dumps gave, Chinese as UTF-8, not \\u escapes."""
    files = sorted(SAMPLE_DIR.iterdir())
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "parse", "--json", *map(str, files)], cwd=ROOT,
                            capture_output=True, check=True)
    lines = result.stdout.decode("utf-8").splitlines()
    expected = [to_json(parse_report(path.name, path.read_bytes())) for path in files]
    assert [json.loads(line) for line in lines] == json.loads(json.dumps(expected, ensure_ascii=False))
    assert "\\u" not in result.stdout.decode("utf-8") and "政府信息公开" in lines[0]


def test_parse_reports_unreadable_file_and_carries_on(tmp_path):
    missing = tmp_path / "nope.txt"
    good = sorted(SAMPLE_DIR.glob("*.txt"))[0]
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "parse", "--json", str(missing), str(good)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "cannot read" in result.stderr
    assert json.loads(result.stdout)["source"] == good.name
