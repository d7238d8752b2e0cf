"""Giving freed memory back to the operating system, so that a long run's resident size tracks what it holds.

Belongs here: the allocator choice and the release call the pipeline's processes make at the ends of
their phases. Arrow's default pool (mimalloc) keeps pages it freed for reuse, and glibc keeps freed heap
below its top; in a large year both add up: after the year pass the main process stayed resident far
above what it held live, and each idle worker kept its size while the checks ran (benchmarks/RESULTS.md).
Arrow on the system allocator shares one heap with Python (a buffer freed by one is reused by the other),
and ``release_unused_memory`` returns the free pages of both.
"""

import ctypes
import ctypes.util

import pyarrow as pa

_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_MALLOC_TRIM = getattr(_LIBC, "malloc_trim", None)  # glibc only; elsewhere the allocator decides alone


def use_system_allocator() -> None:
    """Arrow allocates through malloc, like Python, instead of its own pool."""
    pa.set_memory_pool(pa.system_memory_pool())


def release_unused_memory() -> None:
    """Return the free pages of Arrow's pool and of the C heap to the operating system (cheap enough to
    call at the end of every phase and task)."""
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
