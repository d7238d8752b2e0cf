"""Cell accuracy of the parser on any folder of reports with truth files in the samples' JSON format.

    python benchmarks/accuracy.py --raw DIR --truth DIR [--per-report]

Prints, per report and in total: truth cells, exact, flagged (no value, said so), silently_wrong
(a value with status number that differs) and guessed (values placed where the truth says no
placement is certain). silently_wrong must be 0 on every corpus we have. Then the region levels
(province, city, county) found exactly, left null, or wrong; wrong must be 0 too.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the project importable

from assets.parser.report import parse_report, to_json  # noqa: E402
from benchmarks.compare import score, score_region  # noqa: E402

FIELDS = ("cells", "exact", "flagged", "silently_wrong", "guessed")
REGION_FIELDS = ("region_exact", "region_unresolved", "region_wrong")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--per-report", action="store_true")
    args = parser.parse_args(argv)
    total: Counter = Counter()
    for truth_path in sorted(args.truth.glob("*.json")):
        raw = next(args.raw.glob(truth_path.stem + ".*"), None)
        if raw is None:
            print(f"{truth_path.stem}: no raw file", file=sys.stderr)
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        parsed = to_json(parse_report(raw.name, raw.read_bytes()))
        result = score(truth, parsed) + score_region(truth, parsed)
        total += result
        if args.per_report:
            print(f"{raw.name}: " + " ".join(f"{k}={result[k]}" for k in FIELDS + REGION_FIELDS))
    accuracy = total["exact"] / total["cells"] if total["cells"] else 0.0
    print(" ".join(f"{k}={total[k]}" for k in FIELDS) + f" accuracy={accuracy:.4f}")
    print("region levels: " + " ".join(f"{k}={total[k]}" for k in REGION_FIELDS) + " (wrong must be 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
