"""Demo quotes and orders (filled in below)."""
from __future__ import annotations


def fill(demo) -> None:
    return None
