"""The warehouse IO manager: pandas DataFrames and staged Parquet parts as Hive-partitioned Parquet.

Layout: ``<root>/<asset>/year=<YYYY>/part-<n>.parquet`` for year-partitioned assets (``part-0`` first;
a part per batch of reports: a year of 200,000 has ≈ 400 per asset) and ``<root>/<asset>.parquet`` otherwise, so
``pandas.read_parquet("<root>/<asset>")`` and DuckDB ``read_parquet('<root>/<asset>/*/*.parquet',
hive_partitioning=true)`` both return every year. The partition column lives only in the directory name.

Writing never exposes a half-written table. An unpartitioned file is written to a temporary name and
renamed. A partition is written whole into ``<root>/<asset>/.staging/year=<YYYY>.<id>/`` (hidden from both
readers above), then swapped in: the old ``year=<YYYY>`` directory is renamed away, the new one renamed into
place, the old one deleted. A reader sees the old parts or the new parts, never a mix, and parts of an
earlier, larger write disappear with their directory. Between the two renames the partition is briefly
absent. An object store (s3://) has no rename: there the partition's objects are deleted, then the new
parts uploaded, so a reader racing that sees the year absent or partly written. A killed run leaves at
most a staged directory in ``.staging``, removed by the next successful write of that partition
(``.staging`` itself stays, empty: runs of other years stage in it at the same time).

Loading: an input annotated ``pd.DataFrame`` gets the whole partition; one annotated ``PartitionTable``
gets a lazy reader (row groups, chosen columns), so checks over a large year stay within bounded memory;
an unpartitioned input annotated ``StoredTable`` is read likewise, its columns and one year's rows as asked
(also when it has not been written yet: the step then decides what to do without it).
"""

import shutil
import uuid
from collections.abc import Iterator

import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from upath import UPath

from .parts import PARTITION_COLUMN, StagedTable, StoredTable
from .resources import is_local, storage_path

STAGING = ".staging"


class PartitionTable:
    """The part files of one written year partition, read lazily."""

    def __init__(self, directory: UPath, year: int):
        self.directory, self.year = directory, year

    def parts(self) -> list[UPath]:
        parts = [p for p in self.directory.iterdir() if p.name.startswith("part-") and p.name.endswith(".parquet")]
        return sorted(parts, key=lambda p: int(p.name[len("part-"):-len(".parquet")]))

    def row_groups(self, columns: list[str] | None = None, min_rows: int = 1) -> Iterator[pd.DataFrame]:
        """Consecutive whole row groups as frames of at least ``min_rows`` rows (the last may hold fewer),
        with the ``year`` column; a row group holds whole reports, so does each frame."""
        pending: list[pa.Table] = []
        rows = 0
        for part in self.parts():
            with part.open("rb") as handle:
                file = pq.ParquetFile(handle)
                for index in range(file.num_row_groups):
                    pending.append(file.read_row_group(index, columns=columns))
                    rows += pending[-1].num_rows
                    if rows >= min_rows:
                        yield self._with_year(pa.concat_tables(pending).to_pandas())
                        pending, rows = [], 0
        if pending:
            yield self._with_year(pa.concat_tables(pending).to_pandas())

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        frames = []
        for part in self.parts():
            with part.open("rb") as handle:
                frames.append(pd.read_parquet(handle, columns=columns))
        return self._with_year(pd.concat(frames, ignore_index=True))

    def _with_year(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame[PARTITION_COLUMN] = self.year
        return frame


def _remove(path: UPath) -> None:
    if path.exists():
        path.fs.rm(path.path, recursive=True)


class HiveParquetIOManager(dg.UPathIOManager):
    extension = ".parquet"

    def get_path_for_partition(self, context, path: UPath, partition: str) -> UPath:
        return path / f"{PARTITION_COLUMN}={partition}" / "part-0"

    def dump_to_path(self, context: dg.OutputContext, obj: pd.DataFrame | StagedTable, path: UPath) -> None:
        if not context.has_asset_partitions:
            StoredTable(path).write(obj)
            return
        final = path.parent
        if not is_local(final):  # an object store has no rename: replace the objects in place
            self._replace_objects(obj, final)
            return
        self._publish(obj, final)

    @classmethod
    def _publish(cls, obj: pd.DataFrame | StagedTable, final: UPath) -> None:
        """Stage the partition beside the asset's other years, then swap it in. ``.staging`` is shared by
        the runs of every year and stays (empty) between writes: removed when one run found it empty, it
        vanished under a run of another year about to stage in it or list it."""
        staging = final.parent / STAGING / f"{final.name}.{uuid.uuid4().hex}"
        staging.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, StagedTable):
            shutil.move(obj.directory, staging.path)
        else:
            staging.mkdir()
            part = staging / "part-0.parquet"
            obj.drop(columns=[PARTITION_COLUMN], errors="ignore").to_parquet(part.path, filesystem=part.fs, index=False)
        cls._swap(staging, final)

    @staticmethod
    def _replace_objects(obj: pd.DataFrame | StagedTable, final: UPath) -> None:
        """On object storage: the partition's old objects deleted, then the new parts uploaded."""
        final.fs.invalidate_cache()
        _remove(final)
        if isinstance(obj, StagedTable):  # one call: fsspec's object stores upload the parts concurrently
            parts = sorted(obj.directory.iterdir())
            final.fs.put([str(part) for part in parts], [(final / part.name).path for part in parts])
        else:
            part = final / "part-0.parquet"
            obj.drop(columns=[PARTITION_COLUMN], errors="ignore").to_parquet(part.path, filesystem=part.fs, index=False)
        final.fs.invalidate_cache()

    @staticmethod
    def _swap(staging: UPath, final: UPath) -> None:
        """Replace the partition directory ``final`` by ``staging``; remove what earlier runs left."""
        retired = staging.with_name(f"{staging.name}.old")
        if final.exists():
            final.rename(retired)
        staging.rename(final)
        for leftover in staging.parent.iterdir():
            if leftover.name.startswith(f"{final.name}."):
                _remove(leftover)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> pd.DataFrame | PartitionTable | StoredTable:
        if not context.has_asset_partitions:
            if context.dagster_type.typing_type is StoredTable:  # its reader says whether it exists yet
                return StoredTable(path)
            if not path.exists():
                name = context.asset_key.to_user_string()
                raise dg.Failure(description=(
                    f"{name} has not been materialized yet (no {path.name} in the warehouse): materialize {name} "
                    f"first (in the UI: select {name}, Materialize; or `govreports run`), then run this again"))
            return pd.read_parquet(path.path, filesystem=path.fs)
        directory = path.parent
        if not (directory / "part-0.parquet").exists():
            raise FileNotFoundError(f"{directory}: no such partition")
        table = PartitionTable(directory, int(directory.name.split("=", 1)[1]))
        if context.dagster_type.typing_type is PartitionTable:
            return table
        return table.read()

    def get_metadata(self, context: dg.OutputContext, obj: pd.DataFrame | StagedTable) -> dict:
        rows = obj.rows if isinstance(obj, StagedTable) else len(obj)
        metadata = {"dagster/row_count": dg.MetadataValue.int(rows)}
        if isinstance(obj, StagedTable):
            metadata["parts"] = dg.MetadataValue.int(obj.parts)
        return metadata


class WarehouseIOManager(dg.ConfigurableIOManagerFactory):
    """Hive-partitioned Parquet under ``root`` (GOVREPORTS_WAREHOUSE): a folder or an fsspec URL (``s3://...``)."""

    root: str

    def create_io_manager(self, context) -> HiveParquetIOManager:
        return HiveParquetIOManager(base_path=storage_path(self.root))
