"""Freed memory goes back to the operating system at the ends of phases (assets/pipeline/memory.py)."""

import subprocess
import sys
import textwrap

import pyarrow as pa

from assets.pipeline.memory import use_system_allocator

# In a fresh interpreter: 256 MB of 64 KB buffers (below glibc's mmap threshold, so they live on the heap),
# all freed but the last one, which pins the heap's top so that free() alone cannot shrink it.
_PROBE = textwrap.dedent("""
    def rss_mb():
        return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
    from assets.pipeline.memory import release_unused_memory
    chunks = [bytearray(64 << 10) for _ in range(4096)]
    last = chunks.pop()
    del chunks
    freed = rss_mb()
    release_unused_memory()
    print(freed, rss_mb())
""")


def test_release_unused_memory_returns_freed_heap_to_the_os():
    freed, released = map(int, subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                                              check=True).stdout.split())
    assert freed - released > 200, f"resident {freed} MB after free, {released} MB after release"


def test_arrow_allocates_through_malloc_after_use_system_allocator():
    use_system_allocator()
    assert pa.default_memory_pool().backend_name == "system"
    before = pa.total_allocated_bytes()
    table = pa.array(range(1_000_000))
    assert pa.total_allocated_bytes() - before >= 8_000_000
    del table
