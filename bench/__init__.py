"""Benchmarks: one command each, printing a table and (``--write-docs``) updating ``docs/performance.md``."""
