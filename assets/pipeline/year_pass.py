"""One batch of a year's reports through every stage: the rows of each table the year writes.

Belongs here: reading the inventoried files of a batch and running the pure stages in order (``read_lines``
→ ``find_sections`` → ``read_tables`` → ``assemble``); each stage's table is made from that stage's own
result (sections from the text, cells as found from the text and its sections, facts from the cells as
found), exactly as if the stages ran one after the other, but each report is read and parsed once. Each
batch is validated against the tables' pandera models; ``write_batch`` (what a worker process of ``pool.py``
runs) writes its tables as that batch's Parquet parts and returns only what the caller sums: the caller
never receives, nor writes, the rows (receiving and writing them made the one main process the bound of
the pass beyond a few cores: benchmarks/RESULTS.md). A file whose bytes are no longer those the inventory
read (changed, removed) fails its batch: its inventory record (year, report_id, duplicates) no longer
describes it. Nothing here imports Dagster.
"""

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from time import perf_counter
from typing import NamedTuple

import pandas as pd
import pandera.pandas as pa
import pyarrow

from schemas.tables import (
    FACT_MODELS,
    DimReports,
    FactNarrative,
    QualityIssues,
    RawReports,
    ReportSections,
    ReportTables,
)

from ..parser.reading import read_lines
from ..parser.report import assemble, read_tables
from ..parser.review import Correction
from ..parser.sections import find_sections
from ..storage.parts import to_arrow, write_part
from .frames import (
    DIM_COLUMNS,
    FACT_COLUMNS,
    ISSUE_COLUMNS,
    NARRATIVE_COLUMNS,
    SECTION_COLUMNS,
    TABLE_COLUMNS,
    add_found_cells,
    arrow_table,
    dim_record,
    fact_table,
    issue_records,
    narrative_frame,
    records_frame,
    section_records,
    year_frame,
)

RAW_COLUMNS = ["report_id", "year", "source_path", "sha256", "encoding", "encoding_confident", "source_format",
               "text"]
FACT_OUTPUTS = {f"fact_{name}": name for name in FACT_MODELS}
MODELS: dict[str, type[pa.DataFrameModel]] = {
    "raw_reports": RawReports, "report_sections": ReportSections, "report_tables": ReportTables,
    **{f"fact_{name}": model for name, model in FACT_MODELS.items()},
    "fact_narrative": FactNarrative, "dim_reports": DimReports, "quality_issues": QualityIssues,
}
COLUMNS = {"raw_reports": RAW_COLUMNS, "report_sections": SECTION_COLUMNS, "report_tables": TABLE_COLUMNS,
           **{output: FACT_COLUMNS[table] for output, table in FACT_OUTPUTS.items()},
           "fact_narrative": NARRATIVE_COLUMNS, "dim_reports": DIM_COLUMNS, "quality_issues": ISSUE_COLUMNS}
MAX_BATCH = 500  # reports per task at most: a worker holds one batch's rows (≈ 200,000) at a time
MIN_BATCH = 50  # … and at least (enough work for a task): a small year is not spread over a Parquet part per report
AGENCY_FIELDS = ["report_id", "source_path", "agency_id"]  # what the year's same-agency check needs of dim_reports


class Entry(NamedTuple):
    """A report of a batch: the inventory's record of its file (how it was read decides how it is read
    again: a GB18030 text file without the encoding detector)."""

    source_path: str
    report_id: str
    sha256: str
    encoding: str
    encoding_confident: bool
    source_format: str


@dataclass(frozen=True)
class YearTask:
    """A batch of one year's inventoried reports under ``root``; ``write_batch`` writes its table of each
    of ``outputs`` as ``<spool>/<output>/part-<number>.parquet``, with ``metadata`` in each part's footer."""

    root: Path
    year: int
    entries: list[Entry]
    spool: Path | None = None
    number: int = 0
    outputs: tuple[str, ...] = tuple(MODELS)
    metadata: dict[bytes, bytes] = field(default_factory=dict)
    corrections: dict[str, tuple[Correction, ...]] = field(default_factory=dict)  # by report_id


