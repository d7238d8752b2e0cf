"""Internally consistent table values of one synthetic report, built from the template catalog.

Belongs here: which rows, items and measures a template generation prints (read from
``schemas.catalog``), the numbers in them, and how a value cell is dressed as text (``无``, NBSP
prefix, full-width digits, money units, blanks). The arithmetic the templates promise holds by
construction: 表三 一+二 = (七)+四 and (七) = sum of the outcome rows per column, every 总计 column is
the sum of the six applicant columns, and every 表四 总计 is the sum of its four outcomes.
Does not belong here: where a cell goes on the page (``corpus_text``) or the truth file format.
"""

import random
from dataclasses import dataclass

from schemas.catalog import (
    APPLICANTS,
    APPLICATION_ROWS,
    APPLICATION_ROWS_BY_GENERATION,
    BLOCKS,
    ITEMS,
    MEASURES,
    MONEY_MEASURES,
    OUTCOMES,
    PROCEEDINGS,
)

_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
NBSP = "\u00a0"
ROW_CODES = {c.code: c for c in APPLICATION_ROWS}
ITEM_CODES = {c.code: c for c in ITEMS}
MEASURE_CODES = {c.code: c for c in MEASURES}
BALANCE_ROWS = ("new_received", "carried_over", "handled_total", "carried_forward")


@dataclass(frozen=True)
class Style:
    """How value cells of one report are dressed; ``blank`` is the chance a zero cell is left blank."""

    none_word: float = 0.0
    nbsp: float = 0.0
    full_width: float = 0.0
    blank: float = 0.0
    thousands: bool = False


