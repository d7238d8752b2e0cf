"""Regression tests named after the layout bugs that gave wrong numbers with no issue raised, or no table."""

from assets.parser.report import parse_report

TITLE = "某市某局2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作正常。\n"
APPLICATIONS_HEAD = "三、收到和处理政府信息公开申请情况\n"


def _cells(text: str, table: str) -> dict[tuple[str, str], float | None]:
    report = parse_report("t.txt", (TITLE + text).encode("utf-8"))
    return {(f.row, f.column): f.value for f in report.facts if f.table == table and f.cell_status == "number"}


def test_reordered_columns_follow_the_headers_total_first():
    """总计 printed first and 科研机构 before 商业企业: columns were taken in catalog order (wrong, unflagged)."""
    text = APPLICATIONS_HEAD + (
        "| | 总计 | 自然人 | 法人或其他组织 | | | | |\n"
        "| | | | 科研机构 | 商业企业 | 社会公益组织 | 法律服务机构 | 其他 |\n"
        "| 一、本年新收政府信息公开申请数量 | 9 | 1 | 2 | 3 | 0 | 0 | 3 |\n")
    cells = _cells(text, "applications")
    assert cells[("new_received", "total")] == 9
    assert cells[("new_received", "research_institution")] == 2
    assert cells[("new_received", "commercial_enterprise")] == 3
    assert cells[("new_received", "other_org")] == 3


def test_total_first_with_one_applicant_header_unreadable_places_nothing():
    """A PDF whose 自然人 lost a character (自然): the headers named six of seven columns, each header line in
    the template's order on its own, so the template's order was taken with 总计 printed first: every
    column shifted, wrong and unflagged. The group 法人或其他组织 orders its sub-columns: the order is known
    to contradict the template, so nothing is placed."""
    text = APPLICATIONS_HEAD + (
        "| | 总计 | 自然 | 法人或其他组织 | | | | |\n"
        "| | | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
        "| 一、本年新收政府信息公开申请数量 | 19 | 17 | 2 | 0 | 0 | 0 | 0 |\n")
    report = parse_report("t.txt", (TITLE + text).encode("utf-8"))
    row = [f for f in report.facts if f.row == "new_received"]
    assert row and {f.cell_status for f in row} == {"missing"}
    assert any(i.rule == "missing_cells" and i.table == "applications" for i in report.issues)


def test_reordered_outcomes_follow_the_headers():
    text = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n"
            "结果纠正 结果维持 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n"
            "结果纠正 结果维持 其他结果 尚未审结 总计 结果纠正 结果维持 其他结果 尚未审结 总计\n"
            "1 2 0 0 3 0 0 0 0 0 0 0 0 0 0\n")
    report = parse_report("t.txt", (TITLE + text).encode("utf-8"))
    cells = {(f.row, f.column): f.value for f in report.facts if f.table == "review_litigation"}
    assert cells[("administrative_review", "corrected")] == 1
    assert cells[("administrative_review", "upheld")] == 2
    assert any(i.rule == "columns_from_headers" for i in report.issues)


def test_headers_that_contradict_the_template_and_cannot_be_mapped_place_nothing():
    text = APPLICATIONS_HEAD + ("总计 自然人 商业企业\n"
                                "一、本年新收政府信息公开申请数量 9 1 2 3 0 0 3\n")
    report = parse_report("t.txt", (TITLE + text).encode("utf-8"))
    row = [f for f in report.facts if f.row == "new_received"]
    assert row and {f.cell_status for f in row} == {"missing"}


def test_two_rows_on_one_line_stay_apart():
    """'规章 0 0 0 规范性文件 1 2 3': the first label took the second row's values (wrong, unflagged)."""
    text = ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
            "规章 0 0 0 行政规范性文件 1 2 3\n")
    cells = _cells(text, "active_disclosure")
    assert [cells[("regulations", m)] for m in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert [cells[("normative_documents", m)] for m in ("issued", "repealed", "in_force")] == [1, 2, 3]


def test_cells_ending_in_a_pipe_and_bare_pipe_blanks():
    """Web text with one cell per line ending in ' |' and a bare '|' for an empty cell: no table was read."""
    text = APPLICATIONS_HEAD + "自然人 |\n一、本年新收政府信息公开申请数量 |\n" + "|\n" * 6 + "4 |\n||\n"
    report = parse_report("t.txt", (TITLE + text).encode("utf-8"))
    row = {f.column: (f.cell_status, f.value) for f in report.facts if f.row == "new_received"}
    assert row["total"] == ("number", 4)
    assert row["natural_person"] == ("blank", None)


def test_bare_pipe_line_opening_a_row_is_not_a_cell():
    """A bare '|' before each row's label (wild 005, 021) must not fill a short row's last cell."""
    text = ("二、主动公开政府信息情况\n|\n第二十条第(一)项 |\n|\n信息内容 |\n本年制发件数 |\n本年废止件数 |\n"
            "现行有效件数 |\n|\n规章 |\n0 |\n0 |\n|\n行政规范性文件 |\n5 |\n12 |\n8 |\n")
    report = parse_report("t.txt", (TITLE + text).encode("utf-8"))
    regulations = {f.column: f.cell_status for f in report.facts if f.row == "regulations"}
    assert set(regulations.values()) == {"missing"}  # two values for three cells: flagged, not padded
    normative = {f.column: f.value for f in report.facts if f.row == "normative_documents"}
    assert normative == {"issued": 5, "repealed": 12, "in_force": 8}


def test_markdown_heading_marks_do_not_hide_sections():
    text = ("## **二、主动公开政府信息情况**\n第二十条第(一)项\n"
            "信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 7 0 9\n")
    assert _cells(text, "active_disclosure")[("regulations", "in_force")] == 9


def test_inference_stays_missing_when_no_identity_decides():
    """A 表二 row of run-together digits has no identity: never inferred. A 表三 row whose cuts the checks
    cannot tell apart stays missing with the candidates."""
    body = ("二、主动公开政府信息情况 第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章 000"
            "行政规范性文件693665 三、收到和处理政府信息公开申请情况 申请人情况自然人法人或其他组织总计"
            "一、本年新收政府信息公开申请数量270020130二、上年结转政府信息公开申请数量0000000"
            " 四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 政策解读的形式还不够丰富,"
            "下一步将持续改进。")
    report = parse_report("t.txt", (TITLE + body + "\n").encode("utf-8"))
    cells = {(f.row, f.column): f for f in report.facts}
    assert cells[("regulations", "issued")].cell_status == "number"
    assert cells[("normative_documents", "issued")].cell_status == "missing"
    assert cells[("new_received", "total")].cell_status == "missing"
    assert any("2 splits satisfy row_total" in i.message for i in report.issues if i.row == "new_received")
