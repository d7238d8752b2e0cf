"""Every table the pipeline writes, declared once as a pandera ``DataFrameModel``.

The models are the contract: assets validate against them before writing (a violation is a
pipeline bug and fails the step), the per-year asset checks re-validate what was written, and the
data dictionary is generated from their field descriptions. Codes are restricted to the catalog.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import pandera_fixes  # noqa: F401  (patches pandera before any model validates)
from schemas.agencies import ADMIN_LEVELS, KIND_CODES
from schemas.catalog import (
    APPLICANTS,
    APPLICATION_ROWS,
    CELL_STATUSES,
    FACT_TABLES,
    FILE_OUTCOMES,
    FIRST_YEAR,
    ITEMS,
    MEASURES,
    NARRATIVE_MEASURES,
    OUTCOMES,
    PROCEEDINGS,
    SECTIONS,
    SEVERITIES,
    SIGNED_MEASURES,
    SOURCE_FORMATS,
    TEMPLATES,
    UNITS,
    VALUED_STATUSES,
    codes,
)
from schemas.metrics import METRICS, OUTLIER_METRICS, RATES, TREND_METRICS
from schemas.rules import RULES


class _Base(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class _ReportKeyed(_Base):
    report_id: Series[str] = pa.Field(str_length=16, description="Hash of the report's normalized text.")
    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year (the partition key).")


class _Fact(_ReportKeyed):
    value: Series[float] = pa.Field(nullable=True, description="The cell's value; null unless cell_status "
                                    "is number, none_word (无 → 0) or inferred.")
    cell_status: Series[str] = pa.Field(isin=list(CELL_STATUSES), description=(
        "number | blank (cell present, empty) | none_word (无 → 0) | dash (-,/,— → null) | "
        "missing (row short, cell not placed) | unparseable | inferred (digits a crawler ran together, placed "
        "as the one split the row's identity allows: not proven by the text; issue inferred_cells) | corrected "
        "(a person's correction from the corrections folder: value is theirs, parsed_value/parsed_status the "
        "parser's)."))
    raw: Series[str] = pa.Field(nullable=True, description="The cell text as printed, stripped; null when missing.")
    source_line: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description=(
        "1-based line of the cell in the report's normalized text (the row label's line when missing)."))
    page: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description=(
        "PDF: 1-based page the cell is printed on; null for text, HTML and Word files and for missing cells."))
    x0: Series[float] = pa.Field(nullable=True, description=(
        "PDF: left edge of the cell's box, in points from the page's left edge (null as page)."))
    top: Series[float] = pa.Field(nullable=True, description=(
        "PDF: top edge of the cell's box, in points from the page's top edge (null as page)."))
    x1: Series[float] = pa.Field(nullable=True, description="PDF: right edge of the cell's box (null as page).")
    bottom: Series[float] = pa.Field(nullable=True, description="PDF: bottom edge of the cell's box (null as page).")
    parsed_value: Series[float] = pa.Field(nullable=True, description=(
        "Corrected cells: the value the parser read (null when it read none); null for other cells."))
    parsed_status: Series[str] = pa.Field(nullable=True, isin=list(CELL_STATUSES), description=(
        "Corrected cells: the cell_status the parser gave (missing, inferred …); null for other cells."))
    correction_reason: Series[str] = pa.Field(nullable=True, description="Corrected cells: why, as the reviewer "
                                              "wrote it (e.g. 'read in the PDF, p. 3').")
    reviewer: Series[str] = pa.Field(nullable=True, description="Corrected cells: who corrected it.")

    @pa.dataframe_check(description="Only number, none_word, inferred and corrected cells carry a value.")
    @classmethod
    def value_only_when_valued(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value"].isna() | df["cell_status"].isin(list(VALUED_STATUSES))


class _CountFact(_Fact):
    """A fact table whose every value is a count."""

    @pa.check("value", description="Counts are non-negative.")
    @classmethod
    def non_negative(cls, value: Series[float]) -> Series[bool]:
        return value.isna() | (value >= 0)


class FactApplications(_CountFact):
    """表三: one row per report × template row × applicant column."""

    row: Series[str] = pa.Field(isin=codes(APPLICATION_ROWS), description="Template row code (表三 row).")
    applicant: Series[str] = pa.Field(isin=codes(APPLICANTS), description="Applicant column code.")

    class Config:
        unique = ["report_id", "row", "applicant"]


class FactReviewLitigation(_CountFact):
    """表四: one row per report × proceeding × outcome."""

    proceeding: Series[str] = pa.Field(isin=codes(PROCEEDINGS), description="Review or litigation kind.")
    outcome: Series[str] = pa.Field(isin=codes(OUTCOMES), description="Outcome column code.")

    class Config:
        unique = ["report_id", "proceeding", "outcome"]


class FactActiveDisclosure(_Fact):
    """表二: one row per report × item × measure."""

    item: Series[str] = pa.Field(isin=codes(ITEMS), description="Item code (规章, 规范性文件, 行政许可 …).")
    measure: Series[str] = pa.Field(isin=codes(MEASURES), description="Measure code of the template generation.")
    unit: Series[str] = pa.Field(nullable=True, isin=list(UNITS), description=(
        "Money unit as written in the cell or header: wan_yuan (万元) | yuan (元); null when unstated."))
    value_wan_yuan: Series[float] = pa.Field(nullable=True, description=(
        "Money normalized to 万元 where the unit is known; null otherwise."))

    @pa.dataframe_check(description="Counts are non-negative except the signed net change.")
    @classmethod
    def non_negative(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value"].isna() | (df["value"] >= 0) | df["measure"].isin(list(SIGNED_MEASURES))

    class Config:
        unique = ["report_id", "item", "measure"]


class FactNarrative(_ReportKeyed):
    """Figures stated in the prose: one row per report × narrative measure, with the sentence."""

    measure: Series[str] = pa.Field(isin=[m.code for m in NARRATIVE_MEASURES], description="Narrative measure code.")
    value: Series[float] = pa.Field(ge=0, description="The figure as stated (0 for 未收到…申请-style statements).")
    qualifier: Series[str] = pa.Field(nullable=True, description="余 when the figure is a lower bound (8000余条).")
    sentence: Series[str] = pa.Field(description="The sentence the figure came from (whitespace removed).")
    source_line: Series[int] = pa.Field(ge=1, description="1-based line of the sentence.")

    class Config:
        unique = ["report_id", "measure"]


class ReportSections(_ReportKeyed):
    """One row per report × top-level section heading found."""

    number: Series[int] = pa.Field(ge=1, le=20, description="Section number as printed (一 → 1).")
    kind: Series[str] = pa.Field(isin=[s.code for s in SECTIONS], description="Catalog section kind.")
    title: Series[str] = pa.Field(description="Heading text, stripped.")
    start_line: Series[int] = pa.Field(ge=1, description="1-based line of the heading.")
    end_line: Series[int] = pa.Field(ge=1, description="1-based last line of the section.")

    class Config:
        unique = ["report_id", "kind"]


class ReportTables(_ReportKeyed):
    """One row per report × table cell as found, before placement (row labels with no cells: one row)."""

    table: Series[str] = pa.Field(isin=["active_disclosure", "applications", "review_litigation"],
                                  description="Fact table the row belongs to.")
    row: Series[str] = pa.Field(description="Row code (item for 表二, template row for 表三, '*' for 表四).")
    label: Series[str] = pa.Field(description="Row label as printed.")
    label_line: Series[int] = pa.Field(ge=0, description="1-based line of the row label.")
    columns: Series[str] = pa.Field(nullable=True, description=(
        "Comma-separated column codes the template expects for this row; null when undecidable."))
    units: Series[str] = pa.Field(nullable=True, description="Header units as 'column=unit;…', if any.")
    position: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="0-based cell position in the row.")
    raw: Series[str] = pa.Field(nullable=True, description="Cell text as found.")
    source_line: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description="1-based line of the cell.")


class RawReports(_ReportKeyed):
    """One row per report of the year: its normalized text and where it came from."""

    source_path: Series[str] = pa.Field(description="Path relative to the raw directory.")
    sha256: Series[str] = pa.Field(str_length=64, description="sha256 of the raw file's bytes.")
    encoding: Series[str] = pa.Field(description="Encoding the file was decoded with.")
    encoding_confident: Series[bool] = pa.Field(description="False when the encoding detector was not "
                                                "confident (the report gets a low_confidence_encoding issue).")
    source_format: Series[str] = pa.Field(isin=list(SOURCE_FORMATS), description=" | ".join(SOURCE_FORMATS) + ".")
    text: Series[str] = pa.Field(description="Normalized text, lines joined with \\n.")

    class Config:
        unique = ["report_id"]


class RawFileInventory(_Base):
    """One row per file under the raw directory, with what became of it."""

    source_path: Series[str] = pa.Field(description="Path relative to the raw directory.")
    sha256: Series[str] = pa.Field(str_length=64, description="sha256 of the file's bytes.")
    bytes: Series[int] = pa.Field(ge=0, description="File size in bytes.")
    modified_ns: Series[int] = pa.Field(description=(
        "The file's modification time when it was read (nanoseconds since 1970, as the file system gives it): "
        "with path and size, what raw_files_sensor compares to see that a file changed."))
    encoding: Series[str] = pa.Field(nullable=True, description=(
        "Encoding detected ('unicode' for PDF and Word files: their text is Unicode inside the file); null when "
        "unreadable."))
    encoding_confident: Series[pd.BooleanDtype] = pa.Field(nullable=True, description=(
        "False when the encoding detector was not confident; null when unreadable."))
    source_format: Series[str] = pa.Field(nullable=True, isin=list(SOURCE_FORMATS), description=(
        "text | html (a page rendered to lines) | pdf | docx; null when unreadable (but for a PDF or Word file "
        "whose text could not be read)."))
    pages: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description=(
        "Page count of a PDF (also of a scanned one that needs OCR); null for other formats."))
    report_id: Series[str] = pa.Field(nullable=True, description="Report id, null when no report was read.")
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="Reporting year detected, if any.")
    template: Series[str] = pa.Field(nullable=True, isin=list(TEMPLATES), description="Template generation.")
    outcome: Series[str] = pa.Field(isin=list(FILE_OUTCOMES), description=" | ".join(FILE_OUTCOMES) + ".")
    reason: Series[str] = pa.Field(nullable=True, description="Why the file is not a report of a year.")
    code_version: Series[str] = pa.Field(str_length=16, description=(
        "Hash of what the tables depend on besides the files (the code of the parser, the schemas and the "
        "pipeline modules that make rows, without comments or docstrings; the text libraries' versions): "
        "the next inventory keeps the record of a file whose path, sha256 and code_version are unchanged."))

    class Config:
        unique = ["source_path"]


class DimReports(_ReportKeyed):
    """One row per report: who published it, for which year, from which file, and how trustworthy."""

    source_path: Series[str] = pa.Field(description="Path relative to the raw directory.")
    agency: Series[str] = pa.Field(nullable=True, description=(
        "Issuing body as the report names it (title, page header or first sentence): 南谯区经信局."))
    agency_full: Series[str] = pa.Field(nullable=True, description=(
        "The fullest form of that name the text gives (滁州市南谯区经济和信息化局); equals agency when "
        "the text has none fuller."))
    agency_id: Series[str] = pa.Field(nullable=True, description=(
        "Stable id across years and name variants: '<division_code>/<body, short forms expanded>' "
        "(341103/经济和信息化局), or '?/<agency_full>' when the region is not resolved."))
    admin_level: Series[str] = pa.Field(nullable=True, isin=list(ADMIN_LEVELS), description=(
        "national | province | prefecture | county | township, from the name and its region."))
    agency_kind: Series[str] = pa.Field(nullable=True, isin=list(KIND_CODES), description=(
        "government | general_office | department | township | other, from how the name ends."))
    province: Series[str] = pa.Field(nullable=True, description="Province-level division (gazetteer name).")
    city: Series[str] = pa.Field(nullable=True, description=(
        "Prefecture-level division; null for municipalities (北京, 上海, 天津, 重庆) and when unresolved."))
    county: Series[str] = pa.Field(nullable=True, description=(
        "County-level division; null when the body sits above it or the name fits several places."))
    division_code: Series[str] = pa.Field(nullable=True, str_length=6, description=(
        "6-digit administrative division code of the lowest level resolved; null when ambiguous."))
    title: Series[str] = pa.Field(nullable=True, description="Report title line, if any.")
    publish_date: Series[str] = pa.Field(nullable=True, description="YYYY-MM-DD from the page header.")
    template: Series[str] = pa.Field(isin=list(TEMPLATES), description="2019 | 2021 | pre2019 | unknown.")
    year_conflict: Series[bool] = pa.Field(description="True when the year evidence disagrees.")
    year_confidence: Series[str] = pa.Field(isin=["high", "medium", "low", "none"],
                                            description="Confidence in the year decision.")
    year_evidence: Series[str] = pa.Field(description="The evidence weighed, as JSON.")
    encoding: Series[str] = pa.Field(description="Encoding the file was decoded with.")
    source_format: Series[str] = pa.Field(isin=list(SOURCE_FORMATS), description=" | ".join(SOURCE_FORMATS) + ".")
    cells: Series[int] = pa.Field(ge=0, description="Template cells emitted (all statuses).")
    cells_missing: Series[int] = pa.Field(ge=0, description="Cells with status missing or unparseable.")
    errors: Series[int] = pa.Field(ge=0, description="Quality issues of severity error.")
    quality_score: Series[float] = pa.Field(ge=0, le=1, description=(
        "Share of template cells placed (not missing/unparseable), times 0.5 if any arithmetic rule fails."))
    trusted: Series[bool] = pa.Field(description="Every template table found, no error-severity issue and no "
                                     "missing cell.")
    trusted_active_disclosure: Series[bool] = pa.Field(description=(
        "表二 found, every cell placed, no error-severity rule failed on it, and, if it has inferred cells, every "
        "check of it holds (rollups use 表二 figures then)."))
    trusted_applications: Series[bool] = pa.Field(description=(
        "表三 found, every cell placed, no error-severity rule failed on it, and, if it has inferred cells, every "
        "check of it holds (rollups use 表三 figures then)."))
    trusted_review_litigation: Series[bool] = pa.Field(description=(
        "表四 found, every cell placed, no error-severity rule failed on it, and, if it has inferred cells, every "
        "check of it holds (rollups use 表四 figures then)."))

    class Config:
        unique = ["report_id"]


class QualityIssues(_Base):
    """One row per finding: a broken rule, an unplaced row, a year conflict, an unreadable file."""

    report_id: Series[str] = pa.Field(nullable=True, description="Report id; null for files never read.")
    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year (the partition key).")
    source_path: Series[str] = pa.Field(description="Path relative to the raw directory.")
    rule: Series[str] = pa.Field(isin=list(RULES), description="Rule id (see the data dictionary).")
    severity: Series[str] = pa.Field(isin=list(SEVERITIES), description="error | warning | info.")
    table: Series[str] = pa.Field(nullable=True, description="Fact table involved, if any.")
    row: Series[str] = pa.Field(nullable=True, description="Row code involved, if any.")
    column: Series[str] = pa.Field(nullable=True, description="Column code involved, if any.")
    expected: Series[str] = pa.Field(nullable=True, description="What the rule expected.")
    found: Series[str] = pa.Field(nullable=True, description="What the report printed.")
    message: Series[str] = pa.Field(description="Human-readable explanation.")


class Corrections(_Base):
    """One row per cell a person corrected: the value they read in the report where the parser could not settle
    the cell (CSV files in the corrections folder, ``GOVREPORTS_CORRECTIONS``; ``govreports review``)."""

    report_id: Series[str] = pa.Field(str_length=16, description="The report corrected (its report_id).")
    sha256: Series[str] = pa.Field(str_length=64, description=(
        "sha256 of the report file the reviewer read: a changed file orphans the correction."))
    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year of the report.")
    table: Series[str] = pa.Field(isin=list(FACT_TABLES), description="Fact table of the cell.")
    row: Series[str] = pa.Field(description="Row code of the cell (item, row or proceeding, by table).")
    column: Series[str] = pa.Field(description="Column code of the cell (measure, applicant or outcome).")
    value: Series[float] = pa.Field(nullable=True, description="The value read; null: the cell is blank.")
    reason: Series[str] = pa.Field(str_length={"min_value": 1}, description="Why: what the reviewer read, where.")
    reviewer: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who corrected the cell.")
    date: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$", description="When (YYYY-MM-DD).")
    source: Series[str] | None = pa.Field(nullable=True, description=(
        "Where it was read: file:line in the corrections folder (added when the folder is read)."))

    @pa.dataframe_check(description="The cell exists in the catalog: row and column codes of the table.")
    @classmethod
    def known_cell(cls, df: pd.DataFrame) -> Series[bool]:
        return pd.Series([row in _ROW_CODES.get(table, ()) and column in _COLUMN_CODES.get(table, ())
                          for table, row, column in zip(df["table"], df["row"], df["column"], strict=True)],
                         index=df.index)

    class Config:
        unique = ["report_id", "table", "row", "column"]


class ReviewQueue(_ReportKeyed):
    """One row per report × cell that needs a person: not placed (missing, unparseable), inferred, in a table
    whose arithmetic fails, or corrected where the parser now disagrees; with the source lines around it."""

    sha256: Series[str] = pa.Field(str_length=64, description="sha256 of the report file (a correction names it).")
    agency: Series[str] = pa.Field(nullable=True, description="dim_reports.agency.")
    source_path: Series[str] = pa.Field(description="The report file, relative to the raw folder.")
    table: Series[str] = pa.Field(isin=list(FACT_TABLES), description="Fact table of the cell.")
    row: Series[str] = pa.Field(description="Row code (item, row or proceeding, by table).")
    column: Series[str] = pa.Field(description="Column code (measure, applicant or outcome, by table).")
    row_label: Series[str] = pa.Field(description="The template's Chinese label of the row.")
    column_label: Series[str] = pa.Field(description="The template's Chinese label of the column.")
    parsed_value: Series[float] = pa.Field(nullable=True, description="The value the parser gives the cell, if any.")
    cell_status: Series[str] = pa.Field(isin=list(CELL_STATUSES), description="The parser's cell_status.")
    flagged_because: Series[str] = pa.Field(description=(
        "Why a person is asked: the quality issues on the cell, its row or its table, in words."))
    source_line: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description=(
        "Line of the cell (of its row label when missing) in the report's text (raw_reports.text)."))
    page: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description="PDF page of the cell, if a PDF.")
    context: Series[str] = pa.Field(nullable=True, description=(
        "The report's lines around source_line, numbered, the cell's line marked '>'."))

    class Config:
        unique = ["report_id", "table", "row", "column"]


_ROW_CODES = {name: frozenset(codes(table.rows)) for name, table in FACT_TABLES.items()}
_COLUMN_CODES = {name: frozenset(codes(table.columns)) for name, table in FACT_TABLES.items()}


class RollupApplications(_Base):
    """One row per year × template: 表三 totals over trusted reports, with the rates' parts."""

    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year.")
    template: Series[str] = pa.Field(isin=list(TEMPLATES), description="Template generation.")
    reports: Series[int] = pa.Field(ge=0, description="Reports of the year and template.")
    trusted_reports: Series[int] = pa.Field(ge=0, description="Reports with trusted = true.")
    inferred_cells: Series[int] = pa.Field(ge=0, description=(
        "Inferred total-column cells (cell_status inferred) of trusted reports among those summed below."))
    corrected_cells: Series[int] = pa.Field(ge=0, description=(
        "Total-column cells a person corrected (cell_status corrected) of trusted reports among those summed "
        "below."))
    new_received: Series[float] = pa.Field(nullable=True, ge=0, description=(
        "Applications received (total column), trusted reports."))
    handled_total: Series[float] = pa.Field(nullable=True, ge=0, description=(
        "Applications handled (total column), trusted reports."))
    disclosed: Series[float] = pa.Field(nullable=True, ge=0, description=(
        "granted + partially_granted, trusted reports."))
    disclosure_rate: Series[float] = pa.Field(nullable=True, ge=0, le=1, description=(
        "disclosed / handled_total; null when handled_total is 0 or null."))

    class Config:
        unique = ["year", "template"]


