"""Truth files (the seeds' hand-checked JSON) as expected cells keyed by our codes.

The label → code tables here are written out independently of the catalog's matching keys, so a
golden test fails if the catalog recognises a label as the wrong code.
"""

ITEM = {"规章": "regulations", "规范性文件": "normative_documents", "行政规范性文件": "normative_documents",
        "行政许可": "administrative_licensing", "其他对外管理服务事项": "other_external_services",
        "行政处罚": "administrative_penalty", "行政强制": "administrative_coercion",
        "行政事业性收费": "administrative_fees", "政府集中采购": "centralized_procurement"}
MEASURE = {"本年新制作数量": "newly_made", "本年新公开数量": "newly_published", "对外公开总数量": "total_published",
           "上一年项目数量": "previous_year_count", "本年增/减": "net_change", "处理决定数量": "decisions",
           "采购项目数量": "procurement_projects", "采购总金额": "procurement_amount", "本年制发件数": "issued",
           "本年废止件数": "repealed", "现行有效件数": "in_force", "本年处理决定数量": "decisions",
           "本年收费金额": "fee_amount"}
APPLICANT = {"自然人": "natural_person", "商业企业": "commercial_enterprise", "科研机构": "research_institution",
             "社会公益组织": "social_welfare_org", "法律服务机构": "legal_service_org", "其他": "other_org",
             "总计": "total"}
ROW_PREFIX = [("一、", "new_received"), ("二、", "carried_over"), ("(一)", "granted"), ("(二)", "partially_granted"),
              ("(三)不予公开/1.", "denied_state_secret"), ("(三)不予公开/2.", "denied_prohibited_by_law"),
              ("(三)不予公开/3.", "denied_security_stability"), ("(三)不予公开/4.", "denied_third_party_rights"),
              ("(三)不予公开/5.", "denied_internal_affairs"), ("(三)不予公开/6.", "denied_process_information"),
              ("(三)不予公开/7.", "denied_law_enforcement_file"), ("(三)不予公开/8.", "denied_administrative_query"),
              ("(四)无法提供/1.", "unavailable_not_held"), ("(四)无法提供/2.", "unavailable_needs_creation"),
              ("(四)无法提供/3.", "unavailable_unclear"), ("(五)不予处理/1.", "rejected_petition"),
              ("(五)不予处理/2.", "rejected_duplicate"), ("(五)不予处理/3.", "rejected_publication"),
              ("(五)不予处理/4.", "rejected_excessive"), ("(五)不予处理/5.", "rejected_confirmation"),
              ("(六)其他处理/1.", "other_no_correction"), ("(六)其他处理/2.", "other_fee_unpaid"),
              ("(六)其他处理/3.", "other_misc"), ("(六)其他处理", "other_handling"), ("(七)总计", "handled_total"),
              ("四、", "carried_forward")]
PROCEEDING = {"行政复议": "administrative_review", "行政诉讼/未经复议直接起诉": "litigation_direct",
              "行政诉讼/复议后起诉": "litigation_after_review"}
DEVSET_PROCEEDING = {"行政诉讼_未经复议直接起诉": "行政诉讼/未经复议直接起诉",
                     "行政诉讼_复议后起诉": "行政诉讼/复议后起诉"}
OUTCOME = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending", "总计": "total"}
MISSING = "missing"


def _row_code(label: str) -> str:
    return next(code for prefix, code in ROW_PREFIX if label.startswith(prefix))


def expected_cells(truth: dict) -> dict[tuple[str, str, str], object]:
    """{(table, row, column): value | None (blank) | MISSING (unplaceable)} for every truth cell."""
    cells: dict[tuple[str, str, str], object] = {}
    for cell in truth.get("active_disclosure") or []:
        cells[("active_disclosure", ITEM[cell["item"]], MEASURE[cell["measure"]])] = cell["value"]
    for label, columns in (truth.get("applications") or {}).items():
        row = _row_code(label.replace("（", "(").replace("）", ")"))
        for zh, applicant in APPLICANT.items():
            unsure = "unplaced" in columns or "unparseable_raw" in columns
            cells[("applications", row, applicant)] = MISSING if unsure else columns[zh]
    review = {DEVSET_PROCEEDING.get(k, k): v for k, v in (truth.get("review_litigation") or {}).items()}
    if not review or "unparseable_raw" in review:
        return cells
    for label, proceeding in PROCEEDING.items():
        for zh, outcome in OUTCOME.items():
            cells[("review_litigation", proceeding, outcome)] = review[label].get(zh, MISSING) \
                if review.get(label) else MISSING
    return cells


def outcomes(truth: dict, facts: list) -> tuple[list, list, list]:
    """The truth's cells as read in ``facts``: exact, flagged (missing or unparseable) and wrong (another
    value, or a value placed where the truth places nothing), each a list of cell keys (wrong: with what)."""
    import pytest

    found = {(f.table, f.row, f.column): f for f in facts}
    exact, flagged, wrong = [], [], []
    for key, value in expected_cells(truth).items():
        fact = found.get(key)
        if value is MISSING:
            if fact is not None and fact.cell_status not in ("missing", "unparseable"):
                wrong.append((key, "placed where the truth places nothing", fact.value))
        elif fact is None or fact.cell_status in ("missing", "unparseable"):
            flagged.append(key)
        elif fact.value == (None if value is None else pytest.approx(value)):
            exact.append(key)
        else:
            wrong.append((key, value, fact.value))
    return exact, flagged, wrong