@dataclass(frozen=True)
class Cell:
    """One value cell: the truth value (None when blank), the text printed, and the unit it states."""

    value: int | float | None
    text: str
    unit: str | None = None

    @property
    def blank(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Number:
    """A number before dressing: its digits as written, and the unit written in the cell (if any)."""

    digits: str
    cell_unit: str | None = None

    @property
    def value(self) -> int | float:
        number = float(self.digits.replace(",", ""))
        return int(number) if number.is_integer() and "." not in self.digits else number


@dataclass
class ActiveRow:
    """One 表二 item row: its block, codes, printed label and header, and its cells in measure order."""

    block: str
    item: str
    label: str
    measures: tuple[str, ...]
    headers: tuple[str, ...]
    cells: list[Cell]


@dataclass
class ApplicationRow:
    """One 表三 row: code, the group label printed before it (if any), its own label and 7 cells."""

    code: str
    group: str | None
    label: str
    truth_label: str
    cells: list[Cell]


# ------------------------------------------------------------------------------------ dressing

def dress(rng: random.Random, number: Number, style: Style, unit: str | None = None,
          blank_ok: bool = True) -> Cell:
    """The printed form of a number under a report's style; a zero may print as 无 or stay blank."""
    value = number.value
    if value == 0 and blank_ok and rng.random() < style.blank:
        return Cell(None, rng.choice(("", "", NBSP)), None)
    if value == 0 and rng.random() < style.none_word:
        return Cell(0, "无", None)
    digits = number.digits
    if rng.random() < style.full_width:
        digits = digits.translate(_FULL_WIDTH)
    text = digits + (number.cell_unit or "")
    if rng.random() < style.nbsp:
        text = NBSP + text
    return Cell(value, text, number.cell_unit or unit)


def _count(rng: random.Random, top: int, zero: float = 0.5) -> int:
    """A small non-negative count, zero with probability ``zero``, skewed towards small values."""
    if rng.random() < zero:
        return 0
    return int(top * rng.random() ** 3) + 1


def _money(rng: random.Random, top_cents: int, thousands: bool) -> str:
    cents = int(top_cents * rng.random() ** 2)
    whole, frac = divmod(cents, 100)
    body = f"{whole:,}" if thousands and whole >= 1000 else str(whole)
    if frac == 0:
        return body
    return f"{body}.{frac:02d}".rstrip("0")


# ------------------------------------------------------------------------------------ 表二

def measure_header(measure: str, generation: str) -> str:
    """The column header a generation prints for a measure, from the catalog label."""
    label = MEASURE_CODES[measure].label
    if label.startswith("(本年)"):
        return ("本年" if generation == "2021" else "") + label.removeprefix("(本年)")
    return label


def measure_truth_name(measure: str, generation: str) -> str:
    """The measure name the truth files use: the header without its unit note."""
    return measure_header(measure, generation).split("(")[0]


def item_label(rng: random.Random, item: str, generation: str) -> str:
    """The printed item label: '(行政)规范性文件' prints with or without 行政."""
    label = ITEM_CODES[item].label
    if label.startswith("(行政)"):
        keep = rng.random() < (0.7 if generation == "2021" else 0.2)
        return ("行政" if keep else "") + label.removeprefix("(行政)")
    return label


def _measure_number(rng: random.Random, measure: str, so_far: dict[str, int], thousands: bool,
                    amount_unit: str | None) -> Number:
    if measure in ("newly_made", "issued", "procurement_projects"):
        return Number(str(_count(rng, 30)))
    if measure in ("newly_published", "repealed"):
        return Number(str(_count(rng, 10)))
    if measure in ("total_published", "in_force"):
        return Number(str(so_far.get("newly_published", so_far.get("issued", 0)) + _count(rng, 200, 0.2)))
    if measure == "previous_year_count":
        return Number(str(_count(rng, 150)))
    if measure == "net_change":
        return Number(str(rng.randint(-min(so_far.get("previous_year_count", 0), 10), 12)))
    if measure == "decisions":
        return Number(str(_count(rng, 3000)))
    if measure == "fee_amount":
        return Number("0" if rng.random() < 0.5 else _money(rng, 5_000_00, thousands))
    if measure == "procurement_amount":
        top = 900_000_000_00 if amount_unit == "元" else 9_000_00
        digits = "0" if rng.random() < 0.3 else _money(rng, top, thousands)
        return Number(digits, amount_unit if digits != "0" and amount_unit and rng.random() < 0.9 else None)
    raise KeyError(measure)


def active_rows(rng: random.Random, generation: str, style: Style, blank_ok: bool, last_blank_ok: bool,
                money_mode: str) -> list[ActiveRow]:
    """表二 rows of a generation: every block, item and measure the catalog gives it."""
    rows: list[ActiveRow] = []
    for block in BLOCKS:
        measures = block.measures.get(generation)
        if not measures:
            continue
        headers = tuple(measure_header(m, generation) for m in measures)
        header_unit = "万元" if "fee_amount" in measures else None
        if "procurement_amount" in measures and money_mode == "header":
            headers = tuple(h + "(万元)" if m == "procurement_amount" else h for m, h in zip(measures, headers,
                                                                                            strict=True))
            header_unit = "万元"
        cell_unit = {"cell_yuan": "元", "cell_wan": "万元"}.get(money_mode)
        for item in block.items:
            if generation not in ITEM_CODES[item].generations:
                continue
            so_far: dict[str, int] = {}
            cells = []
            for index, measure in enumerate(measures):
                number = _measure_number(rng, measure, so_far, style.thousands, cell_unit)
                if measure not in MONEY_MEASURES:
                    so_far[measure] = int(number.value)
                unit = header_unit if measure in MONEY_MEASURES else None
                last = index == len(measures) - 1
                cells.append(dress(rng, number, style, unit, blank_ok and (last_blank_ok or not last)))
            rows.append(ActiveRow(block.number, item, item_label(rng, item, generation), measures, headers, cells))
    return rows


# ------------------------------------------------------------------------------------ 表三

def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """``total`` spread over len(weights) parts at random, proportionally to the weights."""
    parts = [0] * len(weights)
    for _ in range(total):
        parts[rng.choices(range(len(weights)), weights)[0]] += 1
    return parts


def _outcome_weight(code: str) -> float:
    return {"granted": 8.0, "partially_granted": 1.5, "unavailable_not_held": 3.0,
            "rejected_petition": 1.0, "other_handling": 1.0, "other_misc": 1.0}.get(code, 0.3)


def application_numbers(rng: random.Random, rows: tuple[str, ...]) -> dict[str, list[int]]:
    """Per row code, six applicant counts then their total, balanced as the template requires."""
    outcome_rows = [r for r in rows if r not in BALANCE_ROWS]
    scale = rng.choice((0, 0, 3, 12, 60, 400))
    numbers = {r: [0] * 6 for r in rows}
    for column, share in enumerate((1.0, 0.35, 0.05, 0.05, 0.1, 0.15)):
        new = int(scale * share * rng.random() * 2)
        carried = _count(rng, max(1, new // 5), 0.7) if new else 0
        forward = rng.randint(0, (new + carried) // 4) if new + carried else 0
        handled = _split(rng, new + carried - forward, [_outcome_weight(r) for r in outcome_rows])
        numbers["new_received"][column] = new
        numbers["carried_over"][column] = carried
        numbers["carried_forward"][column] = forward
        numbers["handled_total"][column] = new + carried - forward
        for code, count in zip(outcome_rows, handled, strict=True):
            numbers[code][column] = count
    return {r: [*v, sum(v)] for r, v in numbers.items()}


def _group_labels() -> dict[str, str]:
    """'(三)' → '(三)不予公开' …: the group each numbered sub-row belongs to, from the catalog labels."""
    from schemas.catalog import APPLICATION_GROUP_KEYS

    groups = {key[:3]: key for key in APPLICATION_GROUP_KEYS if key.startswith("(")}
    groups["(六)"] = ROW_CODES["other_handling"].label
    return groups


GROUPS = _group_labels()
PARTIAL_NOTE = "(区分处理的,只计这一情形,不计其他情形)"
RESULTS_GROUP = "三、本年度办理结果"


def _row_labels(code: str) -> tuple[str | None, str, str]:
    """(group label or None, printed label, truth label) of a 表三 row, from its catalog label."""
    label = ROW_CODES[code].label
    if code == "partially_granted":
        label += PARTIAL_NOTE
    if label.startswith("(") and label[3:4].isdigit():
        group = GROUPS[label[:3]]
        return group, label[3:], f"{group}/{label[3:]}"
    return None, label, label


def application_rows(rng: random.Random, rows: tuple[str, ...], style: Style, blank_ok: bool,
                     last_blank_ok: bool) -> list[ApplicationRow]:
    """表三 rows in template order, with the group label printed before the first row of each group."""
    numbers = application_numbers(rng, rows)
    out: list[ApplicationRow] = []
    seen_groups: set[str] = set()
    for code in rows:
        group, label, truth_label = _row_labels(code)
        printed_group = group if group not in seen_groups else None
        if code == "granted":
            printed_group = RESULTS_GROUP
        if group:
            seen_groups.add(group)
        values = numbers[code]
        only_total = blank_ok and values[-1] == 0 and rng.random() < style.blank
        cells = []
        for index, value in enumerate(values):
            last = index == len(values) - 1
            if only_total and not last:
                cells.append(Cell(None, rng.choice(("", NBSP)), None))
            else:
                cells.append(dress(rng, Number(str(value)), style, None, blank_ok and (last_blank_ok or not last)))
        out.append(ApplicationRow(code, printed_group, label, truth_label, cells))
    return out


def application_row_codes(generation: str) -> tuple[str, ...]:
    """The 表三 rows a generation prints, in template order."""
    return APPLICATION_ROWS_BY_GENERATION[generation]


def applicant_labels() -> list[str]:
    return [c.label for c in APPLICANTS]


# ------------------------------------------------------------------------------------ 表四

def review_cells(rng: random.Random, style: Style, blank_ok: bool, last_blank_ok: bool) -> list[Cell]:
    """15 cells: for each proceeding, four outcomes and their total."""
    cells: list[Cell] = []
    busy = rng.random() < 0.35
    for p_index, _proceeding in enumerate(PROCEEDINGS):
        counts = [_count(rng, 6, 0.6) if busy else 0 for _ in OUTCOMES[:-1]]
        for o_index, value in enumerate([*counts, sum(counts)]):
            last = p_index == len(PROCEEDINGS) - 1 and o_index == len(OUTCOMES) - 1
            cells.append(dress(rng, Number(str(value)), style, None, blank_ok and (last_blank_ok or not last)))
    return cells


def review_labels() -> tuple[list[str], list[str]]:
    """Truth labels of the proceedings ('行政诉讼/复议后起诉') and of the outcomes, from the catalog."""
    return [p.label.replace("·", "/") for p in PROCEEDINGS], [o.label for o in OUTCOMES]
