"""The template's Chinese labels by fact table and code, for what people read (review CSVs, agency pages).

Belongs here: lookups built from ``schemas/catalog.py``, which stays the one place the labels are written.
"""

from schemas.catalog import FACT_TABLES

ROW_LABELS = {(name, code.code): code.label for name, spec in FACT_TABLES.items() for code in spec.rows}
COLUMN_LABELS = {(name, code.code): code.label for name, spec in FACT_TABLES.items() for code in spec.columns}
TABLE_NUMBERS = {name: spec.label.split()[0] for name, spec in FACT_TABLES.items()}  # 表二, 表三, 表四
