"""Cell accuracy of parsed reports against truth files, self-contained (no ../shared needed).

Belongs here: the minimal scoring logic of the shared scorer (score_reports.py), re-stated: every
definite truth cell is ``exact`` (same value, null == null), ``flagged`` (the parser gave no value and
said so) or ``silently_wrong`` (a value that differs, or a value where the source is blank); values
the parser places in a row the truth marks ``unplaced`` are ``guessed``. Labels map to codes with
tables written out here, independently of the catalog's matching keys.
"""

from collections import Counter

ITEMS = (("规章", "regulations"), ("规范性文件", "normative_documents"), ("行政许可", "administrative_licensing"),
         ("其他对外管理服务", "other_external_services"), ("行政处罚", "administrative_penalty"),
         ("行政强制", "administrative_coercion"), ("行政事业性收费", "administrative_fees"),
         ("政府集中采购", "centralized_procurement"))
MEASURES = (("本年制发", "issued"), ("本年废止", "repealed"), ("现行有效", "in_force"), ("收费金额", "fee_amount"),
            ("本年新制作", "newly_made"), ("本年新公开", "newly_published"), ("对外公开总", "total_published"),
            ("上一年项目", "previous_year_count"), ("增/减", "net_change"), ("处理决定", "decisions"),
            ("采购项目", "procurement_projects"), ("采购总金额", "procurement_amount"))
ROWS = (("本年新收", "new_received"), ("上年结转", "carried_over"), ("结转下年度", "carried_forward"),
        ("部分公开", "partially_granted"), ("国家秘密", "denied_state_secret"),
        ("法律行政法规禁止", "denied_prohibited_by_law"), ("三安全一稳定", "denied_security_stability"),
        ("第三方合法权益", "denied_third_party_rights"), ("内部事务", "denied_internal_affairs"),
        ("过程性", "denied_process_information"), ("行政执法案卷", "denied_law_enforcement_file"),
        ("行政查询", "denied_administrative_query"), ("不掌握", "unavailable_not_held"),
        ("另行制作", "unavailable_needs_creation"), ("仍不明确", "unavailable_unclear"),
        ("信访", "rejected_petition"), ("重复申请", "rejected_duplicate"), ("公开出版物", "rejected_publication"),
        ("大量反复", "rejected_excessive"), ("确认或重新出具", "rejected_confirmation"),
        ("逾期不补正", "other_no_correction"), ("缴纳费用", "other_fee_unpaid"), ("其他处理/3", "other_misc"),
        ("其他处理", "other_handling"), ("总计", "handled_total"), ("予以公开", "granted"))
APPLICANTS = {"自然人": "natural_person", "商业企业": "commercial_enterprise", "科研机构": "research_institution",
              "社会公益组织": "social_welfare_org", "法律服务机构": "legal_service_org", "其他": "other_org",
              "总计": "total"}
PROCEEDINGS = (("未经复议", "litigation_direct"), ("复议后起诉", "litigation_after_review"),
               ("行政复议", "administrative_review"))
OUTCOMES = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending", "总计": "total"}
VALUED = ("number", "none_word")
Key = tuple[str, str, str]


def _first(pairs: tuple[tuple[str, str], ...], label: str) -> str:
    return next(code for needle, code in pairs if needle in label)


def truth_cells(truth: dict) -> tuple[dict[Key, object], set[tuple[str, str]]]:
    """({(table, row, column): value} for definite cells, {(table, row)} the truth cannot place)."""
    cells: dict[Key, object] = {}
    unsure: set[tuple[str, str]] = set()
    for c in truth.get("active_disclosure") or []:
        cells[("active_disclosure", _first(ITEMS, c["item"]), _first(MEASURES, c["measure"]))] = c["value"]
    for label, columns in (truth.get("applications") or {}).items():
        row = _first(ROWS, label.replace("（", "(").replace("）", ")"))
        if "unplaced" in columns or "unparseable_raw" in columns:
            unsure.add(("applications", row))
            continue
        for zh, value in columns.items():
            cells[("applications", row, APPLICANTS[zh])] = value
    review = truth.get("review_litigation") or {}
    if "unplaced" in review or "unparseable_raw" in review:
        unsure.update(("review_litigation", code) for _, code in PROCEEDINGS)
    for label, columns in review.items():
        if label not in ("unplaced", "unparseable_raw") and columns:
            for zh, value in columns.items():
                cells[("review_litigation", _first(PROCEEDINGS, label), OUTCOMES[zh])] = value
    return cells, unsure


def parsed_cells(parsed: dict) -> dict[Key, dict]:
    """The parser's cells (``govreports parse --json`` form) by (table, row, column)."""
    dims = {"active_disclosure": ("item", "measure"), "applications": ("row", "applicant"),
            "review_litigation": ("proceeding", "outcome")}
    return {(table, c[a], c[b]): c for table, (a, b) in dims.items() for c in parsed["facts"].get(table, [])}


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def score(truth: dict, parsed: dict) -> Counter:
    """Counts of exact / flagged / silently_wrong cells and guessed placements for one report."""
    expected, unsure = truth_cells(truth)
    found = parsed_cells(parsed)
    result: Counter = Counter()
    for key, value in expected.items():
        result["cells"] += 1
        cell = found.get(key)
        status = cell["cell_status"] if cell else "missing"
        if status in ("missing", "unparseable"):
            result["flagged"] += 1
        elif status in VALUED:
            result["exact" if _same(cell["value"], value) else "silently_wrong"] += 1
        else:
            result["exact" if value is None else "flagged"] += 1
    for key, cell in found.items():
        if key[:2] in unsure and key not in expected and cell["cell_status"] in VALUED:
            result["guessed"] += 1
    return result


REGION_LEVELS = ("province", "city", "county")


def score_region(truth: dict, parsed: dict) -> Counter:
    """Per region level: exact (equal to the truth, or one of its ' / ' alternatives), unresolved (null,
    said so) or wrong (a place the truth does not name)."""
    result: Counter = Counter()
    for level in REGION_LEVELS:
        expected = truth.get("region", {}).get(level)
        allowed = set(expected.split(" / ")) if expected else {None}
        found = parsed["region"][level]
        result["region_exact" if found in allowed else "region_unresolved" if found is None else "region_wrong"] += 1
    return result
