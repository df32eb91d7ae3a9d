"""OTLP/protobuf trace requests, decoded from the upb-backed generated classes.

This is the hot path of ingest (bench/bench_decode.py), so the span loop is written flat: a string or a
non-zero int attribute, the common cases, is read without WhichOneof and without a function call.
A direct wire-format reader was tried and was no faster once attribute values vary from span to span.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from ross_cost.otel.otlp_json import span_problem_reason
from ross_cost.spans import Attributes, AttrValue, DecodedBatch, SpanRecord

_ZERO_TRACE_ID = bytes(16)
_ZERO_SPAN_ID = bytes(8)
_SCALAR_KINDS = frozenset({"string_value", "int_value", "double_value", "bool_value", "bytes_value"})


def decode_protobuf(body: bytes) -> DecodedBatch:
    """Decode a serialized ExportTraceServiceRequest; google.protobuf's DecodeError if it is not one."""
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans: list[SpanRecord] = []
    malformed: list[tuple[str, str, str]] = []
    keep = spans.append
    put_value = _put_value
    zero_trace_id = _ZERO_TRACE_ID
    zero_span_id = _ZERO_SPAN_ID
    scalar_kinds = _SCALAR_KINDS
    for resource_spans in request.resource_spans:
        resource: Attributes = {}  # built once, shared by every span of this ResourceSpans
        for key_value in resource_spans.resource.attributes:
            put_value(resource, key_value.key, key_value.value)
        for scope_spans in resource_spans.scope_spans:
            scope: str = scope_spans.scope.name
            for span in scope_spans.spans:
                trace_id = span.trace_id
                span_id = span.span_id
                parent = span.parent_span_id
                start = span.start_time_unix_nano
                end = span.end_time_unix_nano
                if (
                    len(trace_id) != 16
                    or len(span_id) != 8
                    or trace_id == zero_trace_id
                    or span_id == zero_span_id
                    or (parent and len(parent) != 8)
                    or end < start
                ):
                    malformed.append(span_problem(trace_id, span_id, parent, start, end, span.name))
                    continue
                attributes: Attributes = {}
                for key_value in span.attributes:
                    value = key_value.value
                    text = value.string_value
                    if text:  # non-empty, so string_value is the member that is set
                        attributes[key_value.key] = text
                        continue
                    number = value.int_value
                    if number:
                        attributes[key_value.key] = number
                        continue
                    kind = value.WhichOneof("value")
                    if kind in scalar_kinds:
                        attributes[key_value.key] = getattr(value, kind)
                    else:
                        put_value(attributes, key_value.key, value)
                keep(
                    SpanRecord(
                        trace_id.hex(),
                        span_id.hex(),
                        "" if parent == zero_span_id else parent.hex(),
                        span.name,
                        start,
                        end,
                        attributes,
                        resource,
                        span.kind,
                        scope,
                        span.status.code,
                    )
                )
    return DecodedBatch(spans, malformed)


def span_problem(
    trace_id: bytes, span_id: bytes, parent: bytes, start_ns: int, end_ns: int, name: str
) -> tuple[str, str, str]:
    """The malformed entry for a protobuf span, with the reasons the JSON decoder gives."""
    problems = (
        _id_problem(trace_id, 16, "trace id"),
        _id_problem(span_id, 8, "span id"),
        _id_problem(parent, 8, "parent span id") if parent and parent != _ZERO_SPAN_ID else None,
        "end time is before start time" if end_ns < start_ns else None,
    )
    reason = next(problem for problem in problems if problem is not None)
    readable_trace = "" if _id_problem(trace_id, 16, "trace id") else trace_id.hex()
    readable_span = "" if _id_problem(span_id, 8, "span id") else span_id.hex()
    return readable_trace, readable_span, span_problem_reason(reason, name)


def _id_problem(raw: bytes, length: int, what: str) -> str | None:
    if not raw:
        return f"missing {what}"
    if len(raw) != length:
        return f"{what} must be {length} bytes, got {len(raw)}"
    if raw == bytes(length):
        return f"{what} is all zeros"
    return None


def _put_value(attributes: Attributes, key: str, value: Any) -> None:
    """Store one AnyValue; a kvlist is flattened into dotted keys, an empty AnyValue is None."""
    kind = value.WhichOneof("value")
    if kind == "kvlist_value":
        for key_value in value.kvlist_value.values:
            _put_value(attributes, f"{key}.{key_value.key}", key_value.value)
    else:
        attributes[key] = _value(value, kind)


def _value(value: Any, kind: str | None) -> AttrValue:
    """The Python value of an AnyValue whose set member is `kind`; inside an array, a kvlist becomes
    a tuple of (dotted key, value) pairs."""
    if kind in _SCALAR_KINDS:
        scalar: AttrValue = getattr(value, kind)
        return scalar
    if kind == "array_value":
        return tuple([_value(item, item.WhichOneof("value")) for item in value.array_value.values])
    if kind == "kvlist_value":
        pairs: Attributes = {}
        for key_value in value.kvlist_value.values:
            _put_value(pairs, key_value.key, key_value.value)
        return tuple(pairs.items())
    return None
