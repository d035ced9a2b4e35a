"""Garbage collection once per chunk of an import instead of every few hundred allocations.

An import allocates millions of small objects that live until their chunk is
written.  Python's cyclic collector would scan them again in every young pass,
and each full pass would walk the whole heap: the application, plugins' data
(pypinyin's dictionary alone is 200,000 lists) and what the import keeps
(openpyxl's parse tree, the match keys seen), which grows with the file.  At
100,000 rows that was a sixth of the import.  So automatic collection pauses
while a chunk is processed; after it, one young pass frees the chunk's cyclic
garbage and the survivors are frozen (``gc.freeze``) out of later passes;
:meth:`ChunkedCollection.release` hands the frozen objects back.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


class ChunkedCollection:
    """For one import: :meth:`paused` around each chunk, :meth:`release` at the end.

    A heap someone else froze (a pre-forking server) is left frozen, and a
    collector someone switched off stays off.
    """

    def __init__(self):
        self.enabled = gc.isenabled()
        self.freezing = gc.get_freeze_count() == 0
        if self.freezing:
            gc.freeze()  # what exists before the import

    @contextmanager
    def paused(self):
        gc.disable()
        try:
            yield
        finally:
            gc.collect(1)
            if self.freezing:
                gc.freeze()
            if self.enabled:
                gc.enable()

    def release(self) -> None:
        if self.freezing:
            gc.unfreeze()
