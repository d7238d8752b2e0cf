"""The parser: one report's bytes in, a ``ParsedReport`` out (year, agency, template, facts with their
source lines, quality issues, template checks).

Usable as a library without Dagster, pandas or pyarrow (a test reads every import here)::

    from assets.parser import parse_report, to_json
    report = parse_report("report.pdf", Path("report.pdf").read_bytes())

Reading goes top-down: ``reading`` (bytes to lines: ``text``, ``html``, ``pdf``, ``word`` front ends,
``positions`` for their tables, ``flattened`` for crawler text) → ``sections`` → ``grid`` (cells) →
``headers`` (columns) → ``tables`` (rows aligned to the catalog, ``values``, ``inference``) → ``quality``
(the template's arithmetic) and ``narrative``; ``metadata``, ``agency`` and ``region`` identify the report;
``review`` applies a person's corrections; ``report`` assembles it all.
"""

from .report import ParsedReport, parse_report, to_json

__all__ = ["ParsedReport", "parse_report", "to_json"]
