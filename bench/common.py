"""Helpers shared by the benchmarks: timing, tables, the docs section they write."""
from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from typing import Callable

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
INTRO = """# Performance

Measured numbers, each section written by the benchmark named in it (re-run the command to
refresh it). Medians of many runs on the machine named in the section; the ratios matter more than
the absolute times.
"""


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 3) -> float:
    """Median wall time of ``fn()`` in milliseconds, after ``warmup`` unmeasured calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def interleaved_medians_ms(calls: dict[str, Callable[[], object]], runs: int, block: int = 100,
                           clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Median wall time in milliseconds of each of ``calls``, timed in blocks that take turns.

    On a shared machine the speed drifts from minute to minute; timing one call ``runs`` times and
    then the next would let that drift into their ratio.  Each call is timed ``block`` times in a
    row (after one unmeasured call, so it runs warm, as in a loop of its own), then the next call
    has its turn, until every call has ``runs`` samples.

    ``clock=time.process_time`` times the process's CPU instead of the wall: on a machine so loaded
    that a request is often descheduled half-way, that leaves out the time spent waiting for a CPU.
    """
    samples: dict[str, list[float]] = {name: [] for name in calls}
    while any(len(times) < runs for times in samples.values()):
        for name, fn in calls.items():
            fn()
            for _ in range(min(block, runs - len(samples[name]))):
                start = clock()
                fn()
                samples[name].append((clock() - start) * 1000)
    return {name: statistics.median(times) for name, times in samples.items()}


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_docs_section(heading: str, body: str, path: Path = DOCS) -> None:
    """Replace (or append) the ``## heading`` section of ``docs/performance.md``, leaving the others alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
