"""The template catalog: every stable code, its Chinese label, and how it is recognised in text.

This is the one place where Chinese labels live. The table reader, the pandera schemas, the
quality rules and the data dictionary all read from here, so a new wording seen in a real report
is a one-line change to the `keys` of an entry, never a new parser.

Two template generations exist: ``2019`` (国办公开办函〔2019〕60号, 2019–2020 reports) and ``2021``
(国办公开办函〔2021〕30号, 2021 on). They differ in 表二's measures and in 表三's (六)其他处理.
See ``docs/data-dictionary.md`` for the generated reference.

Matching is done on *normalized* text: ASCII parentheses and punctuation, no spaces.
"""

from dataclasses import dataclass, field
from datetime import date

FIRST_YEAR = 2008  # the first year of these reports (the disclosure regulations took effect in May 2008)


def reporting_years() -> range:
    """The reporting years a report can belong to: 2008 … the current year (the year partitions)."""
    return range(FIRST_YEAR, date.today().year + 1)


# What became of a raw file (raw_file_inventory.outcome); every outcome but `report` comes with a reason.
FILE_OUTCOMES = ("report", "duplicate", "not_a_report", "unreadable", "no_year", "year_out_of_range")
TEMPLATES = ("2019", "2021", "pre2019", "unknown")
SOURCE_FORMATS = ("text", "html", "pdf", "docx")  # how a file was read: text, a web page, a PDF, a Word file
CELL_STATUSES = ("number", "blank", "none_word", "dash", "missing", "unparseable", "inferred", "corrected")
# Statuses whose value is a number a reader can sum (inferred: placed by the template's arithmetic).
VALUED_STATUSES = ("number", "none_word", "inferred", "corrected")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Code:
    """One code of a table dimension: the English code, the template's label and its text keys.

    ``keys`` are substrings of the normalized label that identify the code; the first code of a
    dimension (in declaration order) whose key occurs in a label wins, so specific keys come first.
    """

    code: str
    label: str
    keys: tuple[str, ...]
    generations: tuple[str, ...] = ("2019", "2021")
    description: str = ""


# ---------------------------------------------------------------- 表三 收到和处理政府信息公开申请情况

APPLICANTS: tuple[Code, ...] = (
    Code("natural_person", "自然人", ("自然人",)),
    Code("commercial_enterprise", "商业企业", ("商业企业",)),
    Code("research_institution", "科研机构", ("科研机构",)),
    Code("social_welfare_org", "社会公益组织", ("社会公益组织",)),
    Code("legal_service_org", "法律服务机构", ("法律服务机构",)),
    Code("other_org", "其他", ("其他",)),
    Code("total", "总计", ("总计",)),
)

