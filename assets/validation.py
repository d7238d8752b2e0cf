"""Between the pandera models and Dagster: validate before writing, describe columns for the UI.

A schema violation here is the pipeline's own bug (the source's problems are quality issues), so it
fails the step before anything is written.
"""

import dagster as dg
import pandas as pd
import pandera.pandas as pa


def validated(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """The frame coerced to ``model``; raises ``dg.Failure`` with the failure cases otherwise."""
    try:
        return model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.head(20)
        raise dg.Failure(
            description=f"{model.__name__}: {len(errors.failure_cases)} schema failure case(s); nothing written",
            metadata={"failure_cases": dg.MetadataValue.md(cases.to_markdown(index=False))},
        ) from None


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    """The model's columns with dtypes and descriptions, as Dagster shows them."""
    schema = model.to_schema()
    return dg.TableSchema(columns=[
        dg.TableColumn(name, str(column.dtype), description=column.description or "")
        for name, column in schema.columns.items()
    ])


def table_metadata(model: type[pa.DataFrameModel]) -> dict:
    """Definition metadata of an asset written from ``model``."""
    return {"dagster/column_schema": column_schema(model)}
