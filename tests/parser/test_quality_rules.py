"""The arithmetic rules: the samples give exactly the results their truth files list, and edited
copies of the samples break exactly the rule the edit breaks."""

import pytest

from assets.parser.report import parse_report
from tests.conftest import SAMPLE_DIR, truth_of

# truth check names → (our rule, the row or proceeding it is about, if any)
TRUTH_RULES = [("一+二", "balance", None), ("(七)总计 = sum", "outcome_sum", None),
               ("总计 = sum of the six", "row_total", None),
               ("行政复议 总计", "review_total", "administrative_review"),
               ("未经复议直接起诉", "review_total", "litigation_direct"),
               ("复议后起诉", "review_total", "litigation_after_review")]
STATUS = {"holds": "holds", "fails": "fails", "not computable": "not_computable"}
SAMPLES = sorted(p.stem for p in SAMPLE_DIR.glob("*.txt"))


def _overall(checks, rule: str, row: str | None) -> str:
    """fails if any equation fails; holds if some hold and none fail; else not computable."""
    statuses = {c.status for c in checks if c.rule == rule and (row is None or c.row == row)}
    return "fails" if "fails" in statuses else "holds" if "holds" in statuses else "not_computable"


@pytest.mark.parametrize("stem", SAMPLES)
def test_rule_results_equal_the_truth_checks(stem):
    path = SAMPLE_DIR / f"{stem}.txt"
    report = parse_report(path.name, path.read_bytes())
    compared = 0
    for check in truth_of(stem)["checks"]:
        match = next(((rule, row) for key, rule, row in TRUTH_RULES if check["rule"].startswith(key)
                      or f" {key}" in check["rule"]), None)
        if match is None:
            continue  # narrative-vs-table checks: not computed yet (needs narrative facts)
        assert _overall(report.checks, *match) == STATUS[check["status"]], f"{stem}: {check['rule']}"
        compared += 1
    assert compared == 6


def _edited(stem: str, old: str, new: str, occurrence: int = 1):
    text = (SAMPLE_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if line.strip().replace("\xa0", "") == old]
    lines[hits[occurrence - 1]] = lines[hits[occurrence - 1]].replace(old, new)
    return parse_report(f"{stem}-edited.txt", "\n".join(lines).encode("utf-8"))


def _issues(report, rule):
    return sorted((i.row, i.column, i.expected, i.found) for i in report.issues if i.rule == rule)


def test_handled_total_edited_breaks_balance_outcome_sum_and_row_total():
    """Seed 002: (七)总计 自然人 16 → 15. 17+0 ≠ 15+1; (一)..(六) give 16; the row sums 15+2 ≠ 18."""
    report = _edited("002_a6a6458d8018b677", "16", "15")
    assert _issues(report, "balance") == [(None, "natural_person", "17", "16")]
    assert _issues(report, "outcome_sum") == [("handled_total", "natural_person", "15", "16")]
    assert _issues(report, "row_total") == [("handled_total", "total", "18", "17")]
    assert _issues(report, "review_total") == []