APPLICATION_ROWS: tuple[Code, ...] = (
    Code("new_received", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Code("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Code("carried_forward", "四、结转下年度继续办理", ("结转下年度",)),
    Code("partially_granted", "(二)部分公开", ("部分公开",)),
    Code("granted", "(一)予以公开", ("予以公开",)),
    Code("denied_state_secret", "(三)1.属于国家秘密", ("国家秘密",)),
    Code("denied_prohibited_by_law", "(三)2.其他法律行政法规禁止公开", ("法律行政法规禁止", "其他法律行政")),
    Code("denied_security_stability", "(三)3.危及“三安全一稳定”", ("三安全一稳定",)),
    Code("denied_third_party_rights", "(三)4.保护第三方合法权益", ("第三方合法权益",)),
    Code("denied_internal_affairs", "(三)5.属于三类内部事务信息", ("内部事务",)),
    Code("denied_process_information", "(三)6.属于四类过程性信息", ("过程性信息",)),
    Code("denied_law_enforcement_file", "(三)7.属于行政执法案卷", ("行政执法案卷",)),
    Code("denied_administrative_query", "(三)8.属于行政查询事项", ("行政查询",)),
    Code("unavailable_not_held", "(四)1.本机关不掌握相关政府信息", ("不掌握",)),
    Code("unavailable_needs_creation", "(四)2.没有现成信息需要另行制作", ("另行制作",)),
    Code("unavailable_unclear", "(四)3.补正后申请内容仍不明确", ("仍不明确",)),
    Code("rejected_petition", "(五)1.信访举报投诉类申请", ("信访举报投诉",)),
    Code("rejected_duplicate", "(五)2.重复申请", ("重复申请",)),
    Code("rejected_publication", "(五)3.要求提供公开出版物", ("公开出版物",)),
    Code("rejected_excessive", "(五)4.无正当理由大量反复申请", ("大量反复",)),
    Code("rejected_confirmation", "(五)5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具",)),
    Code("other_no_correction", "(六)1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         ("逾期不补正",), ("2021",)),
    Code("other_fee_unpaid", "(六)2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         ("收费通知", "缴纳费用"), ("2021",)),
    Code("other_misc", "(六)3.其他", ("3.其他",), ("2021",)),
    Code("other_handling", "(六)其他处理", ("其他处理",),
         description="the single row of the 2019 template, or the sum row where a 2021 report gives one"),
    Code("handled_total", "(七)总计", ("(七)总计", "七、总计")),
)

# The header over the five organisation columns (商业企业 … 其他) of 表三.
APPLICANT_GROUP_LABEL = "法人或其他组织"

# Rows that head a group and carry no values of their own.
APPLICATION_GROUP_KEYS = ("本年度办理结果", "(三)不予公开", "(四)无法提供", "(五)不予处理")

APPLICATION_ROW_GROUPS = {
    "denied": tuple(c.code for c in APPLICATION_ROWS if c.code.startswith("denied_")),
    "unavailable": tuple(c.code for c in APPLICATION_ROWS if c.code.startswith("unavailable_")),
    "rejected": tuple(c.code for c in APPLICATION_ROWS if c.code.startswith("rejected_")),
    "other_sub": ("other_no_correction", "other_fee_unpaid", "other_misc"),
}

# Rows every generation prints, in template order (other handling is added per generation).
APPLICATION_ROWS_IN_ORDER = (
    "new_received", "carried_over", "granted", "partially_granted",
    *APPLICATION_ROW_GROUPS["denied"], *APPLICATION_ROW_GROUPS["unavailable"],
    *APPLICATION_ROW_GROUPS["rejected"],
)
APPLICATION_ROWS_BY_GENERATION = {
    "2019": (*APPLICATION_ROWS_IN_ORDER, "other_handling", "handled_total", "carried_forward"),
    "2021": (*APPLICATION_ROWS_IN_ORDER, *APPLICATION_ROW_GROUPS["other_sub"], "handled_total",
             "carried_forward"),
}

# ---------------------------------------------------------------- 表四 行政复议、行政诉讼情况

PROCEEDINGS: tuple[Code, ...] = (
    Code("administrative_review", "行政复议", ("行政复议",)),
    Code("litigation_direct", "行政诉讼·未经复议直接起诉", ("未经复议直接起诉",)),
    Code("litigation_after_review", "行政诉讼·复议后起诉", ("复议后起诉",)),
)
OUTCOMES: tuple[Code, ...] = (
    Code("upheld", "结果维持", ("结果维持", "维持")),
    Code("corrected", "结果纠正", ("结果纠正", "纠正")),
    Code("other", "其他结果", ("其他结果",)),
    Code("pending", "尚未审结", ("尚未审结", "审结")),
    Code("total", "总计", ("总计",)),
)
# Header words of 表四; value cells come after the last of them.
REVIEW_HEADER_KEYS = ("行政复议", "行政诉讼", "结果", "维持", "纠正", "其他结果", "尚未", "审结", "总计",
                      "未经复议", "直接起诉", "复议后起诉", "合计")

# ---------------------------------------------------------------- 表二 主动公开政府信息情况

ITEMS: tuple[Code, ...] = (
    Code("regulations", "规章", ("规章",)),
    Code("normative_documents", "(行政)规范性文件", ("规范性文件",)),
    Code("administrative_licensing", "行政许可", ("行政许可",)),
    Code("other_external_services", "其他对外管理服务事项", ("其他对外管理服务",), ("2019",)),
    Code("administrative_penalty", "行政处罚", ("行政处罚",)),
    Code("administrative_coercion", "行政强制", ("行政强制",)),
    Code("administrative_fees", "行政事业性收费", ("行政事业性收费",)),
    Code("centralized_procurement", "政府集中采购", ("政府集中采购",), ("2019",)),
)

MEASURES: tuple[Code, ...] = (
    Code("issued", "本年制发件数", ("制发",), ("2021",)),
    Code("repealed", "本年废止件数", ("废止",), ("2021",)),
    Code("in_force", "现行有效件数", ("现行有效",), ("2021",)),
    Code("fee_amount", "本年收费金额(单位:万元)", ("收费金额",), ("2021",), "money"),
    Code("newly_made", "本年新制作数量", ("新制作", "制作数量"), ("2019",)),
    Code("newly_published", "本年新公开数量", ("新公开", "公开数量"), ("2019",)),
    Code("total_published", "对外公开总数量", ("对外公开总",), ("2019",)),
    Code("previous_year_count", "上一年项目数量", ("上一年项目",), ("2019",)),
    Code("net_change", "本年增/减", ("增/减", "本年增"), ("2019",), "may be negative"),
    Code("decisions", "(本年)处理决定数量", ("处理决定",)),
    Code("procurement_projects", "采购项目数量", ("采购项目",), ("2019",)),
    Code("procurement_amount", "采购总金额", ("采购总金额",), ("2019",), "money"),
)
MONEY_MEASURES = ("fee_amount", "procurement_amount")
SIGNED_MEASURES = ("net_change",)

# Header keys that only one generation prints: they decide a block's generation.
GENERATION_MARKERS = {
    "2021": ("制发", "废止", "现行有效", "收费金额"),
    "2019": ("本年新", "对外公开总", "上一年项目", "增/", "采购"),
}


@dataclass(frozen=True)
class Block:
    """A block of 表二 (第二十条第(N)项): its items and, per generation, its measures."""

    number: str
    items: tuple[str, ...]
    measures: dict[str, tuple[str, ...]] = field(default_factory=dict)


BLOCKS: tuple[Block, ...] = (
    Block("一", ("regulations", "normative_documents"),
          {"2019": ("newly_made", "newly_published", "total_published"),
           "2021": ("issued", "repealed", "in_force")}),
    Block("五", ("administrative_licensing", "other_external_services"),
          {"2019": ("previous_year_count", "net_change", "decisions"), "2021": ("decisions",)}),
    Block("六", ("administrative_penalty", "administrative_coercion"),
          {"2019": ("previous_year_count", "net_change", "decisions"), "2021": ("decisions",)}),
    Block("八", ("administrative_fees",),
          {"2019": ("previous_year_count", "net_change"), "2021": ("fee_amount",)}),
    Block("九", ("centralized_procurement",),
          {"2019": ("procurement_projects", "procurement_amount")}),
)
BLOCK_OF_ITEM = {item: block for block in BLOCKS for item in block.items}

UNITS = {"wan_yuan": "万元", "yuan": "元"}
UNIT_CODES = {label: code for code, label in UNITS.items()}  # as printed (万元) → unit code
TO_WAN_YUAN = {"wan_yuan": 1.0, "yuan": 1e-4}

# ---------------------------------------------------------------- sections

@dataclass(frozen=True)
class SectionKind:
    """A top-level section of the report and the title words that identify it."""

    code: str
    number: int
    label: str
    keys: tuple[str, ...]


SECTIONS: tuple[SectionKind, ...] = (
    SectionKind("overview", 1, "总体情况", ("总体情况", "基本情况")),
    SectionKind("active_disclosure", 2, "主动公开政府信息情况", ("主动公开",)),
    SectionKind("applications", 3, "收到和处理政府信息公开申请情况", ("收到和处理", "依申请公开")),
    SectionKind("review_litigation", 4, "政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼")),
    SectionKind("problems", 5, "存在的主要问题及改进情况", ("存在的主要问题", "存在问题", "改进情况", "改进措施")),
    SectionKind("other", 6, "其他需要报告的事项", ("其他需要报告",)),
)
# ---------------------------------------------------------------- fact tables

@dataclass(frozen=True)
class FactTable:
    """A long-format fact table: its row and column dimensions, named as they appear in Parquet."""

    name: str
    label: str
    row_dim: str
    column_dim: str
    rows: tuple[Code, ...]
    columns: tuple[Code, ...]


FACT_TABLES = {
    "active_disclosure": FactTable("active_disclosure", "表二 主动公开政府信息情况", "item", "measure",
                                   ITEMS, MEASURES),
    "applications": FactTable("applications", "表三 收到和处理政府信息公开申请情况", "row", "applicant",
                              APPLICATION_ROWS, APPLICANTS),
    "review_litigation": FactTable("review_litigation", "表四 政府信息公开行政复议、行政诉讼情况",
                                   "proceeding", "outcome", PROCEEDINGS, OUTCOMES),
}


def codes(dimension: tuple[Code, ...]) -> list[str]:
    """The codes of a dimension, in template order."""
    return [c.code for c in dimension]


def match_code(dimension: tuple[Code, ...], normalized_label: str) -> str | None:
    """The first code of ``dimension`` one of whose keys occurs in the label, else None."""
    for entry in dimension:
        if any(key in normalized_label for key in entry.keys):
            return entry.code
    return None


# ---------------------------------------------------------------- narrative figures (stated in prose)

@dataclass(frozen=True)
class NarrativeMeasure:
    """A figure reports state in prose, with the sentence patterns that state it.

    Each pattern is a regular expression over a sentence with whitespace removed; a named group
    ``value`` holds the number (absent for patterns that state zero, such as 未收到…申请), an
    optional group ``qualifier`` holds 余 (more than). The first matching sentence of a report wins.
    """

    code: str
    label: str
    patterns: tuple[str, ...]
    compare_to: tuple[tuple[str, str, str], ...] = ()  # fact cells whose sum the figure should equal


NARRATIVE_MEASURES: tuple[NarrativeMeasure, ...] = (
    NarrativeMeasure("active_items_published", "主动公开政府信息(条)", (
        r"(?:主动)?(?:发布|公开)(?:了)?(?:各类|政府)?信息(?P<value>\d+)(?P<qualifier>余)?条",
        r"主动公开[^。,;]{0,12}?政府信息(?P<value>\d+)(?P<qualifier>余)?条",
        r"主动公开的[^。]{0,60}?信息[^。]{0,6}?(?P<value>\d+)(?P<qualifier>余)?条",
    )),
    NarrativeMeasure("applications_received", "收到政府信息公开申请(件)", (
        r"(?:收到|受理)[^。,;]{0,16}?(?:申请|信息)(?P<value>\d+)(?P<qualifier>余)?(?:件|条)",
        r"未(?:收到|接到)[^。]{0,16}?申请",
    ), (("applications", "new_received", "total"),)),
    NarrativeMeasure("admin_review_cases", "行政复议(件)", (
        r"行政复议(?:案件|数为)?(?P<value>\d+)件",
        r"(?:没有|未)(?:收到|发生)?[^。]{0,20}?行政复议",
    ), (("review_litigation", "administrative_review", "total"),)),
    NarrativeMeasure("admin_litigation_cases", "行政诉讼(件)", (
        r"行政诉讼(?:案件|数为)?(?P<value>\d+)件",
        r"(?:没有|未)(?:收到|发生)?[^。]{0,30}?行政诉讼",
    ), (("review_litigation", "litigation_direct", "total"),
        ("review_litigation", "litigation_after_review", "total"))),
)
