"""Run a generator a few items ahead in a background thread, so the stages of an export overlap.

An export reads from the database, builds and encodes batches, and sends bytes. Done in turn, each waits for
the others; with each stage in its own thread (the database and Arrow release the GIL while they work) they
proceed together. The queue between two stages holds at most `depth` items, so memory stays bounded, and the
producing generator is always advanced and closed in its own thread. Pure.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
#: How often a blocked producer looks whether the consumer has gone away (seconds).
_POLL = 0.1


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _Done:
    pass


_DONE = _Done()


@dataclass
class _Handoff(Generic[T]):
    items: queue.Queue[T | _Failed | _Done]
    stop: threading.Event

    def put(self, item: T | _Failed | _Done) -> bool:
        """Hand an item over; False when the consumer has stopped listening."""
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=_POLL)
            except queue.Full:
                continue
            return True
        return False


def prefetched(source: Iterator[T], depth: int = 2, name: str = "prefetch") -> Generator[T, None, None]:
    """The items of `source`, computed up to `depth` ahead in a daemon thread. Errors are raised to the
    consumer at the point they happened; closing the consumer stops and closes the source."""
    handoff: _Handoff[T] = _Handoff(queue.Queue(maxsize=depth), threading.Event())

    def produce() -> None:
        try:
            for item in source:
                if not handoff.put(item):
                    return
        except BaseException as error:
            handoff.put(_Failed(error))
            return
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        handoff.put(_DONE)

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.items.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        handoff.stop.set()
        thread.join()
