"""Tables too big to hold at once, written as Parquet part files in bounded batches, and read back in part.

Belongs here: turning a validated batch frame into an Arrow table of a fixed schema (the partition
column dropped, it lives in the directory name); ``write_part``, which writes one such table as
``part-<n>.parquet`` of a local directory, one row group (the year pass's workers write each batch so,
with the batch's number, and extra footer metadata), ``staged``, which hands a directory's parts to the IO
manager to publish, and ``part_metadata``, which reads a key of a written partition's footer.
Every row group holds whole reports (batches are never split), so a check can validate a written
partition one row group at a time and still see each report's rows together.
``StoredTable`` reads back only the columns and rows a step needs of an unpartitioned table: a year run
needs its year's rows of an inventory of every year.
"""

import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from upath import UPath

PARTITION_COLUMN = "year"


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

    def exists(self) -> bool:
        return self.path.exists()

    def write(self, frame: pd.DataFrame) -> None:
        """Replace the table by ``frame``, whole: written under a temporary name, then renamed (a reader sees
        the old table or the new one, never half of one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        frame.to_parquet(temporary.path, filesystem=temporary.fs, index=False)  # any fsspec location
        temporary.rename(self.path)

    def read(self, columns: list[str] | None = None, year: int | None = None) -> pd.DataFrame:
        """The table's ``columns`` (all by default), only the rows of ``year`` when given (the filter is
        applied while reading: row groups of other years are skipped, the rest never held whole)."""
        filters = [(PARTITION_COLUMN, "==", year)] if year is not None else None
        return pd.read_parquet(self.path.path, filesystem=self.path.fs, columns=columns, filters=filters)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A validated frame as an Arrow table, without the partition column."""
    return pa.Table.from_pandas(frame.drop(columns=[PARTITION_COLUMN], errors="ignore"), preserve_index=False)


def write_part(directory: Path, number: int, table: pa.Table, schema: pa.Schema,
               metadata: dict[bytes, bytes] | None = None) -> None:
    """``table`` as ``part-<number>.parquet`` in ``directory`` (made if missing), one row group, with
    ``schema`` and its metadata, plus ``metadata``: every part of a table has the same (a batch whose column
    is all null has no type of its own)."""
    table = table.cast(schema) if not table.schema.equals(schema, check_metadata=False) else table
    table = table.replace_schema_metadata({**(schema.metadata or {}), **(metadata or {})})
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, directory / f"part-{number}.parquet", row_group_size=max(table.num_rows, 1))


def part_metadata(directory: UPath, key: bytes) -> bytes | None:
    """The value of ``key`` in the Parquet metadata of a table partition's first part (None when there is
    no such part, or no such key)."""
    first = directory / "part-0.parquet"
    if not first.exists():
        return None
    return (pq.read_schema(first.path, filesystem=first.fs).metadata or {}).get(key)


def staged(directory: Path, schema: pa.Schema, rows: int, metadata: dict[bytes, bytes] | None = None) -> StagedTable:
    """The part files written in ``directory`` as a table partition of ``rows`` rows; a partition with no
    part yet (a year without reports) becomes one part with no rows (and ``metadata``)."""
    parts = len(list(directory.glob("part-*.parquet"))) if directory.is_dir() else 0
    if parts == 0:
        write_part(directory, 0, schema.empty_table(), schema, metadata)
        parts = 1
    return StagedTable(directory, rows, parts)
