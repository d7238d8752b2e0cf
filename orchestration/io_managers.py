"""The warehouse IO manager: pandas DataFrames as Hive-partitioned Parquet, written atomically.

Layout: ``<root>/<asset>/year=<YYYY>/part-0.parquet`` for year-partitioned assets and
``<root>/<asset>.parquet`` otherwise, so ``pandas.read_parquet("<root>/<asset>")`` and DuckDB
``read_parquet('<root>/<asset>/*/*.parquet', hive_partitioning=true)`` both return every year. The
partition column lives only in the directory name (pandas cannot merge it otherwise). Each file is
written to a temporary name and renamed, so a killed run leaves the previous partition intact.
"""

import uuid

import dagster as dg
import pandas as pd
from upath import UPath

from assets.resources import storage_path

PARTITION_COLUMN = "year"


class HiveParquetIOManager(dg.UPathIOManager):
    extension = ".parquet"

    def get_path_for_partition(self, context, path: UPath, partition: str) -> UPath:
        return path / f"{PARTITION_COLUMN}={partition}" / "part-0"

    def dump_to_path(self, context: dg.OutputContext, obj: pd.DataFrame, path: UPath) -> None:
        if context.has_asset_partitions:
            obj = obj.drop(columns=[PARTITION_COLUMN], errors="ignore")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        obj.to_parquet(temporary.path, filesystem=temporary.fs, index=False)  # any fsspec location
        temporary.rename(path)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> pd.DataFrame:
        frame = pd.read_parquet(path.path, filesystem=path.fs)
        if context.has_asset_partitions:
            frame[PARTITION_COLUMN] = int(path.parent.name.split("=", 1)[1])
        return frame

    def get_metadata(self, context: dg.OutputContext, obj: pd.DataFrame) -> dict:
        return {"dagster/row_count": dg.MetadataValue.int(len(obj))}


class WarehouseIOManager(dg.ConfigurableIOManagerFactory):
    """Hive-partitioned Parquet under ``root`` (GOVREPORTS_WAREHOUSE): a folder or an fsspec URL (``s3://...``)."""

    root: str

    def create_io_manager(self, context) -> HiveParquetIOManager:
        return HiveParquetIOManager(base_path=storage_path(self.root))
