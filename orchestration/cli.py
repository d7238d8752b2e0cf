"""The ``govreports`` command line: ``parse`` (pure, no Dagster instance) and ``run`` (Dagster).

Belongs here: argument parsing and printing. ``parse`` calls the same pure functions the assets
call; ``run`` materializes the same Definitions the UI shows, in process.
"""

import argparse
import json
import sys
from pathlib import Path

from assets.core.native import stale_modules
from assets.core.report import parse_report, to_json


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
    args = parser.parse_args(argv)
    for name in stale_modules():
        print(f"govreports: warning: {name} was compiled before its source last changed and runs the old code; "
              "`make` or `pip install -e .` compiles it again", file=sys.stderr)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
