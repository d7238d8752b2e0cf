"""Throughput, memory and accuracy of the pipeline on a generated corpus, in one run.

Usage: ``python benchmarks/run.py --reports N [--year Y] [--workers W] [--seed S] [--corpus DIR] [--profile]
[--no-accuracy]``. ``--year`` puts every report in one year, so the partition holds the whole corpus.
Prints (a) parse throughput of the pure parser ``parse_report``, single process (wall and CPU time: the
machine may be shared), of the project's real reports (≈ 8 KB text reports, and an HTML page) and over W
worker processes (per core); (b) end-to-end throughput of
``run_pipeline`` (inventory → the busiest year partition → facts → checks → Parquet, Dagster in
process, ephemeral instance, GOVREPORTS_WORKERS=W) in a fresh child process; (c) peak RSS of each, and
of the end-to-end run's worker processes; (d) the floor: reading and decoding the same bytes and
writing the same number of fact rows to Parquet with pyarrow, and end-to-end / floor; (e) cell accuracy
against the generated truth; (f) where the time goes: the run's steps, the year pass's worker time by
stage, and end-to-end / floor if the year pass's parsing took no time. ``--profile`` adds the top cProfile
hotspots of parsing the corpus.
"""

import argparse
import cProfile
import io
import json
import multiprocessing as mp
import os
import platform
import pstats
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.compare import score  # noqa: E402
from benchmarks.generate_corpus import generate  # noqa: E402

FACT_TABLES = ("fact_active_disclosure", "fact_applications", "fact_review_litigation")
SINGLE_SAMPLE = 5000  # reports parsed in one process for (a): enough for a stable rate


# ------------------------------------------------------------------------------------ corpus

def corpus(reports: int, seed: int, root: Path, year: int | None) -> Path:
    """A corpus of ``reports`` reports under ``root`` (reused when already complete)."""
    raw = root / "raw"
    if not raw.is_dir() or len(list(raw.iterdir())) != reports:
        generate(reports, seed, root, year)
    return root


def load(root: Path, limit: int | None = None) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((root / "raw").iterdir())[:limit]]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


# ------------------------------------------------------------------------------------ (a) parse

