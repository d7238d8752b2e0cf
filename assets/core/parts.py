"""Tables too big to hold at once, written as Parquet part files in bounded batches, and read back in part.

Belongs here: turning a validated batch frame into an Arrow table of a fixed schema (the partition
column dropped, it lives in the directory name), and ``PartWriter``, which appends such tables to
``part-0.parquet``, ``part-1.parquet`` … in a local directory and hands back a ``StagedTable`` for the
IO manager to publish. Every row group holds whole reports (batches are never split), so a check can
validate a written partition one row group at a time and still see each report's rows together.
``StoredTable`` reads back only the columns and rows a step needs of an unpartitioned table: a year run
needs its year's rows of an inventory of every year.
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from upath import UPath

PARTITION_COLUMN = "year"
ROW_GROUP_ROWS = 131_072  # buffered rows per row group (whole batches: a batch is never split) …
ROW_GROUP_BYTES = 64 << 20  # … or fewer when they hold this many bytes (raw_reports: ≈ 10 KB of text a row)
PART_ROWS = 2_000_000  # a new part file after this many rows


@dataclass(frozen=True)
class StagedTable:
    """Part files of one table partition, written locally and ready to be published."""

    directory: Path
    rows: int
    parts: int


@dataclass(frozen=True)
class StoredTable:
    """An unpartitioned table of the warehouse, read when asked."""

    path: UPath

    def read(self, columns: list[str] | None = None, year: int | None = None) -> pd.DataFrame:
        """The table's ``columns`` (all by default), only the rows of ``year`` when given (the filter is
        applied while reading: row groups of other years are skipped, the rest never held whole)."""
        filters = [(PARTITION_COLUMN, "==", year)] if year is not None else None
        return pd.read_parquet(self.path.path, filesystem=self.path.fs, columns=columns, filters=filters)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A validated frame as an Arrow table, without the partition column."""
    return pa.Table.from_pandas(frame.drop(columns=[PARTITION_COLUMN], errors="ignore"), preserve_index=False)


class PartWriter:
    """Appends Arrow tables of one schema to Parquet part files in ``directory``."""

    def __init__(self, directory: Path, schema: pa.Schema):
        self.directory, self.schema = directory, schema
        directory.mkdir(parents=True, exist_ok=True)
        self.rows = self.parts = self._part_rows = 0
        self._buffer: list[pa.Table] = []
        self._buffered = self._buffered_bytes = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if not table.schema.equals(self.schema, check_metadata=False):
            table = table.cast(self.schema)
        self._buffer.append(table)
        self._buffered += table.num_rows
        self._buffered_bytes += table.nbytes
        if self._buffered >= ROW_GROUP_ROWS or self._buffered_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._writer is None or self._part_rows >= PART_ROWS:
            self._close_part()
            self._writer = pq.ParquetWriter(self.directory / f"part-{self.parts}.parquet", self.schema)
            self.parts += 1
        table = pa.concat_tables(self._buffer) if self._buffer else self.schema.empty_table()
        self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self.rows += table.num_rows
        self._part_rows += table.num_rows
        self._buffer, self._buffered, self._buffered_bytes = [], 0, 0

    def _close_part(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._part_rows = 0

    def close(self) -> StagedTable:
        """Write what is buffered (an empty partition is one part with no rows) and close the last part."""
        if self._buffer or self._writer is None:
            self._flush()
        self._close_part()
        return StagedTable(self.directory, self.rows, self.parts)
