"""One pure function over many inputs on every core: results in input order, memory bounded.

Belongs here: the process pool the inventory and the year pass share. Workers are *spawned* (not
forked: the Dagster process runs threads, and a fork copies their locks) once per process and reused,
so a run over several years pays the start-up once. ``GOVREPORTS_WORKERS`` sets their number (default:
the cores this process may use); 1 runs everything in the calling process. As with any spawned
process pool, a *script* that runs the pipeline needs the ``if __name__ == "__main__":`` guard (the
``dagster``, ``govreports`` and ``pytest`` entry points have it).
"""

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from .memory import release_unused_memory, use_system_allocator

In = TypeVar("In")
Out = TypeVar("Out")

_POOLS: dict[int, ProcessPoolExecutor] = {}
_ENVIRONMENTS: dict[int, dict[str, str]] = {}  # what each pool's workers were started with
AHEAD = 2  # tasks queued per worker: enough to keep every core busy, few enough to bound memory
# A worker's full (oldest-generation) collections are rare: a batch keeps ≈ 500,000 parsed objects alive
# until its tables are built, and with Python's default (700, 10, 10) each batch paid several full
# collections over the whole heap, a large share of its CPU time (benchmarks/RESULTS.md). Nearly all of
# these objects are freed by reference counting; the young generations are still collected as usual, so
# cycles are still found.
WORKER_GC_THRESHOLD = (700, 10, 1000)


def default_workers() -> int:
    """``GOVREPORTS_WORKERS`` if set, else the number of cores this process may run on."""
    configured = os.environ.get("GOVREPORTS_WORKERS")
    return max(1, int(configured)) if configured else len(os.sched_getaffinity(0))


def start_worker() -> None:
    """What every worker process does first (the benchmark's parse pool too, so it measures the same)."""
    gc.set_threshold(*WORKER_GC_THRESHOLD)
    use_system_allocator()


def _released(func: Callable[[In], Out], item: In) -> Out:
    """``func(item)`` in a worker, which then gives back what the task freed: an idle worker (while the
    main process checks what was written) holds little more than its code."""
    try:
        return func(item)
    finally:
        release_unused_memory()


def _pool(workers: int) -> ProcessPoolExecutor:
    """The pool of ``workers`` processes, started afresh when the environment changed since (workers read
    it once: credentials and endpoints of object storage, for example)."""
    pool = _POOLS.get(workers)
    if pool is not None and _ENVIRONMENTS[workers] != os.environ:
        pool.shutdown(wait=False, cancel_futures=True)
        pool = None
    if pool is None:
        pool = _POOLS[workers] = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                                   initializer=start_worker)
        _ENVIRONMENTS[workers] = dict(os.environ)
    return pool


def ordered_map(func: Callable[[In], Out], items: Iterable[In], workers: int) -> Iterator[Out]:
    """``map(func, items)`` over ``workers`` processes; at most ``workers * AHEAD`` results are pending.
    When the caller stops early (an error, a failed result), the tasks not started are cancelled and the
    running ones waited for: none still writes into what the caller removes next."""
    if workers <= 1:
        yield from map(func, items)
        return
    pool = _pool(workers)
    pending: deque[Future] = deque()
    try:
        for item in items:
            pending.append(pool.submit(_released, func, item))
            if len(pending) >= workers * AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        _POOLS.pop(workers, None)  # a worker died (killed, out of memory): the next call starts afresh
        raise
    finally:
        for future in pending:
            future.cancel()
        wait(pending)