def parse_single(files: list[tuple[str, bytes]]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to parse every file in this process (bytes already in memory), with the
    garbage-collector settings of the pipeline's workers."""
    from assets.parser.report import parse_report
    from assets.pipeline.pool import start_worker

    start_worker()
    start, cpu = time.perf_counter(), time.process_time()
    for name, data in files:
        parse_report(name, data)
    return time.perf_counter() - start, time.process_time() - cpu


REAL_REPORTS = ("data/sample", "tests/fixtures/devset/raw")  # the real reports the project keeps
REAL_PAGE_BYTES = 20_000  # larger real files are HTML pages with their site's chrome, timed apart
REAL_REPEAT = 300  # each real report parsed this many times: ten files are too few for a stable rate


def parse_real() -> tuple[tuple[int, float, float], tuple[int, float, float]]:
    """(files, mean KB, reports/s of CPU) of parsing the real text reports, and of the real HTML pages:
    the target is stated for reports of about 10 KB, twice a generated one."""
    from assets.parser.report import parse_report
    from assets.pipeline.pool import start_worker

    start_worker()
    root = Path(__file__).resolve().parent.parent
    files = [(p.name, p.read_bytes()) for folder in REAL_REPORTS for p in sorted((root / folder).iterdir())]

    def rate(group: list[tuple[str, bytes]]) -> tuple[int, float, float]:
        for name, data in group:
            parse_report(name, data)  # warm: the first parse of a layout fills the label caches
        cpu = time.process_time()
        for _ in range(REAL_REPEAT):
            for name, data in group:
                parse_report(name, data)
        elapsed = time.process_time() - cpu
        return len(group), sum(len(d) for _, d in group) / len(group) / 1e3, len(group) * REAL_REPEAT / elapsed

    return (rate([f for f in files if len(f[1]) <= REAL_PAGE_BYTES]),
            rate([f for f in files if len(f[1]) > REAL_PAGE_BYTES]))


def _parse_chunk(paths: list[str]) -> int:
    from assets.parser.report import parse_report

    for path in paths:
        parse_report(Path(path).name, Path(path).read_bytes())
    return len(paths)


def parse_parallel(root: Path, workers: int) -> tuple[float, float]:
    """(seconds, peak RSS MB of a worker) to read and parse every file over ``workers`` processes."""
    paths = [str(p) for p in sorted((root / "raw").iterdir())]
    chunks = [paths[i::workers * 8] for i in range(workers * 8)]
    from assets.pipeline.pool import start_worker

    context = mp.get_context("fork")
    with context.Pool(workers, initializer=start_worker) as pool:
        pool.map(_parse_chunk, [paths[:50]] * workers)  # warm imports, regex caches and lazy modules
        start = time.perf_counter()
        pool.map(_parse_chunk, chunks)
        elapsed = time.perf_counter() - start
    return elapsed, peak_rss_mb(resource.RUSAGE_CHILDREN)


# ------------------------------------------------------------------------------------ (e) accuracy

def accuracy(root: Path, names: list[str]) -> Counter:
    """Cell outcomes of every report against its truth file."""
    from assets.parser.report import parse_report, to_json

    total: Counter = Counter()
    for name in names:
        truth = json.loads((root / "truth" / name.replace(".txt", ".json")).read_text(encoding="utf-8"))
        total += score(truth, to_json(parse_report(name, (root / "raw" / name).read_bytes())))
    return total


# ------------------------------------------------------------------------------------ (b) end to end

def _end_to_end(raw: str, warehouse: str, year: int, workers: int, queue: mp.Queue) -> None:
    os.environ.pop("DAGSTER_HOME", None)
    os.environ["GOVREPORTS_WORKERS"] = str(workers)
    import dagster as dg

    from orchestration.runner import run_pipeline

    instance = dg.DagsterInstance.ephemeral()
    marks: list[tuple[str, float]] = [("start", time.perf_counter())]
    run_pipeline(raw, warehouse, years=[year], progress=lambda text: marks.append((text, time.perf_counter())),
                 instance=instance)
    marks.append(("end", time.perf_counter()))
    from assets.pipeline.pool import _POOLS

    for pool in _POOLS.values():  # so that the workers' peak RSS is counted
        pool.shutdown()
    cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    stages = instance.get_latest_materialization_event(dg.AssetKey("raw_reports")).asset_materialization.metadata
    queue.put({"marks": marks, "rss_mb": peak_rss_mb(), "workers_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
               "cpu": cpu, "steps": step_seconds(instance), "stages": stages["worker_seconds_by_stage"].value})


def step_seconds(instance) -> Counter:
    """Seconds of the runs' steps, summed by kind: the inventory, the year pass, its checks, the rollups."""
    seconds: Counter = Counter()
    for run in instance.get_runs():
        started = {}
        for record in instance.all_logs(run.run_id):
            event = record.dagster_event
            if event is not None and event.event_type_value == "STEP_START":
                started[record.step_key] = record.timestamp
            elif event is not None and event.event_type_value == "STEP_SUCCESS":
                key = record.step_key
                kind = ("inventory" if key == "raw_file_inventory" else "year pass" if key == "year_tables"
                        else "checks" if run.tags.get("dagster/partition") else "rollups")
                seconds[kind] += record.timestamp - started[key]
    return seconds


def end_to_end(root: Path, year: int, warehouse: Path, workers: int) -> dict:
    """Phase timings, step timings and peak RSS of ``run_pipeline`` for one year, in a fresh process."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_end_to_end, args=(str(root / "raw"), str(warehouse), year, workers, queue))
    process.start()
    result = queue.get()
    process.join()
    marks = result["marks"]
    times = [t for _, t in marks]
    return {"inventory": times[2] - times[1], "partition": times[3] - times[2], "rollups": times[4] - times[3],
            "total": times[-1] - times[0], "rss_mb": result["rss_mb"], "workers_rss_mb": result["workers_rss_mb"],
            "cpu": result["cpu"], "steps": result["steps"], "stages": result["stages"]}


def where_time_goes(e2e: dict, reports: int, workers: int, floor_seconds: float) -> str:
    """(f): the run's steps, the year pass's worker time by stage, and what would be left of end-to-end /
    floor if the year pass's parsing took no time at all."""
    from assets.pipeline.year_pass import STAGES  # here: (a)'s process measures its RSS without pandas imported

    steps = e2e["steps"]
    outside = e2e["total"] - sum(steps.values())
    stages = ", ".join(f"{stage} {e2e['stages'][stage] / max(reports, 1) * 1e3:.3f}" for stage in STAGES)
    rest = e2e["total"] - e2e["stages"]["parse"] / workers
    kinds = ", ".join(f"{kind} {steps[kind]:.1f} s" for kind in ("inventory", "year pass", "checks", "rollups"))
    return (f"(f) where the time goes: steps {kinds}, outside "
            f"steps {outside:.1f} s; year pass, worker ms per report: {stages}\n"
            f"    with the year pass's parsing free, end to end would still be ≈ {rest:.1f} s = "
            f"{rest / floor_seconds:.0f}x the floor")


def fact_rows(warehouse: Path, year: int) -> int:
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(p).num_rows for table in FACT_TABLES
               for p in (warehouse / table / f"year={year}").glob("*.parquet"))


