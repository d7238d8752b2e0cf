"""What the data is: the template catalog (``catalog``: every table, row and column, with its Chinese
labels, once), agency kinds and levels, metrics and quality rules, and the pandera models of every stored
table (``tables``), from which the Parquet schemas and the data dictionary derive."""