FACT_MODELS = {
    "active_disclosure": FactActiveDisclosure,
    "applications": FactApplications,
    "review_litigation": FactReviewLitigation,
}


class CarryOverContinuity(_Base):
    """One row per agency × consecutive year pair: last year's carried_forward against this year's
    carried_over (表三 total column). An agency with several reports in either year has no row for that
    pair: which report continues which is unknown (each has a same_agency_year issue)."""

    agency_id: Series[str] = pa.Field(description="The agency both reports belong to (dim_reports.agency_id).")
    agency: Series[str] = pa.Field(nullable=True, description="Agency as named in the year Y report.")
    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="The earlier year Y.")
    report_id: Series[str] = pa.Field(description="Report of year Y.")
    next_report_id: Series[str] = pa.Field(description="Report of year Y+1.")
    carried_forward: Series[float] = pa.Field(nullable=True, ge=0, description="四、结转下年度继续办理 total, year Y.")
    carried_over_next: Series[float] = pa.Field(nullable=True, ge=0, description="二、上年结转 total, year Y+1.")
    status: Series[str] = pa.Field(isin=["holds", "fails", "not_computable"], description=(
        "holds | fails | not_computable (either cell missing, blank or unparseable)."))


class ActiveDisclosureContinuity(_Base):
    """One row per agency × consecutive year pair × 表二 item whose template relation can be computed:
    2021 template in_force(Y+1) = in_force(Y) + issued(Y+1) − repealed(Y+1); 2019 template
    previous_year_count(Y+1) = previous_year_count(Y) + net_change(Y).
    An agency with several reports in either year has no row for that pair."""

    agency_id: Series[str] = pa.Field(description="The agency both reports belong to (dim_reports.agency_id).")
    agency: Series[str] = pa.Field(nullable=True, description="Agency as named in the year Y report.")
    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="The earlier year Y.")
    item: Series[str] = pa.Field(isin=codes(ITEMS), description="表二 item code.")
    relation: Series[str] = pa.Field(isin=["in_force", "previous_year_count"], description=(
        "Which template relation: in_force (2021) or previous_year_count (2019)."))
    expected: Series[float] = pa.Field(description="What year Y and the changes imply for year Y+1.")
    found: Series[float] = pa.Field(description="What the year Y+1 report prints.")
    status: Series[str] = pa.Field(isin=["holds", "fails"], description="holds | fails.")


