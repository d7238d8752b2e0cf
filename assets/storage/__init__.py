"""Where files and tables live, in one place: the resources that locate the raw folder, the warehouse, the
corrections and the roster (``resources``), the warehouse IO manager (``io_manager``), the Parquet part format and its
staging (``parts``), and the files a person writes: what every such CSV shares (``csv_files``), corrections
(``corrections``) and the roster of agencies (``roster``)."""
