"""Truth files (hand-checked JSON, format in tests/fixtures/seeds/README.md) as cells keyed by our codes.

Belongs here: everything that reads a truth file, for the golden tests and the benchmark scorer alike.
That is the tables that map its Chinese labels to the project's codes, and the two views of its cells:
``truth_cells`` (the definite cells, plus the rows whose values the truth cannot place;
benchmarks/compare.py scores a parse against it) and ``expected_cells`` (every cell a golden test
checks, with ``MISSING`` where the truth places nothing). It also holds ``outcomes``, which sorts a
parse's facts into exact, flagged and wrong against ``expected_cells``. Nothing here imports the tests.

The tables are written out from the templates (国办公开办函〔2019〕60号, 〔2021〕30号) and are independent
of the catalog's matching keys (schemas/catalog.py) on purpose. They are the second opinion that golden
tests and benchmark scores check the catalog against: if the catalog recognised a label as the wrong
code, they would disagree with it and the tests would fail. Tables derived from the catalog would agree
with any mistake it made. Do not derive them from it.

One set of tables reads every label form the truth files use. Items and measures are found by a keyword
the label contains, so both ``行政规范性文件`` and ``规范性文件``, and ``本年新制作数量`` or a truncated
``本年新制作``, resolve. 表三 rows are found by the template numbering the label starts with
(``(三)不予公开/1.``, ``(六)其他处理`` of the 2019 template, after full-width brackets are made ASCII),
or, if the label has no numbering, by a keyword (``国家秘密``). 表四 proceedings are found by a keyword,
whether they are written ``行政诉讼/复议后起诉`` or in the devset's ``行政诉讼_复议后起诉``. Applicants and
outcomes are template column names, matched exactly.
"""

from collections.abc import Iterator

Key = tuple[str, str, str]  # (table, row, column)
MISSING = "missing"  # expected_cells: the truth places no value here (a value placed here is wrong)
UNSURE = ("unplaced", "unparseable_raw")  # truth keys holding values that no cell can be given

# (keyword, code), first match in this order.
ITEMS = (("规章", "regulations"), ("规范性文件", "normative_documents"), ("行政许可", "administrative_licensing"),
         ("其他对外管理服务", "other_external_services"), ("行政处罚", "administrative_penalty"),
         ("行政强制", "administrative_coercion"), ("行政事业性收费", "administrative_fees"),
         ("政府集中采购", "centralized_procurement"))
MEASURES = (("本年制发", "issued"), ("本年废止", "repealed"), ("现行有效", "in_force"), ("收费金额", "fee_amount"),
            ("本年新制作", "newly_made"), ("本年新公开", "newly_published"), ("对外公开总", "total_published"),
            ("上一年项目", "previous_year_count"), ("增/减", "net_change"), ("处理决定", "decisions"),
            ("采购项目", "procurement_projects"), ("采购总金额", "procurement_amount"))
# (numbering the label starts with, keyword it contains, code). A label is matched by its numbering first,
# then by keyword, each time in this order. The numbered sub-rows of (六) come before the 2019 template's
# single (六) row, and 予以公开 comes last among the keywords.
ROWS = (("一、", "本年新收", "new_received"), ("二、", "上年结转", "carried_over"),
        ("四、", "结转下年度", "carried_forward"), ("(二)", "部分公开", "partially_granted"),
        ("(三)不予公开/1.", "国家秘密", "denied_state_secret"),
        ("(三)不予公开/2.", "法律行政法规禁止", "denied_prohibited_by_law"),
        ("(三)不予公开/3.", "三安全一稳定", "denied_security_stability"),
        ("(三)不予公开/4.", "第三方合法权益", "denied_third_party_rights"),
        ("(三)不予公开/5.", "内部事务", "denied_internal_affairs"),
        ("(三)不予公开/6.", "过程性", "denied_process_information"),
        ("(三)不予公开/7.", "行政执法案卷", "denied_law_enforcement_file"),
        ("(三)不予公开/8.", "行政查询", "denied_administrative_query"),
        ("(四)无法提供/1.", "不掌握", "unavailable_not_held"),
        ("(四)无法提供/2.", "另行制作", "unavailable_needs_creation"),
        ("(四)无法提供/3.", "仍不明确", "unavailable_unclear"),
        ("(五)不予处理/1.", "信访", "rejected_petition"), ("(五)不予处理/2.", "重复申请", "rejected_duplicate"),
        ("(五)不予处理/3.", "公开出版物", "rejected_publication"),
        ("(五)不予处理/4.", "大量反复", "rejected_excessive"),
        ("(五)不予处理/5.", "确认或重新出具", "rejected_confirmation"),
        ("(六)其他处理/1.", "逾期不补正", "other_no_correction"),
        ("(六)其他处理/2.", "缴纳费用", "other_fee_unpaid"), ("(六)其他处理/3.", "其他处理/3", "other_misc"),
        ("(六)其他处理", "其他处理", "other_handling"), ("(七)总计", "总计", "handled_total"),
        ("(一)", "予以公开", "granted"))
APPLICANTS = {"自然人": "natural_person", "商业企业": "commercial_enterprise", "科研机构": "research_institution",
              "社会公益组织": "social_welfare_org", "法律服务机构": "legal_service_org", "其他": "other_org",
              "总计": "total"}