def _metric_model(name: str, base: type[_Base], doc: str) -> type[_Base]:
    """A rollup model: ``base``'s key columns plus one column per metric and three per rate, described
    from ``schemas/metrics.py`` (the metric catalog is the one declaration of these columns)."""
    annotations: dict[str, object] = {}
    fields: dict[str, object] = {}
    for metric in METRICS:
        annotations[metric.code] = Series[float]
        fields[metric.code] = pa.Field(nullable=True, ge=0, description=(
            f"Sum over the reports whose {FACT_TABLES[metric.table].label} is trusted: {metric.description}"))
    for rate in RATES:
        for column, description in (
                (rate.code, f"{rate.description} Over the reports whose table is trusted and both parts "
                            f"known; null when the denominator is 0 or null."),
                (f"{rate.code}_numerator", f"Numerator of {rate.code}: sum of {rate.numerator}."),
                (f"{rate.code}_denominator", f"Denominator of {rate.code}: sum of {rate.denominator}.")):
            annotations[column] = Series[float]
            fields[column] = pa.Field(nullable=True, ge=0, description=description)
    return type(name, (base,), {"__annotations__": annotations, **fields, "__doc__": doc,
                                "__module__": __name__})


class _Counted(_Base):
    """How many reports a rollup row stands on, and how many of them each table's figures use."""

    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year.")
    reports: Series[int] = pa.Field(ge=1, description="Reports in the group (an agency with 2+: same_agency_year).")
    trusted_reports: Series[int] = pa.Field(ge=0, description="Of which trusted as a whole (dim_reports.trusted).")
    active_disclosure_trusted: Series[int] = pa.Field(ge=0, description="Reports whose 表二 is trusted.")
    applications_trusted: Series[int] = pa.Field(ge=0, description="Reports whose 表三 is trusted.")
    review_litigation_trusted: Series[int] = pa.Field(ge=0, description="Reports whose 表四 is trusted.")
    active_disclosure_inferred_cells: Series[int] = pa.Field(ge=0, description=(
        "Inferred cells (cell_status inferred) of the trusted 表二 tables that fed the group's figures."))
    applications_inferred_cells: Series[int] = pa.Field(ge=0, description=(
        "Inferred cells of the trusted 表三 tables that fed the group's figures."))
    review_litigation_inferred_cells: Series[int] = pa.Field(ge=0, description=(
        "Inferred cells of the trusted 表四 tables that fed the group's figures."))
    active_disclosure_corrected_cells: Series[int] = pa.Field(ge=0, description=(
        "Cells a person corrected (cell_status corrected) of the trusted 表二 tables that fed the group's figures."))
    applications_corrected_cells: Series[int] = pa.Field(ge=0, description=(
        "Corrected cells of the trusted 表三 tables that fed the group's figures."))
    review_litigation_corrected_cells: Series[int] = pa.Field(ge=0, description=(
        "Corrected cells of the trusted 表四 tables that fed the group's figures."))


