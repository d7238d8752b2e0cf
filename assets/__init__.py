"""The pipeline's assets, and the code they stand on.

Layers, each importing only the ones before it: ``parser`` (text in, a report with facts, issues and checks
out: no Dagster, pandas or pyarrow), ``storage`` (where files and tables live: resources, the IO manager,
Parquet parts, corrections and roster files), ``pipeline`` (the mechanics of a run: discovery, the process pool,
the year pass, frames, versions, rollup SQL, coverage and agency search), then the asset modules here (one per
stage), which
``orchestration`` wires into Definitions.
"""
