"""Quality rule ids and what each means: users filter ``quality_issues`` on these fixed ids."""

RULES = {
    "balance": "new_received + carried_over = handled_total + carried_forward, per applicant column (表三).",
    "outcome_sum": "handled_total = granted + partially_granted + denied_* + unavailable_* + rejected_* "
                   "+ other handling, per applicant column (表三).",
    "other_handling_sum": "2021 template: (六)其他处理 = the sum of its three sub-rows, where both are given.",
    "row_total": "total = the sum of the six applicant columns, per row (表三).",
    "review_total": "Each 表四 proceeding: total = upheld + corrected + other + pending.",
    "missing_cells": "A row's values could not be placed with certainty, or a template row or table is absent;"
                     " the cells are cell_status = missing and the raw values are listed.",
    "columns_from_headers": "A table's headers print its columns in another order than the template (总计 first, "
                            "科研机构 before 商业企业); its values were read in the headers' order.",
    "columns_by_template_order": "A table's headers name no column (数据1, 数据2 … or too few words to order "
                                 "them); its values were read in the template's order.",
    "inferred_cells": "A row's digits ran together (crawler text); the one split into its cells for which its "
                      "identity holds (total = the parts) was placed with cell_status = inferred. A blank cell "
                      "the text lost would change the split; withdrawn (missing) when another identity fails.",
    "row_by_template_order": "A 表二 row's label is missing from the text (a blank line where 规章 stands); "
                             "its values were placed as the one row the template's fixed order puts there.",
    "unparseable_cell": "A cell's text is not a number, blank, 无 or dash; kept as unparseable.",
    "narrative_mismatch": "A figure stated in the prose (applications received, reviews, suits) differs from "
                          "the table cells it should equal.",
    "active_disclosure_relation": "表二 across consecutive years of one agency: in_force(Y+1) = in_force(Y) + "
                                  "issued(Y+1) - repealed(Y+1) (2021); previous_year_count(Y+1) = "
                                  "previous_year_count(Y) + net_change(Y) (2019). See active_disclosure_continuity.",
    "carry_over_continuity": "carried_forward(Y) = carried_over(Y+1) for one agency. See carry_over_continuity.",
    "year_conflict": "The evidence for the reporting year disagrees (title, statistics period, body, template).",
    "year_unknown": "No reporting year could be decided; the report cannot join a year partition.",
    "template_unknown": "No template table was recognised.",
    "not_a_report": "The file is not an annual report (no report title and no template table).",
    "unreadable": "The file could not be read (binary, a scanned PDF that needs OCR, an encrypted or broken PDF, "
                  "a legacy .doc/.wps, empty).",
    "correction_orphaned": "A person's correction (corrections folder) was not applied: its report file changed "
                           "since the review (another sha256), the report is gone from the year, or the cell is not "
                           "in the report's template.",
    "correction_disagrees": "A person's correction was not applied: the parser now reads that cell itself, with "
                            "certainty (its table's checks hold), and reads another value.",
    "correction_redundant": "A person's correction agrees with what the parser now reads itself; it is not "
                            "needed any more (the parser's cell is kept).",
    "low_confidence_encoding": "The encoding detector was not confident; characters may be wrong.",
    "traditional_characters": "The report is written in Traditional characters; it was read converted to "
                              "Simplified (OpenCC t2s), so its lines and raw cells are the converted text.",
    "agency_unknown": "No issuing body was found in the title, page header or first sentence.",
    "region_ambiguous": "The agency's place name fits several divisions (郊区, 新华区 …) and the text names none of "
                        "their parents; county and division_code are left null, the candidates are listed.",
    "region_unresolved": "No place of the gazetteer appears in the agency name or page header.",
    "same_agency_year": "Two different reports of the same agency_id for the same year; both are kept.",
    "duplicate_report": "The same normalized content appears in more than one file.",
}
