"""Resource types the assets ask for: where raw reports are read and where the warehouse is.

Only the types live here; ``orchestration/definitions.py`` builds them from the environment
(``GOVREPORTS_RAW_DIR``, ``GOVREPORTS_WAREHOUSE``).
"""

from pathlib import Path

import dagster as dg


class RawDirectory(dg.ConfigurableResource):
    """The folder of downloaded reports (any depth; links out of it are not followed)."""

    path: str

    def root(self) -> Path:
        return Path(self.path).resolve()


class Warehouse(dg.ConfigurableResource):
    """The Parquet warehouse root: ``<root>/<asset>/year=<YYYY>/part-0.parquet``."""

    path: str

    def glob(self, asset: str) -> str:
        """A DuckDB glob over every year partition of a partitioned asset."""
        return f"{Path(self.path).resolve() / asset}/*/*.parquet"
