"""Benchmarks: commands that print a figure beside its peer; results in docs/benchmarks.md."""
