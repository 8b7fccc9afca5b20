"""Benchmarks: `python -m bench.run` prints one table (and `--write` saves BENCHMARKS.md)."""