class _AgencyYear(_Counted):
    agency_id: Series[str] = pa.Field(nullable=True, description="dim_reports.agency_id (null: no agency found).")
    agency: Series[str] = pa.Field(nullable=True, description="Agency as named (one of its reports of the year).")
    agency_full: Series[str] = pa.Field(nullable=True, description="Fullest name of the agency.")
    province: Series[str] = pa.Field(nullable=True, description="Province-level division.")
    city: Series[str] = pa.Field(nullable=True, description="Prefecture-level division.")
    county: Series[str] = pa.Field(nullable=True, description="County-level division.")
    division_code: Series[str] = pa.Field(nullable=True, description="6-digit division code.")
    admin_level: Series[str] = pa.Field(nullable=True, description="Administrative level of the agency.")
    agency_kind: Series[str] = pa.Field(nullable=True, description="Kind of agency.")


class _RegionYear(_Counted):
    province: Series[str] = pa.Field(nullable=True, description="Province-level division (null: unresolved).")
    city: Series[str] = pa.Field(nullable=True, description="Prefecture-level division (null: none or unresolved).")
    admin_level: Series[str] = pa.Field(nullable=True, description="Administrative level of the agencies.")
    agency_kind: Series[str] = pa.Field(nullable=True, description="Kind of agencies.")


