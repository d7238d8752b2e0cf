"""Resource types the assets ask for: where raw reports are read and where the warehouse is.

Both are locations, not just folders: a plain path, ``file:///abs/path``, or any fsspec URL such as
``s3://bucket/prefix`` or ``gs://bucket/prefix`` (the protocol's package installed: ``s3fs`` comes with
the ``[s3]`` extra). Credentials and endpoints come from that library's usual environment
(``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, ...), so moving to object storage is configuration only.
Only the types live here; ``orchestration/definitions.py`` builds them from the environment
(``GOVREPORTS_RAW_DIR``, ``GOVREPORTS_WAREHOUSE``).
"""

import tempfile
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from upath import UPath

LOCAL_PROTOCOLS = ("", "file", "local")


def storage_path(location: str) -> UPath:
    """A location as a UPath: local ones (plain or ``file://``) absolute with links resolved, others as given."""
    path = UPath(location)
    if path.protocol in LOCAL_PROTOCOLS:
        return UPath(Path(path.path).resolve())
    return path


def is_local(path: UPath) -> bool:
    return path.protocol in LOCAL_PROTOCOLS


class RawDirectory(dg.ConfigurableResource):
    """The folder of downloaded reports (any depth; local links out of it are not followed)."""

    path: str

    def root(self) -> UPath:
        return storage_path(self.path)


class Warehouse(dg.ConfigurableResource):
    """The Parquet warehouse root: ``<root>/<asset>/year=<YYYY>/part-0.parquet``."""

    path: str
    memory_limit: str = "1GB"  # DuckDB's own default is 80 % of the machine; beyond this it spills to disk

    def root(self) -> UPath:
        return storage_path(self.path)

    def glob(self, asset: str) -> str:
        """A DuckDB glob over every year partition of a partitioned asset (a URL unless local)."""
        return f"{self.root() / asset}/*/*.parquet"

    def query(self, sql: str) -> pd.DataFrame:
        """Run DuckDB SQL that reads :meth:`glob` paths, on a fresh connection. For object storage the
        warehouse's fsspec filesystem is registered with it (DuckDB's httpfs would be downloaded at first use)."""
        root = self.root()
        with tempfile.TemporaryDirectory(prefix="govreports-duckdb-") as spill, duckdb.connect(config={
                "memory_limit": self.memory_limit, "temp_directory": spill}) as connection:
            if not is_local(root):
                root.fs.invalidate_cache()  # list what other processes wrote too, not fsspec's cached listing
                connection.register_filesystem(root.fs)
            return connection.sql(sql).df()
