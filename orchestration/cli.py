"""The ``govreports`` command line: ``parse`` (pure, no Dagster instance), ``run`` (Dagster) and ``review``.

Belongs here: argument parsing and printing. ``parse`` calls the same pure functions the assets
call; ``run`` materializes the same Definitions the UI shows, in process.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from assets.native import stale_modules
from assets.parser.report import parse_report, to_json


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
        if args.json:
            print(json.dumps(report, ensure_ascii=False))
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
    from orchestration.definitions import default_paths

    path = Path(args.file)
    folder = Path(args.corrections or os.environ.get("GOVREPORTS_CORRECTIONS", "data/corrections"))
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
    args = parser.parse_args(argv)
    for name in stale_modules():
        print(f"govreports: warning: {name} was compiled before its source last changed and runs the old code; "
              "`make` or `pip install -e .` compiles it again", file=sys.stderr)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
