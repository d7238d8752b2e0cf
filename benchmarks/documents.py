"""How fast PDF and Word reports are read, per core, against what the PDF library itself needs.

Usage: ``python benchmarks/documents.py [--rounds N]``. Prints, for the real PDF in tests/fixtures/pdf/raw
and the Word fixtures in tests/fixtures/docx/raw, single process, CPU time per report (the machine may be
shared, so CPU time is the figure; wall time beside it):
(a) pypdfium2 alone: open the PDF and read every character with its box (the floor of any PDF front end);
(b) ``pdf.render_pdf``: characters, path objects, lattice cells and lines;
(c) ``parse_report`` on the PDF: the whole parser, facts and checks;
(d) ``parse_report`` on each .docx.
The goal of issue 30: (c) within 2× of (a), ≥ 20 reports/s per core.
"""

import argparse
import ctypes
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402

from assets.native import module_states  # noqa: E402
from assets.parser.pdf import render_pdf  # noqa: E402
from assets.parser.report import parse_report  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def characters_with_boxes(data: bytes) -> int:
    """What pypdfium2 needs to give every character of the PDF with its box: the floor."""
    document = pdfium.PdfDocument(data)
    count = 0
    box = [ctypes.c_double() for _ in range(4)]
    pointers = [ctypes.byref(value) for value in box]
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        for char in range(textpage.count_chars()):
            pdfium_c.FPDFText_GetUnicode(textpage.raw, char)
            pdfium_c.FPDFText_GetCharBox(textpage.raw, char, *pointers)
            count += 1
    document.close()
    return count


def timed(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    """CPU and wall seconds per call, over ``rounds`` calls after one warm-up call."""
    work()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        work()
    return (time.process_time() - cpu) / rounds, (time.perf_counter() - wall) / rounds


def line(label: str, seconds: tuple[float, float]) -> str:
    cpu, wall = seconds
    return f"{label:<44} {cpu * 1000:7.1f} ms CPU ({wall * 1000:6.1f} ms wall)  = {1 / cpu:6.1f} reports/s per core"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    compiled = sorted(set(module_states().values()))
    print(f"parser modules: {', '.join(compiled)}; rounds: {args.rounds}")
    for pdf in sorted((FIXTURES / "pdf" / "raw").glob("*.pdf")):
        data = pdf.read_bytes()
        pages = len(pdfium.PdfDocument(data))
        print(f"{pdf.name}: {len(data):,} bytes, {pages} pages, {characters_with_boxes(data):,} characters")
        floor = timed(lambda data=data: characters_with_boxes(data), args.rounds)
        print(line("(a) pypdfium2: every character and its box", floor))
        print(line("(b) render_pdf: cells and lines", timed(lambda data=data: render_pdf(data), args.rounds)))
        whole = timed(lambda name=pdf.name, data=data: parse_report(name, data), args.rounds)
        print(line("(c) parse_report: facts and checks", whole))
        print(f"    (c) / (a) = {whole[0] / floor[0]:.2f}×")
    docx = sorted((FIXTURES / "docx" / "raw").glob("*.docx"))
    total = [0.0, 0.0]
    for path in docx:
        seconds = timed(lambda path=path: parse_report(path.name, path.read_bytes()), args.rounds)
        total = [total[0] + seconds[0], total[1] + seconds[1]]
    print(line(f"(d) parse_report, {len(docx)} .docx (mean)", (total[0] / len(docx), total[1] / len(docx))))


if __name__ == "__main__":
    main()
