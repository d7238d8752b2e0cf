"""Generate a deterministic synthetic corpus of annual reports and their truth files.

Usage: ``python benchmarks/generate_corpus.py --reports N --seed S --out DIR`` writes ``DIR/raw/*.txt``
and ``DIR/truth/*.json`` (the seeds' truth format, see tests/fixtures/seeds/README.md). The same
arguments give byte-identical output: every report draws from its own ``random.Random`` seeded by
``(seed, index)``.

Reports are built from the template catalog (``schemas.catalog``): the rows, items, measures and
labels a template generation prints. They vary the layout (one cell per line, tab-prefixed, markdown
pipes, space-separated rows), the generation (2019 template for 2019–2020, 2021 template for
2021–2024, and the hybrid: 2021 表二 with the single (六)其他处理 row), blanks (only where a blank is
explicit: tab and pipe), 无 cells, money units, NBSP prefixes, full-width digits, GBK/GB18030
encodings, CRLF line ends, and agencies across provinces, cities and counties. In a fraction of the
one-cell-per-line reports blank cells are dropped, so rows come up short: their truth is
``{"unplaced": [...]}`` and a correct parser flags them.
"""

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus_numbers import (  # noqa: E402
    ActiveRow,
    ApplicationRow,
    Cell,
    Style,
    active_rows,
    applicant_labels,
    application_row_codes,
    application_rows,
    measure_truth_name,
    review_cells,
    review_labels,
)
from benchmarks.corpus_text import (  # noqa: E402
    LAYOUT_NOTES,
    LAYOUTS,
    LEADS,
    OTHER,
    OVERVIEW,
    PROBLEMS,
    Agency,
    Grid,
    agency,
    intro,
    render,
    section_titles,
    sentences,
)

_FULL_WIDTH_PUNCT = str.maketrans("(),:", "（），：")
_TRUNCATED = {"本年增/减": "本年增/", "本年新制作数量": "本年新", "现行有效件数": "现行有效件"}


@dataclass
class Spec:
    """The random choices that shape one report."""

    index: int
    year: int
    generation: str
    hybrid: bool
    layout: str
    encoding: str
    crlf: bool
    full_width_labels: bool
    style: Style
    money_mode: str
    agency: Agency

    @property
    def dropped_blanks(self) -> bool:
        """Blank cells the layout does not show: rows with a blank come up short."""
        return self.layout == "lines" and self.style.blank > 0


@dataclass
class GeneratedReport:
    """One report: its file name, bytes and truth."""

    name: str
    data: bytes
    truth: dict


# ------------------------------------------------------------------------------------ choices

def choose_spec(rng: random.Random, index: int, only_year: int | None = None) -> Spec:
    """Year, template generation, layout, encoding and cell style of one report (``only_year``: that year
    for every report; the other draws stay those of the default corpus)."""
    drawn = rng.randint(2019, 2024)  # drawn in any case, so the draws after it stay the same
    year = only_year or drawn
    generation = "2019" if year <= 2020 else "2021"
    layout = rng.choices(LAYOUTS, (3, 3, 2, 2))[0]
    blank = {"lines": 0.5 if rng.random() < 0.25 else 0.0, "tab": rng.choice((0.0, 0.4, 0.9)),
             "pipe": rng.choice((0.0, 0.4, 0.9)), "spaces": 0.0}[layout]
    style = Style(none_word=rng.choice((0.0, 0.0, 0.3, 0.8)), nbsp=rng.choice((0.0, 0.0, 0.2, 0.6)),
                  full_width=rng.choice((0.0, 0.0, 0.0, 0.1, 0.4)), blank=blank, thousands=rng.random() < 0.3)
    encoding = rng.choices(("utf-8", "utf-8-sig", "gbk", "gb18030"), (85, 3, 7, 5))[0]
    return Spec(index, year, generation, generation == "2021" and rng.random() < 0.15, layout, encoding,
                rng.random() < 0.1, rng.random() < 0.5, style,
                rng.choice(("cell_yuan", "cell_wan", "header", "none")), agency(rng))


# ------------------------------------------------------------------------------------ grids

def _label(spec: Spec, text: str) -> str:
    return text.translate(_FULL_WIDTH_PUNCT) if spec.full_width_labels else text