# (keyword, code) in the template's order. proceeding_code tries the 行政诉讼 kinds before 行政复议, because a
# 行政诉讼 label can mention 复议.
PROCEEDINGS = (("行政复议", "administrative_review"), ("未经复议", "litigation_direct"),
               ("复议后起诉", "litigation_after_review"))
OUTCOMES = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending", "总计": "total"}


def _first(pairs: tuple[tuple[str, str], ...], label: str) -> str:
    code = next((code for keyword, code in pairs if keyword in label), None)
    if code is None:
        raise KeyError(f"no code for the truth label {label!r}")
    return code


def item_code(label: str) -> str:
    return _first(ITEMS, label)


def measure_code(label: str) -> str:
    return _first(MEASURES, label)


def row_code(label: str) -> str:
    """The 表三 row of a truth label: by the numbering it starts with, else by a keyword."""
    label = label.replace("（", "(").replace("）", ")")
    numbered = next((code for numbering, _, code in ROWS if label.startswith(numbering)), None)
    return numbered or _first(tuple((keyword, code) for _, keyword, code in ROWS), label)


def proceeding_code(label: str) -> str:
    return _first(PROCEEDINGS[1:] + PROCEEDINGS[:1], label)


def _rows(truth: dict) -> Iterator[tuple[str, str, dict[str, object] | None]]:
    """(table, row, {column: value}) in the truth's order; ``None`` for the columns of a row whose values the
    truth cannot place. A row may come more than once (表二 gives one cell at a time)."""
    for cell in truth.get("active_disclosure") or []:
        yield "active_disclosure", item_code(cell["item"]), {measure_code(cell["measure"]): cell["value"]}
    for label, columns in (truth.get("applications") or {}).items():
        unsure = any(key in columns for key in UNSURE)
        yield "applications", row_code(label), None if unsure else {APPLICANTS[zh]: v for zh, v in columns.items()}
    review = truth.get("review_litigation") or {}
    if any(key in review for key in UNSURE):
        for _, proceeding in PROCEEDINGS:
            yield "review_litigation", proceeding, None
    for label, columns in review.items():
        if label not in UNSURE and columns:
            yield "review_litigation", proceeding_code(label), {OUTCOMES[zh]: v for zh, v in columns.items()}


def truth_cells(truth: dict) -> tuple[dict[Key, object], set[tuple[str, str]]]:
    """({(table, row, column): value} for the definite cells (``None`` where the source is blank), and
    {(table, row)} for the rows the truth cannot place)."""
    cells: dict[Key, object] = {}
    unsure: set[tuple[str, str]] = set()
    for table, row, columns in _rows(truth):
        if columns is None:
            unsure.add((table, row))
        else:
            cells.update(((table, row, column), value) for column, value in columns.items())
    return cells, unsure


def expected_cells(truth: dict) -> dict[Key, object]:
    """{(table, row, column): value | None (blank) | MISSING (unplaceable)} for every cell a golden test
    checks: the definite cells, every applicant column of a 表三 row the truth cannot place, and the whole
    of 表四 (a group the truth leaves empty is all MISSING) unless the truth says 表四 is unparseable."""
    cells: dict[Key, object] = {}
    placed_review: dict[Key, object] = {}
    for table, row, columns in _rows(truth):
        if table == "applications":
            cells.update((("applications", row, code), MISSING if columns is None else columns[code])
                         for code in APPLICANTS.values())
        elif columns is not None:
            (placed_review if table == "review_litigation" else cells).update(
                ((table, row, column), value) for column, value in columns.items())
    review = truth.get("review_litigation") or {}
    if review and "unparseable_raw" not in review:
        for _, proceeding in PROCEEDINGS:
            for outcome in OUTCOMES.values():
                key = ("review_litigation", proceeding, outcome)
                cells[key] = placed_review.get(key, MISSING)
    return cells


def _approx(actual: object, expected: object) -> bool:
    """``actual == pytest.approx(expected)`` with its default tolerance (relative 1e-6, absolute 1e-12)."""
    if actual == expected:
        return True
    if not (isinstance(actual, int | float) and isinstance(expected, int | float)):
        return False
    return abs(expected - actual) <= max(1e-6 * abs(expected), 1e-12)


def outcomes(truth: dict, facts: list) -> tuple[list, list, list]:
    """The truth's cells as read in ``facts``: exact, flagged (missing or unparseable) and wrong (another
    value, or a value placed where the truth places nothing), each a list of cell keys (wrong: with what)."""
    found = {(f.table, f.row, f.column): f for f in facts}
    exact: list[Key] = []
    flagged: list[Key] = []
    wrong: list[tuple[Key, object, object]] = []
    for key, value in expected_cells(truth).items():
        fact = found.get(key)
        if value is MISSING:
            if fact is not None and fact.cell_status not in ("missing", "unparseable"):
                wrong.append((key, "placed where the truth places nothing", fact.value))
        elif fact is None or fact.cell_status in ("missing", "unparseable"):
            flagged.append(key)
        elif (fact.value is None) if value is None else _approx(fact.value, value):
            exact.append(key)
        else:
            wrong.append((key, value, fact.value))
    return exact, flagged, wrong