@dataclass
class BatchResult:
    """The batch's table per output, what the asset reports about them, why it must fail, if so, and the
    seconds its worker spent in each stage (``STAGES``)."""

    tables: dict[str, pyarrow.Table] = field(default_factory=dict)
    counts: dict[str, Counter] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)


# Where a worker's time goes, in order: reading a file (its bytes checked against the inventory, decoded
# and normalized), parsing it (sections, tables, placement, checks, agency), making the rows of every table,
# validating them against the models, writing the Parquet parts.
STAGES = ("read", "parse", "rows", "validate", "write")


class Stopwatch:
    """Adds the time since the previous lap (or since it was made) to ``seconds[stage]`` at each lap."""

    def __init__(self, seconds: Counter) -> None:
        self.seconds = seconds
        self._last = perf_counter()

    def lap(self, stage: str) -> None:
        now = perf_counter()
        self.seconds[stage] += now - self._last
        self._last = now


def schema_failure(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The frame coerced to ``model`` and None, or the frame as given and its failure cases."""
    try:
        return model.validate(frame, lazy=True), None
    except pa.errors.SchemaErrors as errors:
        return frame, errors.failure_cases


@cache
def arrow_schema(output: str) -> pyarrow.Schema:
    """The Arrow schema every batch of ``output`` is written with (that of an empty validated frame)."""
    return to_arrow(MODELS[output].validate(pd.DataFrame(columns=COLUMNS[output]))).schema


def run_batch(task: YearTask) -> BatchResult:
    """Parse every report of the batch once and return the rows of each of the year's tables."""
    result = BatchResult()
    watch = Stopwatch(result.seconds)
    raw, sections, reports, dims, issues = [], [], [], [], []
    found_cells: dict[str, list] = {name: [] for name in arrow_schema("report_tables").names}
    for source_path, report_id, sha256, encoding, confident, source_format in task.entries:
        data, stale = inventoried_bytes(task.root / source_path, sha256)
        if stale is not None:
            result.failures.append(f"{source_path}: {stale}; materialize raw_file_inventory again, then this year")
            continue
        read = read_lines(source_path, data, (encoding, bool(confident), source_format))
        text = "\n".join(read.lines)
        lines = text.split("\n")
        watch.lap("read")
        found_sections = find_sections(lines)
        rows = read_tables(lines, found_sections)
        report = assemble(source_path, lines, found_sections, rows, read.encoding, source_format=read.source_format,
                          encoding_confident=read.confident, file_lines=read.file_lines, boxes=read.boxes,
                          pages=read.pages, corrections=task.corrections.get(report_id, ()), sha256=sha256)
        watch.lap("parse")
        if report.year.year != task.year:
            result.failures.append(f"{source_path}: parsed as {report.year.year} but inventoried for {task.year}")
        raw.append({"report_id": report_id, "year": task.year, "source_path": source_path, "sha256": sha256,
                    "encoding": read.encoding, "encoding_confident": read.confident,
                    "source_format": read.source_format, "text": text})
        sections.extend(section_records(report_id, task.year, found_sections))
        add_found_cells(found_cells, report_id, rows)
        reports.append(report)
        dims.append(dim_record(report, source_path))
        issues.extend(issue_records(report, source_path))
        watch.lap("rows")
    frames = {"raw_reports": records_frame(raw, RAW_COLUMNS),
              "report_sections": records_frame(sections, SECTION_COLUMNS),
              "fact_narrative": narrative_frame(reports),
              "dim_reports": records_frame(dims, DIM_COLUMNS),
              "quality_issues": records_frame(issues, ISSUE_COLUMNS)}
    built = {"report_tables": arrow_table(found_cells, arrow_schema("report_tables")),
             **{output: fact_table(reports, table, arrow_schema(output)) for output, table in FACT_OUTPUTS.items()}}
    watch.lap("rows")
    for output, frame in frames.items():
        add_table(result, output, frame)
    for output, table in built.items():
        add_built_table(result, output, table, task.year)
    watch.lap("validate")
    return result


def write_batch(task: YearTask) -> BatchResult:
    """``run_batch``, its tables written to the spool (none when the batch fails) and returned without
    them but for the agency fields of dim_reports."""
    result = run_batch(task)
    if result.failures:
        result.tables = {}
        return result
    watch = Stopwatch(result.seconds)
    for output in task.outputs:
        write_part(task.spool / output, task.number, result.tables[output], arrow_schema(output), task.metadata)
    watch.lap("write")
    result.tables = {"agencies": result.tables["dim_reports"].select(AGENCY_FIELDS)}
    return result


def inventoried_bytes(path: Path, sha256: str) -> tuple[bytes, str | None]:
    """The file's bytes and None, or no bytes and why they are not the bytes the inventory read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return b"", "removed since the inventory"
    except OSError as error:
        return b"", f"unreadable since the inventory ({error.strerror or error})"
    if hashlib.sha256(data).hexdigest() != sha256:
        return b"", "changed since the inventory (its sha256 differs)"
    return data, None


def add_table(result: BatchResult, output: str, frame: pd.DataFrame) -> None:
    """Validate ``frame`` against the output's model; keep it as Arrow with its counts, or record why not."""
    frame, failures = schema_failure(MODELS[output], frame)
    if failures is not None:
        _refuse(result, output, failures)
        return
    result.tables[output] = to_arrow(frame)
    result.counts[output] = counts_of(output, frame)


def add_built_table(result: BatchResult, output: str, table: pyarrow.Table, year: int) -> None:
    """As ``add_table`` for a table built as Arrow with its written schema: validated as a frame, and
    kept as built (its types are the schema's, so the model's coercion has nothing to change)."""
    frame, failures = schema_failure(MODELS[output], year_frame(table, year))
    if failures is not None:
        _refuse(result, output, failures)
        return
    result.tables[output] = table
    result.counts[output] = counts_of(output, frame)


def _refuse(result: BatchResult, output: str, failures: pd.DataFrame) -> None:
    cases = failures.head(20).to_markdown(index=False)
    result.failures.append(f"{MODELS[output].__name__}: {len(failures)} schema failure case(s); "
                           f"nothing written\n\n{cases}")


def counts_of(output: str, frame: pd.DataFrame) -> Counter:
    """What the asset reports about a batch of ``output``; summed over batches (reports never repeat)."""
    counts = Counter({"rows": len(frame)})
    if output in FACT_OUTPUTS or output == "report_sections":
        counts["reports"] = frame["report_id"].nunique()
    if output in FACT_OUTPUTS:
        counts.update({f"cell_status:{k}": int(v) for k, v in frame["cell_status"].value_counts().items()})
    if output == "report_tables":
        counts["cells_found"] = int(frame["position"].notna().sum())
    if output == "dim_reports":
        counts.update(trusted=int(frame["trusted"].sum()), year_conflicts=int(frame["year_conflict"].sum()))
    if output == "quality_issues":
        counts.update({f"rule:{k}": int(v) for k, v in frame["rule"].value_counts().items()})
    return counts


def year_tasks(root: Path, year: int, reports: pd.DataFrame, workers: int, spool: Path,
               outputs: tuple[str, ...], metadata: dict[bytes, bytes],
               corrections: dict[str, tuple[Correction, ...]] | None = None) -> Iterator[YearTask]:
    """The year's inventoried reports (``reports``: rows of the inventory) in batches numbered from 0: at
    least four per worker (so that every core works to the end) unless that makes batches smaller than
    ``MIN_BATCH``, at most ``MAX_BATCH`` reports each (big enough that validation costs little per report).
    Each batch is made when the pool takes it: a list of every report's entry would hold memory of the main
    process in proportion to the year (benchmarks/RESULTS.md)."""
    size = max(1, min(MAX_BATCH, max(MIN_BATCH, -(-len(reports) // (4 * workers)))))
    for number, start in enumerate(range(0, len(reports), size)):
        batch = reports.iloc[start:start + size][list(Entry._fields)]
        entries = [Entry(*row) for row in batch.itertuples(index=False, name=None)]
        mine = {e.report_id: corrections[e.report_id] for e in entries if corrections and e.report_id in corrections}
        yield YearTask(root, year, entries, spool, number, outputs, metadata, mine)

