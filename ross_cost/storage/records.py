"""Plain records the storage edge takes and gives, free of SQLAlchemy so services can build them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from ross_cost.model import UsageLine

#: Dimensions a late-arriving ancestor can change on lines and contexts already stored.
UPDATABLE_DIMENSIONS: tuple[str, ...] = ("tenant_id", "agent_slug", "module_id", "channel", "conversation_id")


class StoreError(RuntimeError):
    """The database cannot be used; the message is one sentence a user can act on."""


@dataclass(frozen=True)
class StoredContext:
    """What ingest needs to know about a span already stored, to resolve dimensions across batches."""

    trace_id: str
    span_id: str
    parent_span_id: str
    operation: str
    candidates: str
    resolved: str | None
    has_lines: bool


@dataclass
class ContextRow:
    """A span's place in its trace tree and the dimension candidates it carries (JSON text)."""

    trace_id: str
    span_id: str
    parent_span_id: str  # '' for a root span
    ts: datetime
    operation: str
    candidates: str
    resolved: str
    has_lines: bool


@dataclass
class DimensionUpdate:
    """New dimension values for one stored span, because an ancestor arrived after it.

    `dims` keys are among UPDATABLE_DIMENSIONS (a missing key is left as stored; '' for conversation_id
    stores NULL). `resolved` is the span_context.resolved JSON to store; None stores `dims` as sorted JSON.
    """

    trace_id: str
    span_id: str
    dims: dict[str, str]
    resolved: str | None = None


@dataclass
class WriteBatch:
    """Everything one ingest request changes, written in one transaction.

    Contexts and lines come either as records or, from ingest, as Arrow tables already built
    (storage.tables: `resolved_contexts`, `with_dimensions` without `ingested_at`); a table wins over records.
    """

    contexts: list[ContextRow] = field(default_factory=list)
    lines: list[UsageLine] = field(default_factory=list)
    context_table: pa.Table | None = None
    line_table: pa.Table | None = None
    updates: list[DimensionUpdate] = field(default_factory=list)
    rejections: list[tuple[str, str, str]] = field(default_factory=list)  # (trace_id, span_id, reason)
    source: str = ""
    received_at: datetime | None = None  # None: now (UTC)
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
