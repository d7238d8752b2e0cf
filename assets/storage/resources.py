"""Resource types the assets ask for: where raw reports are read, where the warehouse is, and the files a person
keeps (the corrections folder, the roster of agencies; local files).

The first two are locations, not just folders: a plain path, ``file:///abs/path``, or any fsspec URL such as
``s3://bucket/prefix`` or ``gs://bucket/prefix`` (the protocol's package installed: ``s3fs`` comes with
the ``[s3]`` extra). Credentials and endpoints come from that library's usual environment
(``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, ...), so moving to object storage is configuration only.
Only the types live here; ``orchestration/definitions.py`` builds them from the environment
(``GOVREPORTS_RAW_DIR``, ``GOVREPORTS_WAREHOUSE``, ``GOVREPORTS_CORRECTIONS``, ``GOVREPORTS_ROSTER``).
"""

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from upath import UPath

from .corrections import read_folder
from .roster import read_roster

LOCAL_PROTOCOLS = ("", "file", "local")
LOCKS = ".locks"  # <warehouse>/.locks/year=<YYYY>.lock: held by the run writing that year


class YearLocked(Exception):
    """Another run is writing this year of the warehouse."""


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


class CorrectionsFolder(dg.ConfigurableResource):
    """The folder of corrections a person made to flagged cells (CSV files, ``govreports review``), versioned
    by the user's own tools; absent: no corrections."""

    path: str

    def root(self) -> Path:
        return Path(self.path).resolve()

    def read(self) -> pd.DataFrame:
        """Every correction of the folder, validated (``storage.corrections``); a bad file raises
        ``CorrectionsError`` naming it and its line."""
        return read_folder(self.root())


class Roster(dg.ConfigurableResource):
    """The roster of agencies expected to publish a report every year (a CSV file of name, division_code, level;
    ``GOVREPORTS_ROSTER``); an empty path: no roster."""

    path: str = ""

    def read(self) -> pd.DataFrame:
        """The roster's entries, validated (``storage.roster``), none without a roster; a bad file raises
        ``RosterError`` naming it and its line."""
        return read_roster(Path(self.path).resolve() if self.path else None)


class Warehouse(dg.ConfigurableResource):
    """The Parquet warehouse root: ``<root>/<asset>/year=<YYYY>/part-0.parquet``."""

    path: str
    memory_limit: str = "1GB"  # DuckDB's own default is 80 % of the machine; beyond this it spills to disk

    def root(self) -> UPath:
        return storage_path(self.path)

    @contextmanager
    def writing_year(self, year: int) -> Iterator[None]:
        """Hold the warehouse's lock of ``year`` (an ``flock``, released when the run ends or dies) or raise
        ``YearLocked``: two runs of one year would swap their partitions over each other, and one's staged
        parts be removed as leftovers by the other. Dagster's queue keeps its runs of a year apart; this
        guards runs outside it (``govreports run``, ``dagster asset materialize``, another DAGSTER_HOME).
        Object storage has no such lock: there only the queue keeps a year to one run."""
        root = self.root()
        if not is_local(root):
            yield
            return
        locks = Path(root.path) / LOCKS
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"year={year}.lock", "a+", encoding="utf-8") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                raise YearLocked(f"year {year} of {root} is being written by another run ({lock.read().strip()}): "
                                 "wait for it to end, or launch runs through the Dagster daemon, whose queue "
                                 "runs one per year") from None
            lock.truncate(0)
            lock.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
            lock.flush()
            yield

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
