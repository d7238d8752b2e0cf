"""Where files and tables live, in one place: the resources that locate the raw folder, the warehouse and
the corrections (``resources``), the warehouse IO manager (``io_manager``), the Parquet part format and its
staging (``parts``), and the corrections file format (``corrections``)."""
