"""The figures the rollups report, declared once from the template catalog: counts per report, and rates
as numerator / denominator pairs of those counts.

Each ``Metric`` is one per-report figure: a SQL aggregate over one fact table's cells of a report
(``cell_status`` number or 无). The rollup tables sum them over trusted reports; each ``Rate`` divides
two of those sums, so every rate sits next to its numerator and denominator columns. The pandera
models of the rollups (``tables.py``) and the data dictionary are generated from these lists.
"""

from dataclasses import dataclass

from schemas.catalog import APPLICANTS, APPLICATION_ROWS


@dataclass(frozen=True)
class Metric:
    """A per-report figure: ``sql`` aggregates the cells of ``table`` of one report."""

    code: str
    table: str
    sql: str
    description: str


@dataclass(frozen=True)
class Rate:
    """``numerator / denominator`` of two summed metrics; null when the denominator is 0 or null."""

    code: str
    numerator: str
    denominator: str
    description: str


def _rows(prefix: str) -> tuple[str, ...]:
    return tuple(row.code for row in APPLICATION_ROWS if row.code.startswith(prefix))


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _applications(code: str, rows: tuple[str, ...], description: str, applicant: str = "total") -> Metric:
    return Metric(code, "applications", f"sum(value) filter (where row in {_in(rows)} and applicant = '{applicant}')",
                  f"表三 {description} ({applicant} column).")


def _review(code: str, proceedings: tuple[str, ...], outcome: str, description: str) -> Metric:
    return Metric(code, "review_litigation",
                  f"sum(value) filter (where proceeding in {_in(proceedings)} and outcome = '{outcome}')",
                  f"表四 {description}.")


def _decided(code: str, proceedings: tuple[str, ...], description: str) -> Metric:
    total = _review(code, proceedings, "total", "").sql
    pending = _review(code, proceedings, "pending", "").sql
    return Metric(code, "review_litigation", f"{total} - coalesce({pending}, 0)", f"表四 {description}.")


def _active(code: str, item: str, measure: str, description: str, column: str = "value") -> Metric:
    return Metric(code, "active_disclosure",
                  f"sum({column}) filter (where item = '{item}' and measure = '{measure}')", f"表二 {description}.")


_OTHER_SUB_ROWS = ("other_no_correction", "other_fee_unpaid", "other_misc")
_REVIEW = ("administrative_review",)
_LITIGATION = ("litigation_direct", "litigation_after_review")
DENIAL_REASONS = _rows("denied_")

METRICS: tuple[Metric, ...] = (
    _applications("new_received", ("new_received",), "一、本年新收 applications received"),
    *(_applications(f"new_received_{a.code}", ("new_received",), f"applications received from {a.label}", a.code)
      for a in APPLICANTS if a.code != "total"),
    _applications("carried_over", ("carried_over",), "二、上年结转 applications carried over from last year"),
    _applications("handled_total", ("handled_total",), "(七)总计 applications handled"),
    _applications("carried_forward", ("carried_forward",), "四、结转下年度 applications carried forward"),
    _applications("granted", ("granted",), "(一)予以公开 granted"),
    _applications("partially_granted", ("partially_granted",), "(二)部分公开 partially granted"),
    _applications("disclosed", ("granted", "partially_granted"), "granted + partially granted"),
    _applications("denied", DENIAL_REASONS, "(三)不予公开 denied, all reasons"),
    *(_applications(code, (code,), f"denied: {row.label}") for row in APPLICATION_ROWS
      if (code := row.code) in DENIAL_REASONS),
    _applications("unavailable", _rows("unavailable_"), "(四)无法提供 could not be provided"),
    _applications("unavailable_not_held", ("unavailable_not_held",), "(四)1. information not held"),
    _applications("rejected", _rows("rejected_"), "(五)不予处理 not processed"),
    Metric("other_handling", "applications",
           f"coalesce({_applications('', ('other_handling',), '').sql}, {_applications('', _OTHER_SUB_ROWS, '').sql})",
           "表三 (六)其他处理 other handling: the row itself, else the sum of its three 2021 sub-rows (total column)."),
    _review("review_total", _REVIEW, "total", "administrative reviews (行政复议 总计)"),
    _review("review_corrected", _REVIEW, "corrected", "administrative reviews corrected (结果纠正)"),
    _decided("review_decided", _REVIEW, "administrative reviews decided: total − pending (尚未审结 blank = 0)"),
    _review("litigation_total", _LITIGATION, "total", "lawsuits, direct and after review (行政诉讼 总计)"),
    _review("litigation_corrected", _LITIGATION, "corrected", "lawsuits corrected (结果纠正)"),
    _decided("litigation_decided", _LITIGATION, "lawsuits decided: total − pending"),
    _active("normative_documents_in_force", "normative_documents", "in_force",
            "normative documents in force (现行有效件数, 2021 template)"),
    _active("licensing_decisions", "administrative_licensing", "decisions",
            "licensing decisions (行政许可 处理决定数量)"),
    _active("penalty_decisions", "administrative_penalty", "decisions", "penalty decisions (行政处罚 处理决定数量)"),
    _active("fees_wan_yuan", "administrative_fees", "fee_amount", "administrative fees in 万元 (2021 template)",
            column="value_wan_yuan"),
)

RATES: tuple[Rate, ...] = (
    Rate("disclosure_rate", "disclosed", "handled_total", "(granted + partially granted) / handled."),
    Rate("denial_rate", "denied", "handled_total", "denied (all reasons) / handled."),
    *(Rate(f"{code}_rate", code, "handled_total", f"{code} / handled.") for code in DENIAL_REASONS),
    Rate("not_held_rate", "unavailable_not_held", "handled_total", "information not held / handled."),
    Rate("rejection_rate", "rejected", "handled_total", "not processed (不予处理) / handled."),
    Rate("review_correction_rate", "review_corrected", "review_decided", "reviews corrected / reviews decided."),
    Rate("litigation_correction_rate", "litigation_corrected", "litigation_decided",
         "lawsuits corrected / lawsuits decided."),
)

# Figures followed across years (trends) and checked against peers (outliers).
TREND_METRICS = ("new_received", "handled_total", "disclosure_rate", "review_total", "review_correction_rate")
OUTLIER_METRICS = ("new_received", "disclosure_rate", "not_held_rate", "review_correction_rate")