def active_grid(spec: Spec, rng: random.Random, rows: list[ActiveRow]) -> tuple[Grid, set[int]]:
    """表二 as a grid: per block its 第二十条第(N)项 row, its header row, then its item rows."""
    grid: Grid = []
    data: set[int] = set()
    block = None
    for row in rows:
        if row.block != block:
            block = row.block
            headers = [_TRUNCATED.get(h, h) if rng.random() < 0.1 else h for h in row.headers]
            grid.append([_label(spec, f"第二十条第({block})项")])
            grid.append(["信息内容", *(_label(spec, h) for h in headers)])
        data.add(len(grid))
        grid.append([_label(spec, row.label), *(c.text for c in row.cells)])
    return grid, data


def application_grid(spec: Spec, rows: list[ApplicationRow]) -> tuple[Grid, set[int]]:
    """表三 as a grid: three header rows, then one row per template row (group label first)."""
    applicants = applicant_labels()
    grid: Grid = [[_label(spec, "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"), "申请人情况"],
                  [applicants[0], "法人或其他组织", applicants[-1]], applicants[1:-1]]
    data: set[int] = set()
    for row in rows:
        data.add(len(grid))
        labels = [_label(spec, row.group)] if row.group else []
        grid.append([*labels, _label(spec, row.label), *(c.text for c in row.cells)])
    return grid, data


def review_grid(cells: list[Cell]) -> Grid:
    """表四 as a grid: the two-level header of proceedings and outcomes, then the 15 values."""
    proceedings, outcomes = review_labels()
    litigation = [p.split("/")[1] for p in proceedings[1:]]
    return [[proceedings[0], proceedings[1].split("/")[0]], [*outcomes, *litigation], outcomes * 2,
            [c.text for c in cells]]


# ------------------------------------------------------------------------------------ truth

def _applications_truth(spec: Spec, rows: list[ApplicationRow]) -> dict:
    applicants = applicant_labels()
    truth: dict[str, dict] = {}
    for row in rows:
        if spec.dropped_blanks and any(c.blank for c in row.cells):
            truth[row.truth_label] = {"unplaced": [c.value for c in row.cells if not c.blank]}
        else:
            truth[row.truth_label] = {a: c.value for a, c in zip(applicants, row.cells, strict=True)}
    return truth


def _review_truth(spec: Spec, cells: list[Cell]) -> dict:
    proceedings, outcomes = review_labels()
    if spec.dropped_blanks and any(c.blank for c in cells):
        return {**{p: {} for p in proceedings}, "unplaced": [c.value for c in cells if not c.blank]}
    per = len(outcomes)
    return {p: {o: cells[i * per + j].value for j, o in enumerate(outcomes)} for i, p in enumerate(proceedings)}


def _active_truth(spec: Spec, rows: list[ActiveRow]) -> list[dict]:
    out = []
    for row in rows:
        for measure, cell in zip(row.measures, row.cells, strict=True):
            entry = {"block": f"第二十条第({row.block})项", "item": row.label,
                     "measure": measure_truth_name(measure, spec.generation), "value": cell.value,
                     "raw": cell.text.strip()}
            if cell.unit and not cell.blank:
                entry["unit"] = cell.unit
            out.append(entry)
    return out


# ------------------------------------------------------------------------------------ assembly

def _header_lines(spec: Spec, rng: random.Random) -> tuple[list[str], str]:
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    published = f"{spec.year + 1}-{month:02d}-{day:02d}"
    source = f"  来源：{spec.agency.name}" if rng.random() < 0.7 else ""
    lines = [f"{spec.agency.name}{spec.year}年政府信息公开工作年度报告", "",
             f"发布时间：{published} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}{source}", ""]
    return lines, published


