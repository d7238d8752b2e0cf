"""The mechanics of a pipeline run, beside the assets that use them: file discovery and the inventory
(``ingest``), the process pool and allocator (``pool``, ``memory``), the year pass that parses, validates
and writes a year in batches (``year_pass``, ``frames``), what a table's inputs hash to (``versions``), the
rollup SQL (``rollups``), who published in a year (``coverage``) and agencies across years (``agencies``)."""
