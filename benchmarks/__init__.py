"""Benchmarks: a deterministic synthetic corpus built from the template catalog, and the throughput run."""
