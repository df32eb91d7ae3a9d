"""Pausing Python's cyclic garbage collector around allocation-heavy, cycle-free work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Decoding and ingesting a batch allocate ~10 objects per span, none in cycles, and free them all; the
    collector's scans of them cost a third of ingest time (bench/bench_ingest.py, bench/bench_decode.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
