"""The benchmark corpus generator: deterministic, and its truth agrees with the parser cell by cell.

Truth labels are mapped to codes with the independent tables in benchmarks/truth.py, so a generator that
printed a label under the wrong code would show up here as a wrong cell.
"""

from pathlib import Path

from assets.parser.report import parse_report
from benchmarks.generate_corpus import build_report, generate
from benchmarks.truth import MISSING, expected_cells

VALUED = ("number", "none_word")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(tmp_path: Path):
    generate(20, 11, tmp_path / "a")
    generate(20, 11, tmp_path / "b")
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(first) == 40
    assert first == second


def test_another_seed_gives_other_reports():
    assert build_report(11, 0).data != build_report(12, 0).data


def _silently_wrong(expected: dict, report) -> list[str]:
    """Cells where the parser emitted a value the truth does not have (or one it cannot place)."""
    found = {(f.table, f.row, f.column): f for f in report.facts}
    wrong = []
    for key, value in expected.items():
        fact = found.get(key)
        if fact is None or fact.cell_status not in VALUED:
            continue
        if value is MISSING or value is None or abs(fact.value - value) > 1e-9:
            wrong.append(f"{key}: truth={value} parsed={fact.value} raw={fact.raw!r}")
    return wrong


def test_parsed_generated_reports_have_no_silently_wrong_cell():
    wrong, exact = [], 0
    for index in range(30):
        generated = build_report(5, index)
        report = parse_report(generated.name, generated.data)
        expected = expected_cells(generated.truth)
        wrong += [f"{generated.name} {w}" for w in _silently_wrong(expected, report)]
        exact += sum(1 for f in report.facts if f.cell_status in VALUED)
        assert report.year.year == generated.truth["report_year"], generated.name
        assert report.template == generated.truth["template"], generated.name
    assert not wrong, wrong[:10]
    assert exact > 30 * 100  # most cells were read, not merely flagged