# ------------------------------------------------------------------------------------ (d) floor

def floor(paths: list[Path], rows: int, out: Path, chunk: int = 1_000_000) -> float:
    """Seconds to read and decode ``paths`` and write ``rows`` fact-shaped rows to Parquet (pyarrow,
    columns built in C++ from a few repeated values, written ``chunk`` rows at a time)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = time.perf_counter()
    characters = 0
    for path in paths:
        data = path.read_bytes()
        try:
            characters += len(data.decode("utf-8"))
        except UnicodeDecodeError:
            characters += len(data.decode("gb18030"))

    def strings(indices: np.ndarray, values: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(indices % len(values), pa.int32()),
                                              pa.array(values)).cast(pa.string())

    ids = [f"{i:016x}" for i in range(rows // 180 + 1)]
    numbers = [str(i) for i in range(97)]
    schema = None
    with tempfile.TemporaryDirectory() as scratch:
        writer = None
        for begin in range(0, max(rows, 1), chunk):
            index = np.arange(begin, min(begin + chunk, rows), dtype=np.int64)
            table = pa.table({
                "report_id": strings(index // 180, ids), "row": strings(index % 25, [f"row_{i}" for i in range(25)]),
                "column": strings(index % 7, [f"column_{i}" for i in range(7)]),
                "value": pa.array((index % 97).astype(np.float64)), "cell_status": strings(index, ["number"]),
                "raw": strings(index, numbers), "source_line": pa.array(index % 400 + 1),
            })
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(Path(scratch) / "floor.parquet", schema)
            writer.write_table(table)
        if writer is not None:
            writer.close()
            Path(scratch, "floor.parquet").replace(out)
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------ (profile)

def profile(files: list[tuple[str, bytes]], top: int = 10) -> str:
    """The ``top`` functions by own time while parsing ``files``."""
    profiler = cProfile.Profile()
    profiler.enable()
    parse_single(files)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)
    return stream.getvalue()


# ------------------------------------------------------------------------------------ report

def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    ram_gb = int(meminfo[1]) / 1024 ** 2
    return f"nproc={os.cpu_count()} RAM={ram_gb:.1f} GB Python={platform.python_version()} ({platform.machine()})"


def busiest_year(root: Path) -> tuple[int, list[Path]]:
    """The year with the most reports, and their raw files."""
    by_year: dict[int, list[Path]] = {}
    for truth in sorted((root / "truth").glob("*.json")):
        year = json.loads(truth.read_text(encoding="utf-8"))["report_year"]
        by_year.setdefault(year, []).append(root / "raw" / truth.name.replace(".json", ".txt"))
    year = max(sorted(by_year), key=lambda y: len(by_year[y]))
    return year, by_year[year]


def run(reports: int, workers: int, seed: int, corpus_dir: Path | None, with_profile: bool, year: int | None,
        with_accuracy: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="govreports-bench-") as tmp:
        root = corpus(reports, seed, corpus_dir or Path(tmp) / "corpus", year)
        names = sorted(p.name for p in (root / "raw").iterdir())
        count = len(names)
        total_mb = sum((root / "raw" / n).stat().st_size for n in names) / 1e6
        print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
        print(f"corpus: {count} reports, {total_mb:.1f} MB ({total_mb * 1e3 / count:.1f} KB per report), "
              f"seed {seed}, {root}")

        sample = load(root, SINGLE_SAMPLE)
        single, cpu = parse_single(sample)
        rss_parse = peak_rss_mb()
        sample_mb = sum(len(d) for _, d in sample) / 1e6
        print(f"(a) parse, 1 process ({len(sample)} reports): {len(sample) / single:,.0f} reports/s wall "
              f"({single:.2f} s), {len(sample) / cpu:,.0f} reports/s of CPU time = {sample_mb / cpu:.2f} MB/s")
        del sample
        (texts, text_kb, text_rate), (pages, page_kb, page_rate) = parse_real()
        print(f"(a) parse of the project's real reports, 1 process, each {REAL_REPEAT} times: {texts} text reports "
              f"({text_kb:.1f} KB mean) {text_rate:,.0f} reports/s of CPU; {pages} HTML page(s) ({page_kb:.0f} KB) "
              f"{page_rate:,.0f}/s")
        parallel, rss_worker = parse_parallel(root, workers)
        rate = count / parallel
        print(f"(a) parse, {workers} processes: {rate:,.0f} reports/s = {rate / workers:,.0f} reports/s per core "
              f"(read + parse, {parallel:.2f} s)")

        year, year_files = busiest_year(root)
        warehouse = Path(tmp) / "warehouse"
        e2e = end_to_end(root, year, warehouse, workers)
        rows = fact_rows(warehouse, year)
        print(f"(b) end to end, year {year} ({len(year_files)} reports in the partition, inventory of "
              f"{len(names)} files, {workers} workers): total {e2e['total']:.1f} s = "
              f"inventory {e2e['inventory']:.1f} s "
              f"({len(names) / e2e['inventory']:,.0f} files/s) + partition {e2e['partition']:.1f} s "
              f"({len(year_files) / e2e['partition']:,.0f} reports/s) + rollups {e2e['rollups']:.1f} s")
        projected = 200_000 / (len(names) / e2e["inventory"]) + 200_000 / (len(year_files) / e2e["partition"])
        print(f"    projected for a year of 200,000 reports (inventory + partition at these rates): "
              f"{projected / 60:.1f} min; CPU time of the run (process + workers) {e2e['cpu']:.0f} s = "
              f"{e2e['cpu'] / len(names) * 1e3:.1f} ms per report; load average after: {os.getloadavg()[0]:.2f}")
        print(f"(c) peak RSS: parse process {rss_parse:.0f} MB, parse worker {rss_worker:.0f} MB, "
              f"end-to-end process {e2e['rss_mb']:.0f} MB (its largest worker {e2e['workers_rss_mb']:.0f} MB)")

        floor_all = floor([root / "raw" / n for n in names], rows, Path(tmp) / "floor_all.parquet")
        fact_mb = sum(p.stat().st_size for t in FACT_TABLES for p in (warehouse / t).rglob("*.parquet")) / 1e6
        floor_year = floor(year_files, rows, Path(tmp) / "floor_year.parquet")
        print(f"(d) floor ({rows:,} fact rows): all files {floor_all:.2f} s, partition files {floor_year:.2f} s; "
              f"end-to-end / floor = {e2e['total'] / floor_all:.0f}x (whole run), "
              f"{e2e['partition'] / floor_year:.0f}x (partition); fact Parquet written {fact_mb:.0f} MB")
        print(where_time_goes(e2e, len(year_files), workers, floor_all))

        if with_accuracy:
            cells = accuracy(root, names)
            share = cells["exact"] / cells["cells"] if cells["cells"] else 0.0
            print(f"(e) accuracy: cells={cells['cells']} exact={cells['exact']} flagged={cells['flagged']} "
                  f"silently_wrong={cells['silently_wrong']} guessed={cells['guessed']} accuracy={share:.4f}")
        if with_profile:
                print(profile(load(root, SINGLE_SAMPLE)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="reuse (or create) the corpus here instead of a temp dir")
    parser.add_argument("--profile", action="store_true", help="print the top 10 parser hotspots (cProfile)")
    parser.add_argument("--year", type=int, help="generate every report in this year (one big partition)")
    parser.add_argument("--no-accuracy", action="store_true", help="skip (e), the single-process scoring pass")
    args = parser.parse_args(argv)
    run(args.reports, args.workers, args.seed, args.corpus, args.profile, args.year, not args.no_accuracy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