RollupAgencies = _metric_model("RollupAgencies", _AgencyYear, (
    "One row per year × agency_id: 表三/表四/表二 figures summed over the agency's reports whose table is "
    "trusted, with rates."))
RollupRegions = _metric_model("RollupRegions", _RegionYear, (
    "One row per year × province × city × admin_level × agency_kind: figures over the reports whose table is "
    "trusted, with rates."))


class Trends(_Base):
    """One row per scope (agency | province | city) × entity × year × followed metric: value, last year's
    value, change, and rank within the year."""

    scope: Series[str] = pa.Field(isin=["agency", "province", "city"], description="agency | province | city.")
    entity: Series[str] = pa.Field(description="agency_id, province name, or 'province/city'.")
    name: Series[str] = pa.Field(nullable=True, description="Agency, province or city name.")
    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year.")
    metric: Series[str] = pa.Field(isin=list(TREND_METRICS), description="Metric or rate code (rollup column).")
    value: Series[float] = pa.Field(nullable=True, description="The figure this year.")
    previous_value: Series[float] = pa.Field(nullable=True, description="The figure the year before, if any.")
    change: Series[float] = pa.Field(nullable=True, description="value − previous_value.")
    change_pct: Series[float] = pa.Field(nullable=True, description="change / previous_value; null when that is 0.")
    rank_in_year: Series[float] = pa.Field(nullable=True, ge=1, description=(
        "Rank among the scope's entities this year, 1 = highest value (ties share the best rank)."))

    class Config:
        unique = ["scope", "entity", "year", "metric"]


