"""The storage edge: SQLAlchemy Core tables, engine factory, bulk writers and aggregate reads.

Everything services need is re-exported here; the records are plain dataclasses.
"""

from __future__ import annotations

from ross_cost.storage.engine import default_url
from ross_cost.storage.records import (
    UPDATABLE_DIMENSIONS,
    ContextRow,
    DimensionUpdate,
    StoredContext,
    StoreError,
    WriteBatch,
)
from ross_cost.storage.store import Store

__all__ = [
    "UPDATABLE_DIMENSIONS",
    "ContextRow",
    "DimensionUpdate",
    "Store",
    "StoreError",
    "StoredContext",
    "WriteBatch",
    "default_url",
]
