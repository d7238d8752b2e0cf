"""Cell accuracy of parsed reports against truth files, self-contained (no ../shared needed).

Belongs here: the minimal scoring logic of the shared scorer (score_reports.py), re-stated: every
definite truth cell is ``exact`` (same value, null == null), ``flagged`` (the parser gave no value and
said so) or ``silently_wrong`` (a value that differs, or a value where the source is blank); values
the parser places in a row the truth marks ``unplaced`` are ``guessed``. Reading the truth file (its
labels → our codes, with tables independent of the catalog) is benchmarks/truth.py's ``truth_cells``.
"""

from collections import Counter

from benchmarks.truth import Key, truth_cells

VALUED = ("number", "none_word")


def parsed_cells(parsed: dict) -> dict[Key, dict]:
    """The parser's cells (``govreports parse --json`` form) by (table, row, column)."""
    dims = {"active_disclosure": ("item", "measure"), "applications": ("row", "applicant"),
            "review_litigation": ("proceeding", "outcome")}
    return {(table, c[a], c[b]): c for table, (a, b) in dims.items() for c in parsed["facts"].get(table, [])}


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def score(truth: dict, parsed: dict) -> Counter:
    """Counts of exact / flagged / silently_wrong cells and guessed placements for one report."""
    expected, unsure = truth_cells(truth)
    found = parsed_cells(parsed)
    result: Counter = Counter()
    for key, value in expected.items():
        result["cells"] += 1
        cell = found.get(key)
        status = cell["cell_status"] if cell else "missing"
        if status in ("missing", "unparseable"):
            result["flagged"] += 1
        elif status in VALUED:
            result["exact" if _same(cell["value"], value) else "silently_wrong"] += 1
        else:
            result["exact" if value is None else "flagged"] += 1
    for key, cell in found.items():
        if key[:2] in unsure and key not in expected and cell["cell_status"] in VALUED:
            result["guessed"] += 1
    return result


REGION_LEVELS = ("province", "city", "county")


def score_region(truth: dict, parsed: dict) -> Counter:
    """Per region level: exact (equal to the truth, or one of its ' / ' alternatives), unresolved (null,
    said so) or wrong (a place the truth does not name)."""
    result: Counter = Counter()
    for level in REGION_LEVELS:
        expected = truth.get("region", {}).get(level)
        allowed = set(expected.split(" / ")) if expected else {None}
        found = parsed["region"][level]
        result["region_exact" if found in allowed else "region_unresolved" if found is None else "region_wrong"] += 1
    return result