class Outliers(_Base):
    """One row per agency × year × metric far outside its peers (same admin_level and agency_kind)."""

    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year.")
    agency_id: Series[str] = pa.Field(description="The agency.")
    agency: Series[str] = pa.Field(nullable=True, description="Agency as named.")
    admin_level: Series[str] = pa.Field(description="Peer group: administrative level.")
    agency_kind: Series[str] = pa.Field(description="Peer group: kind of agency.")
    metric: Series[str] = pa.Field(isin=list(OUTLIER_METRICS), description="The figure judged.")
    value: Series[float] = pa.Field(description="The agency's figure.")
    peer_median: Series[float] = pa.Field(description="Median of the peers' figures.")
    peers: Series[int] = pa.Field(ge=5, description="Peers with a known figure (the agency included).")
    robust_z: Series[float] = pa.Field(description="0.6745·(x − median)/MAD; counts on a log1p scale.")
    reason: Series[str] = pa.Field(description="Why it is listed, in words.")


COVERAGE_STATUSES = {
    "published": "one report of the agency in the year, with at least one template cell read",
    "missing": "no file of the agency in the year, though it published in another year or is on the roster",
    "duplicate": "two or more different reports of one agency_id in the year (issue same_agency_year)",
    "unreadable": "the agency's only files of the year failed: refused, not read as a report, or no template "
                  "cell of its report could be read (reason says which and why)",
}