def build_report(seed: int, index: int, only_year: int | None = None) -> GeneratedReport:
    """One report and its truth, determined by ``(seed, index)`` (and ``only_year``) alone."""
    rng = random.Random(f"govreports-corpus:{seed}:{index}")
    spec = choose_spec(rng, index, only_year)
    blank_ok = spec.style.blank > 0
    last_blank_ok = spec.layout != "pipe"  # a trailing empty pipe cell reads as padding
    active = active_rows(rng, spec.generation, spec.style, blank_ok and spec.layout != "lines", last_blank_ok,
                         spec.money_mode)
    app_rows = application_rows(rng, application_row_codes("2019" if spec.hybrid else spec.generation),
                                spec.style, blank_ok, last_blank_ok)
    review = review_cells(rng, spec.style, blank_ok, last_blank_ok)
    words = {"year": spec.year, "next": spec.year + 1, "me": spec.agency.self_name}
    indent = "    " if spec.layout == "lines" and rng.random() < 0.5 else ""
    titles = section_titles()
    lines, published = _header_lines(spec, rng)
    lines += [indent + intro(spec.agency.name, spec.year, spec.generation, rng.random() < 0.6), ""]
    sections: list[dict] = []

    def heading(number: int) -> None:
        sections.append({"number": number, "title": titles[number - 1], "line": len(lines)})
        lines.extend([indent + titles[number - 1], ""])

    def prose(pool: tuple[str, ...], count: int) -> None:
        for sentence in sentences(rng, pool, count, **words):
            lines.extend([indent + sentence, ""])

    heading(1)
    prose(OVERVIEW, rng.randint(2, 5))
    heading(2)
    lead = rng.choice(LEADS).format(**words)
    if lead:
        lines.extend([indent + lead, ""])
    grid, data = active_grid(spec, rng, active)
    lines += render(spec.layout, grid, rng, 4, data)
    heading(3)
    grid, data = application_grid(spec, app_rows)
    lines += render(spec.layout, grid, rng, 10, data)
    heading(4)
    lines += render(spec.layout, review_grid(review), rng, 15, set())
    heading(5)
    prose(PROBLEMS, rng.randint(1, 4))
    if rng.random() < 0.9:
        heading(6)
        prose(OTHER, rng.randint(1, 2))
    lines += ["", spec.agency.name, f"{spec.year + 1}年{published[5:7].lstrip('0')}月{published[8:].lstrip('0')}日"]
    name = f"gen{seed}_{index:06d}.txt"
    truth = _truth(spec, name, published, sections, active, app_rows, review)
    return GeneratedReport(name, _encode(spec, lines), truth)


def _encode(spec: Spec, lines: list[str]) -> bytes:
    text = ("\r\n" if spec.crlf else "\n").join(lines) + ("\r\n" if spec.crlf else "\n")
    if spec.encoding == "gbk":
        try:
            return text.encode("gbk")
        except UnicodeEncodeError:
            spec.encoding = "gb18030"
    return text.encode(spec.encoding)


def _truth(spec: Spec, name: str, published: str, sections: list[dict], active: list[ActiveRow],
           app_rows: list[ApplicationRow], review: list[Cell]) -> dict:
    present = {s["number"] for s in sections}
    template_note = ("2021 表二 with the single 2019-style (六)其他处理 row" if spec.hybrid
                     else f"the {spec.generation} template throughout")
    return {
        "source": name,
        "agency": spec.agency.name,
        "region": {"province": spec.agency.province, "city": spec.agency.city, "county": spec.agency.county,
                   "note": "generated"},
        "report_year": spec.year,
        "report_year_confidence": "high",
        "report_year_alternatives": [],
        "year_conflict": False,
        "year_evidence": "title, body sentences and publish date agree (generated)",
        "text_layout": LAYOUT_NOTES[spec.layout] + ("; rows with blanks come up short" if spec.dropped_blanks
                                                    else ""),
        "template": spec.generation,
        "template_note": template_note,
        "publish_date": published,
        "sections": sections,
        "missing_sections": [n for n in range(1, 7) if n not in present],
        "active_disclosure": _active_truth(spec, active),
        "applications": _applications_truth(spec, app_rows),
        "review_litigation": _review_truth(spec, review),
        "generator": {"layout": spec.layout, "encoding": spec.encoding, "crlf": spec.crlf, "hybrid": spec.hybrid,
                      "dropped_blanks": spec.dropped_blanks, "money_mode": spec.money_mode},
    }


# ------------------------------------------------------------------------------------ corpus

def generate(reports: int, seed: int, out: Path, only_year: int | None = None) -> list[str]:
    """Write ``reports`` reports to ``out/raw`` and their truth to ``out/truth``; return the file names.
    ``only_year`` puts every report in that year (one big partition)."""
    raw_dir, truth_dir = out / "raw", out / "truth"
    raw_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(reports):
        report = build_report(seed, index, only_year)
        (raw_dir / report.name).write_bytes(report.data)
        text = json.dumps(report.truth, ensure_ascii=False, indent=1) + "\n"
        (truth_dir / report.name.replace(".txt", ".json")).write_bytes(text.encode("utf-8"))
        names.append(report.name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--year", type=int, help="every report in this year, 2019–2024 (default: spread over them)")
    args = parser.parse_args(argv)
    names = generate(args.reports, args.seed, args.out, args.year)
    print(f"{len(names)} reports in {args.out / 'raw'}, truth in {args.out / 'truth'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
