"""A decoded OTLP span: what the decoders produce and attribution consumes.

Pure: no protobuf here. Ids are lower-case hex (32 chars for traces, 16 for spans); a root span has an
empty parent id. Attribute values keep their OTLP kind (int stays int, arrays become tuples).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

AttrValue = Union[str, int, float, bool, bytes, tuple["AttrValue", ...], None]
Attributes = dict[str, AttrValue]


@dataclass(slots=True)
class SpanRecord:
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    start_ns: int
    end_ns: int
    attributes: Attributes
    resource: Attributes  # shared by every span of one ResourceSpans: never mutate
    kind: int = 0
    scope: str = ""
    status_code: int = 0


@dataclass(slots=True)
class DecodedBatch:
    """The spans of one request or file, with the ones that could not even be read."""

    spans: list[SpanRecord]
    malformed: list[tuple[str, str, str]]  # (trace_id, span_id, reason): ids may be "" when unreadable