class Coverage(_Base):
    """One row per agency × year: did the agency publish its report of the year, and can it be read. An agency
    is every agency_id with a report in some year, and every roster entry; a report or failed file whose agency is
    unknown is a row of its own (agency_id null)."""

    year: Series[int] = pa.Field(ge=FIRST_YEAR, le=2100, description="Reporting year (the partition key).")
    agency_id: Series[str] = pa.Field(nullable=True, description=(
        "dim_reports.agency_id, or a roster entry's id made the same way ('<division_code>/<body, short forms "
        "expanded>'); null for a report or failed file of no known agency."))
    agency: Series[str] = pa.Field(nullable=True, description=(
        "Agency as named: by its report of the year, else by its latest report, else by the roster."))
    agency_full: Series[str] = pa.Field(nullable=True, description="Fullest name of the agency (dim_reports).")
    province: Series[str] = pa.Field(nullable=True, description="Province-level division.")
    city: Series[str] = pa.Field(nullable=True, description="Prefecture-level division.")
    county: Series[str] = pa.Field(nullable=True, description="County-level division.")
    division_code: Series[str] = pa.Field(nullable=True, str_length=6, description="6-digit division code.")
    admin_level: Series[str] = pa.Field(nullable=True, isin=list(ADMIN_LEVELS), description=(
        "Administrative level (dim_reports, else the roster's level)."))
    agency_kind: Series[str] = pa.Field(nullable=True, isin=list(KIND_CODES), description="Kind of agency.")
    status: Series[str] = pa.Field(isin=list(COVERAGE_STATUSES), description="; ".join(
        f"{code}: {meaning}" for code, meaning in COVERAGE_STATUSES.items()) + ".")
    on_roster: Series[bool] = pa.Field(description="The agency is an entry of the roster (GOVREPORTS_ROSTER).")
    reports: Series[int] = pa.Field(ge=0, description="Different reports of the agency in the year (dim_reports).")
    report_ids: Series[str] = pa.Field(nullable=True, description="Their report_ids, sorted, joined by '; '.")
    source_paths: Series[str] = pa.Field(nullable=True, description=(
        "Files of the agency in the year, relative to the raw folder, joined by '; ': its reports, and failed "
        "files placed on it (a failed file whose path, suffix and years aside, is that of the agency's "
        "reports)."))
    other_years: Series[str] = pa.Field(nullable=True, description=(
        "Other years with a report of the agency, joined by ','; null when none."))
    reason: Series[str] = pa.Field(nullable=True, description=(
        "Why the status is not published, in words: each failed file with its raw_file_inventory reason, each "
        "report no template cell of which could be read, the reports of a duplicate, the years of a missing "
        "agency's reports."))

    @pa.dataframe_check(description="One row per agency_id and year.")
    @classmethod
    def one_row_per_agency(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["agency_id"].notna() & df.duplicated(["year", "agency_id"], keep=False))


class RosterEntry(_Base):
    """One row per agency expected to publish a report every year: the roster (a CSV file, ``GOVREPORTS_ROSTER``)
    an oversight office keeps. Matched to reports by agency_id, made from the name and division code as the
    parser makes it (南谯区经信局 + 341103 → 341103/经济和信息化局)."""

    name: Series[str] = pa.Field(str_length={"min_value": 2}, description=(
        "The agency's name, with or without its place names, short forms or Traditional characters allowed."))
    division_code: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{6}$", description=(
        "6-digit division code of the agency's place; empty only for a body of no division (a central one)."))
    level: Series[str] = pa.Field(isin=list(ADMIN_LEVELS), description=" | ".join(ADMIN_LEVELS) + ".")
