"""The ``govreports`` command line: ``parse`` (pure, no Dagster instance), ``run`` (Dagster), ``review``,
``agencies`` (find an agency in the warehouse) and ``compare`` (an agency's year against the one before).

Belongs here: argument parsing and printing. ``parse`` calls the same pure functions the assets
call; ``run`` materializes the same Definitions the UI shows, in process.
"""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from assets.native import stale_modules
from assets.parser.report import parse_report, to_json

if TYPE_CHECKING:
    from assets.storage.resources import Warehouse


def _parse(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            print(f"govreports: cannot read {name}: {error.strerror}", file=sys.stderr)
            status = 1
            continue
        report = to_json(parse_report(path.name, data))
        if args.json:  # orjson: the same JSON as json.dumps(ensure_ascii=False), UTF-8, in a fraction of its time
            sys.stdout.buffer.write(orjson.dumps(report) + b"\n")
        else:
            placed = sum(len(v) for v in report["facts"].values())
            print(f"{path.name}: year={report['year']} template={report['template']} "
                  f"agency={report['agency']} cells={placed} issues={len(report['issues'])}")
    return status


def _run(args: argparse.Namespace) -> int:
    import dagster as dg  # Dagster is loaded only for `run`

    from orchestration.definitions import default_paths
    from orchestration.runner import format_summary, run_pipeline

    raw_default, warehouse_default = default_paths()
    try:
        summary = run_pipeline(args.raw or raw_default, args.warehouse or warehouse_default, args.year,
                               progress=lambda text: print(text, flush=True), changed_only=args.changed)
    except dg.Failure as failure:  # a step's reason, said plainly (the run's record in Dagster has the rest)
        print(f"govreports: error: {failure.description}", file=sys.stderr)
        return 1
    print(format_summary(summary))
    return 0


def _review_export(args: argparse.Namespace) -> int:
    import pandas as pd

    from assets.storage.corrections import export_text
    from orchestration.definitions import default_paths

    partition = Path(args.warehouse or default_paths()[1]) / "review_queue" / f"year={args.year}"
    if not partition.exists():
        print(f"govreports: no review queue of {args.year} in the warehouse: `govreports run --year {args.year}` "
              "builds it", file=sys.stderr)
        return 1
    queue = pd.read_parquet(partition)
    queue.insert(1, "year", args.year)  # the partition's key, not stored in its files
    out = Path(args.out or f"review_{args.year}.csv")
    out.write_text(export_text(queue), encoding="utf-8")
    print(f"{out}: {len(queue)} cells of {queue['report_id'].nunique()} reports to review; fill `value` (a number, "
          "or `blank`) and `reason`, then `govreports review import " f"{out}`")
    return 0


def _review_import(args: argparse.Namespace) -> int:
    import datetime
    import getpass

    import pandas as pd

    from assets.storage.corrections import CorrectionsError, append, decoded, filled_rows
    from orchestration.definitions import default_paths, setting

    path = Path(args.file)
    folder = Path(args.corrections or setting("GOVREPORTS_CORRECTIONS"))
    try:
        text = decoded(path.read_bytes(), str(path))
        rows = filled_rows(text, str(path), args.reviewer or getpass.getuser(), datetime.date.today().isoformat())
        reports = Path(args.warehouse or default_paths()[1]) / "raw_reports"
        known = (pd.read_parquet(reports, columns=["report_id", "sha256"]) if reports.exists()
                 else pd.DataFrame(columns=["report_id", "sha256"]))
        pairs = set(zip(known["report_id"], known["sha256"], strict=True))
        for line, row in rows.iterrows():
            if (row["report_id"], row["sha256"]) not in pairs:
                raise CorrectionsError(f"{path}: line {line}: no report {row['report_id']} with sha256 "
                                       f"{row['sha256'][:12]}… in the warehouse")
        target, written = append(folder, rows)
    except CorrectionsError as error:
        print(f"govreports: error: {error}; nothing was imported", file=sys.stderr)
        return 1
    held = f" ({len(rows) - written} already in the folder)" if written < len(rows) else ""
    print(f"{written} corrected cells from {path} appended to {target}{held}; `govreports run --changed` rebuilds "
          "the years they touch")
    return 0


def _agencies(args: argparse.Namespace) -> int:
    from assets.pipeline.agencies import agencies_sql, find
    from assets.storage.resources import Warehouse
    from orchestration.definitions import default_paths

    warehouse = Warehouse(path=args.warehouse or default_paths()[1])
    if not (warehouse.root() / "dim_reports").exists():
        print(f"govreports: no dim_reports in {warehouse.root()}: `govreports run` builds it", file=sys.stderr)
        return 1
    found = find(warehouse.query(agencies_sql(warehouse.glob("dim_reports"))), args.query)
    if found.empty:
        print(f"govreports: no agency matches {args.query!r}", file=sys.stderr)
        return 1
    for row in found.itertuples(index=False):
        region = "".join(part for part in (row.province, row.city, row.county) if isinstance(part, str))
        fields = (row.agency_id, row.agency, region, row.division_code, row.admin_level, row.agency_kind, row.years)
        print("\t".join(field if isinstance(field, str) and field else "-" for field in fields))
    matches = "1 agency matches" if len(found) == 1 else f"{len(found)} agencies match"
    print(f"{matches} {args.query!r} (agency_id, name, region, division_code, level, kind, years)", file=sys.stderr)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from assets.pipeline.comparison import NotInWarehouse
    from assets.storage.resources import Warehouse
    from orchestration.definitions import default_paths

    warehouse = Warehouse(path=args.warehouse or default_paths()[1])
    try:
        return _compare_region(warehouse, args) if args.region else _compare_agency(warehouse, args)
    except NotInWarehouse as error:
        print(f"govreports: error: {error}", file=sys.stderr)
        return 1


def _compare_agency(warehouse: "Warehouse", args: argparse.Namespace) -> int:
    from assets.pipeline.comparison import NotInWarehouse, compare, find_agencies
    from assets.pipeline.pages import pages_root, summary, write_page

    found = find_agencies(warehouse, args.agency)
    if found.empty:
        raise NotInWarehouse(f"no agency matches {args.agency!r}")
    if len(found) > 1:
        for row in found.itertuples(index=False):
            region = " ".join(part for part in (row.province, row.city, row.county) if isinstance(part, str))
            print(f"{row.agency_id}\t{row.agency_full}\t{region or '-'}\t{row.years}")
        raise NotInWarehouse(f"{len(found)} agencies match {args.agency!r} (listed above, with region and years): "
                             "give one agency_id; no page was written")
    agency = found.iloc[0]
    years = [int(year) for year in agency["years"].split(",")]
    year = args.year or max(years)
    if year not in years:
        raise NotInWarehouse(f"{agency['agency_id']} has no report of {year} (its years: {agency['years']})")
    (comparison,) = compare(warehouse, [agency["agency_id"]], year)
    print(summary(comparison, str(write_page(pages_root(warehouse), comparison))))
    return 0


def _compare_region(warehouse: "Warehouse", args: argparse.Namespace) -> int:
    from assets.pipeline.comparison import NotInWarehouse, agencies_of, latest_year
    from assets.pipeline.pages import most_problems_first, pages_root, safe_name, write_pages

    year = args.year or latest_year(warehouse, args.region)
    agencies = agencies_of(warehouse, year, args.region) if year else []
    if not agencies:
        raise NotInWarehouse(f"no agency of a place matching {args.region!r} has a report"
                             + (f" of {year}" if year else ""))
    folder = pages_root(warehouse) / f"{safe_name(args.region)}_{year}"
    listed, index = write_pages(warehouse, agencies, year, folder, f"{args.region} {year}: agencies, most problems "
                                                                   "first")
    for entry in most_problems_first(listed):
        print(f"{entry.problems:>4} problems  {entry.agency} ({entry.agency_id})")
    print(f"{len(listed)} pages of {args.region} {year}; index: {index}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govreports", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="parse report files and print what was read")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="one JSON object per report, one per line")
    parse.set_defaults(handler=_parse)
    run = commands.add_parser("run", help="materialize every asset for every year found (in process)")
    run.add_argument("--raw", help="raw reports folder (default: $GOVREPORTS_RAW_DIR or data/sample)")
    run.add_argument("--warehouse", help="warehouse root (default: $GOVREPORTS_WAREHOUSE or data/warehouse)")
    run.add_argument("--year", type=int, action="append", help="only this year (repeatable)")
    run.add_argument("--changed", action="store_true",
                     help="leave a year as it is when its files and the code are those it was built from")
    run.set_defaults(handler=_run)
    review = commands.add_parser("review", help="export the cells that need a person, import their corrections")
    steps = review.add_subparsers(dest="step", required=True)
    export = steps.add_parser("export", help="write a year's review queue as a CSV to fill in (UTF-8 with BOM)")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--out", help="the CSV to write (default: review_<year>.csv)")
    export.add_argument("--warehouse", help="warehouse root (default: $GOVREPORTS_WAREHOUSE or data/warehouse)")
    export.set_defaults(handler=_review_export)
    load = steps.add_parser("import", help="validate a filled export and append its filled cells to the "
                                           "corrections folder")
    load.add_argument("file", metavar="F.csv")
    load.add_argument("--reviewer", help="who reviewed (default: the row's reviewer, else your user name)")
    load.add_argument("--corrections", help="corrections folder (default: $GOVREPORTS_CORRECTIONS or "
                                            "data/corrections)")
    load.add_argument("--warehouse", help="warehouse root (default: $GOVREPORTS_WAREHOUSE or data/warehouse)")
    load.set_defaults(handler=_review_import)
    agencies = commands.add_parser("agencies", help="find agencies in the warehouse by fragments of their name or "
                                                    "place (Simplified or Traditional, short forms such as 经信局 "
                                                    "allowed)")
    agencies.add_argument("query", metavar="QUERY", help="fragments, separated by spaces, that must all match")
    agencies.add_argument("--warehouse", help="warehouse root (default: $GOVREPORTS_WAREHOUSE or data/warehouse)")
    agencies.set_defaults(handler=_agencies)
    compared = commands.add_parser("compare", help="one agency's year against the year before, as an HTML page "
                                                   "under <warehouse>/pages/ (or every agency of a region)")
    which = compared.add_mutually_exclusive_group(required=True)
    which.add_argument("agency", nargs="?", metavar="AGENCY", help="an agency_id, or fragments of its name")
    which.add_argument("--region", help="a page for every agency whose province, city or county contains this, "
                                        "and an index.html")
    compared.add_argument("--year", type=int, help="the year compared with the one before (default: the latest "
                                                   "year with a report)")
    compared.add_argument("--warehouse", help="warehouse root (default: $GOVREPORTS_WAREHOUSE or data/warehouse)")
    compared.set_defaults(handler=_compare)
    args = parser.parse_args(argv)
    for name in stale_modules():
        print(f"govreports: warning: {name} was compiled before its source last changed and runs the old code; "
              "`make` or `pip install -e .` compiles it again", file=sys.stderr)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