def test_review_value_edited_breaks_review_total():
    """Seed 003: 表四 行政复议 结果维持 0 → 2 while its 总计 stays 0."""
    path = SAMPLE_DIR / "003_22aab187490cdc1c.txt"
    text = path.read_text(encoding="utf-8").replace("| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                                                    "| 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    report = parse_report("003-edited.txt", text.encode("utf-8"))
    assert _issues(report, "review_total") == [("administrative_review", "total", "0", "2")]


def test_other_handling_sum_checked_when_both_sum_row_and_sub_rows_are_given():
    """Seed 002 with a (六)其他处理 sum row of 1s inserted before its three zero sub-rows."""
    text = (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_text(encoding="utf-8")
    head, tail = text.split("(六)其他处理", 1)
    text = head + "(六)其他处理\n\n" + "\n\n".join(["1"] * 7) + "\n\n" + tail.lstrip("\n")
    report = parse_report("002-edited.txt", text.encode("utf-8"))
    failures = _issues(report, "other_handling_sum")
    assert failures == [("other_handling", c, "1", "0") for c in sorted(
        ["commercial_enterprise", "legal_service_org", "natural_person", "other_org", "research_institution",
         "social_welfare_org", "total"])]


def test_year_conflict_and_missing_cells_are_reported():
    path = SAMPLE_DIR / "001_64ff3bdd190e597a.txt"
    report = parse_report(path.name, path.read_bytes())
    conflict = [i for i in report.issues if i.rule == "year_conflict"]
    assert len(conflict) == 1 and (conflict[0].expected, conflict[0].found) == ("2021", "2020")
    path = SAMPLE_DIR / "000_0e7b839799d88c56.txt"
    report = parse_report(path.name, path.read_bytes())
    missing = [i for i in report.issues if i.rule == "missing_cells"]
    assert len(missing) == 23 and all((i.expected, i.found) == ("7", "2") for i in missing)


NARRATIVE_TRUTH = {"active_items_published": "active_items_published", "applications_received": "applications_received",
                   "admin_review_cases": "admin_review_cases", "admin_litigation_cases": "admin_litigation_cases"}


@pytest.mark.parametrize("stem", SAMPLES)
def test_narrative_figures_equal_truth(stem):
    truth = truth_of(stem)["narrative_facts"]
    path = SAMPLE_DIR / f"{stem}.txt"
    found = {n.measure: n.value for n in parse_report(path.name, path.read_bytes()).narrative}
    expected = {k: truth[k] for k in NARRATIVE_TRUTH if truth.get(k) is not None}
    if stem.startswith("004"):  # the truth folds both into admin_review_and_litigation_cases = 0
        expected |= {"admin_review_cases": 0, "admin_litigation_cases": 0}
    assert found == expected


def test_narrative_contradicting_the_table_is_reported():
    """Seed 002 with its prose edited to 20 applications received while 表三 says 19."""
    report = _edited_text("002_a6a6458d8018b677", "收到依申请公开信息19件", "收到依申请公开信息20件")
    assert _issues(report, "narrative_mismatch") == [("applications_received", "total", "20", "19")]


def _edited_text(stem: str, old: str, new: str):
    text = (SAMPLE_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    assert old in text
    return parse_report(f"{stem}-edited.txt", text.replace(old, new).encode("utf-8"))


def test_same_agency_year_message_stays_short_for_a_large_group():
    """Regression (same_agency_message_quadratic): every row of an agency with n reports listed all n
    paths, so a group of 2,000 reports wrote 2,000 × 2,000 paths; the message now names 5 and counts the rest."""
    import pandas as pd

    from assets.pipeline.frames import ISSUE_COLUMNS, same_agency_issues

    dims = pd.DataFrame({"report_id": [f"r{i}" for i in range(2003)],
                         "source_path": [f"big/{i:04d}.txt" for i in range(2000)] + ["a.txt", "b.txt", "c.txt"],
                         "agency_id": ["110000/x"] * 2000 + ["120000/y", None, "120000/y"]})
    parts = list(same_agency_issues(dims, 2024, rows=1000))
    assert [len(part) for part in parts] == [1000, 1000, 2]  # in slices of at most ``rows`` issues
    issues = pd.concat(parts, ignore_index=True)
    assert list(issues.columns) == ISSUE_COLUMNS
    assert len(issues) == 2002 and "b.txt" not in set(issues["source_path"])
    assert set(issues["found"]) == {"2000", "2"} and (issues["year"] == 2024).all()
    big = issues[issues["found"] == "2000"]["message"].unique()
    assert big.tolist() == ["110000/x has 2000 different reports this year: big/0000.txt, big/0001.txt, "
                            "big/0002.txt, big/0003.txt, big/0004.txt, and 1995 more"]
    assert issues[issues["found"] == "2"]["message"].unique().tolist() == [
        "120000/y has 2 different reports this year: a.txt, c.txt"]
    assert list(same_agency_issues(dims.iloc[:0], 2024, rows=1000)) == []
    alone = pd.DataFrame({"report_id": ["r1"], "source_path": ["a.txt"], "agency_id": pd.array(["1/x"], "str")})
    assert list(same_agency_issues(alone, 2024, rows=1000)) == []  # nothing to join (str + float failed)
