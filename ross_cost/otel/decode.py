"""The OTLP decoding edge: HTTP bodies and files in, DecodedBatch out; the export response back.

Protobuf goes through the upb-backed generated classes; the span loop is written flat because it is the
hot path of ingest (bench/bench_decode.py). JSON goes through the hand decoder in otlp_json.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError as _ProtobufError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from ross_cost.otel.otlp_json import JsonShapeError, decode_json_document, span_problem_reason
from ross_cost.spans import Attributes, AttrValue, DecodedBatch, SpanRecord

PROTOBUF_TYPES = frozenset({"application/x-protobuf", "application/protobuf"})
JSON_TYPES = frozenset({"application/json"})
#: A gzip body may not inflate beyond this (a small bomb must not exhaust memory).
MAX_INFLATED_BYTES = 256 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_ZERO_TRACE_ID = bytes(16)
_ZERO_SPAN_ID = bytes(8)


class DecodeError(ValueError):
    """The body or file cannot be read as OTLP traces; the message is one sentence for the user."""


class UnsupportedMediaType(DecodeError):  # noqa: N818 (name fixed by the lead's interface)
    """The content type is not one OTLP/HTTP uses."""


def decode_request(body: bytes, content_type: str | None, content_encoding: str | None = None) -> DecodedBatch:
    """Decode one OTLP/HTTP trace export body."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in PROTOBUF_TYPES and media_type not in JSON_TYPES:
        shown = f"Content-Type {content_type!r}" if content_type else "A missing Content-Type"
        raise UnsupportedMediaType(f"{shown} is not supported; send application/x-protobuf or application/json.")
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        body = _gunzip(body)
    elif encoding != "identity":
        raise DecodeError(f"Content-Encoding {content_encoding!r} is not supported; send gzip or no encoding.")
    if media_type in JSON_TYPES:
        return _decode_json(body)
    return _decode_protobuf(body)


def encode_response(rejected_spans: int, message: str, as_json: bool) -> bytes:
    """An ExportTraceServiceResponse; partial_success only when something was rejected or said."""
    if rejected_spans < 0:
        raise ValueError("rejected_spans cannot be negative")
    has_partial = rejected_spans > 0 or bool(message)
    if as_json:
        partial: dict[str, str] = {}
        if rejected_spans:
            partial["rejectedSpans"] = str(rejected_spans)  # int64 is a string in OTLP JSON
        if message:
            partial["errorMessage"] = message
        return json.dumps({"partialSuccess": partial} if has_partial else {}).encode()
    response = ExportTraceServiceResponse()
    if has_partial:
        response.partial_success.rejected_spans = rejected_spans
        response.partial_success.error_message = message
    result: bytes = response.SerializeToString()
    return result


def read_file(path: Path) -> Iterator[DecodedBatch]:
    """Decode an OTLP file: protobuf request, OTLP JSON, or JSON lines (gzip or not), by content."""
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == _GZIP_MAGIC
        stream: BufferedIOBase
        with gzip.open(path, "rb") if gzipped else path.open("rb") as stream:
            yield from _read_stream(path, stream)
    except (OSError, EOFError, zlib.error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise DecodeError(f"Cannot read {path}: {reason}.") from exc


def _read_stream(path: Path, stream: BufferedIOBase) -> Iterator[DecodedBatch]:
    """Decide the format from the first non-blank line; JSON lines are decoded as they stream."""
    leading = b""
    first = b""
    for line in stream:
        if line.strip():
            first = line
            break
        leading += line
    head = first.lstrip().removeprefix(_UTF8_BOM)
    if head.startswith(b"{"):
        document = _loads_or_none(head)
        if _is_trace_request(document):
            first_number = leading.count(b"\n") + 1
            yield _line_batch(document, first_number)
            yield from _decode_lines(stream, first_number + 1)
            return
    data = leading + first + stream.read()
    if not head.startswith(b"{"):
        yield _decode_file_protobuf(path, data)
        return
    try:
        document = json.loads(data.lstrip().removeprefix(_UTF8_BOM))
    except ValueError as exc:
        if any(_is_trace_request(_loads_or_none(line)) for line in data.splitlines()):
            yield from _decode_lines(data.splitlines(keepends=True), 1)  # JSON lines whose first line is bad
        elif data.startswith(b"\n"):  # a protobuf request can start with "\n{"
            yield _decode_file_protobuf(path, data)
        else:
            raise DecodeError(f"{path} is not valid OTLP JSON ({exc}).") from exc
        return
    if not _is_trace_request(document):
        raise DecodeError(f"{path} is JSON but not an OTLP trace export (no resourceSpans).")
    try:
        yield decode_json_document(document)
    except JsonShapeError as exc:
        raise DecodeError(f"{path}: {exc}") from exc


def _decode_lines(lines: Iterable[bytes], number: int) -> Iterator[DecodedBatch]:
    """One batch per non-blank line; a bad line becomes a batch with one malformed entry."""
    for line in lines:
        if line.strip():
            document = _loads_or_none(line)
            if document is None:
                yield DecodedBatch([], [("", "", f"line {number}: not valid JSON")])
            else:
                yield _line_batch(document, number)
        number += 1


def _line_batch(document: Any, number: int) -> DecodedBatch:
    if not _is_trace_request(document):
        return DecodedBatch([], [("", "", f"line {number}: not an OTLP trace export request (no resourceSpans)")])
    try:
        batch = decode_json_document(document)
    except JsonShapeError as exc:
        return DecodedBatch([], [("", "", f"line {number}: {exc}")])
    batch.malformed = [(trace_id, span_id, f"line {number}: {why}") for trace_id, span_id, why in batch.malformed]
    return batch


def _loads_or_none(text: bytes) -> Any:
    try:
        return json.loads(text)
    except ValueError:  # includes UnicodeDecodeError
        return None


def _is_trace_request(document: Any) -> bool:
    return isinstance(document, dict) and ("resourceSpans" in document or "resource_spans" in document)


def _decode_file_protobuf(path: Path, data: bytes) -> DecodedBatch:
    try:
        return _decode_protobuf(data)
    except DecodeError as exc:
        raise DecodeError(
            f"{path} is neither an OTLP protobuf ExportTraceServiceRequest nor OTLP JSON ({exc.__cause__})."
        ) from exc


def _decode_json(body: bytes) -> DecodedBatch:
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise DecodeError(f"The body is not valid JSON ({exc}).") from exc
    try:
        return decode_json_document(document)
    except JsonShapeError as exc:
        raise DecodeError(str(exc)) from exc


def _gunzip(body: bytes) -> bytes:
    """Inflate every gzip member, refusing to grow past MAX_INFLATED_BYTES."""
    parts: list[bytes] = []
    size = 0
    remaining = body
    try:
        while remaining:
            inflater = zlib.decompressobj(wbits=31)
            part = inflater.decompress(remaining, MAX_INFLATED_BYTES - size + 1)
            size += len(part)
            if size > MAX_INFLATED_BYTES:
                raise DecodeError(f"The gzip body inflates to more than {MAX_INFLATED_BYTES} bytes.")
            if not inflater.eof:
                raise DecodeError("The gzip body is truncated.")
            parts.append(part)
            remaining = inflater.unused_data
    except zlib.error as exc:
        raise DecodeError(f"The body is not valid gzip ({exc}).") from exc
    return b"".join(parts)


def _decode_protobuf(body: bytes) -> DecodedBatch:
    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except _ProtobufError as exc:
        raise DecodeError(f"The body is not an OTLP protobuf ExportTraceServiceRequest ({exc}).") from exc
    spans: list[SpanRecord] = []
    malformed: list[tuple[str, str, str]] = []
    keep = spans.append
    zero_trace_id = _ZERO_TRACE_ID
    zero_span_id = _ZERO_SPAN_ID
    for resource_spans in request.resource_spans:
        resource: Attributes = {}
        put_value = _put_value
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
                    malformed.append(_span_problem(span))
                    continue
                attributes: Attributes = {}
                # Inlined: a string or non-zero int needs no WhichOneof (one call saved per attribute).
                for key_value in span.attributes:
                    value = key_value.value
                    text = value.string_value
                    if text:
                        attributes[key_value.key] = text
                        continue
                    number = value.int_value
                    if number:
                        attributes[key_value.key] = number
                        continue
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


def _span_problem(span: Any) -> tuple[str, str, str]:
    """The malformed entry for a protobuf span, with the same reasons the JSON decoder gives."""
    trace_id, span_id, parent = span.trace_id, span.span_id, span.parent_span_id
    problems = [
        _id_problem(trace_id, 16, "trace id"),
        _id_problem(span_id, 8, "span id"),
        _id_problem(parent, 8, "parent span id") if parent else None,
        "end time is before start time" if span.end_time_unix_nano < span.start_time_unix_nano else None,
    ]
    reason = next(problem for problem in problems if problem is not None)
    good_trace = "" if _id_problem(trace_id, 16, "") else trace_id.hex()
    good_span = "" if _id_problem(span_id, 8, "") else span_id.hex()
    return good_trace, good_span, span_problem_reason(reason, span.name)


def _id_problem(raw: bytes, length: int, what: str) -> str | None:
    if not raw:
        return f"missing {what}"
    if len(raw) != length:
        return f"{what} must be {length} bytes, got {len(raw)}"
    if raw == bytes(length) and what != "parent span id":
        return f"{what} is all zeros"
    return None


def _put_value(attributes: Attributes, key: str, value: Any) -> None:
    """Store one AnyValue; a kvlist is flattened into dotted keys, an empty value is None."""
    kind = value.WhichOneof("value")
    if kind == "kvlist_value":
        for key_value in value.kvlist_value.values:
            _put_value(attributes, f"{key}.{key_value.key}", key_value.value)
    elif kind == "array_value":
        attributes[key] = tuple([_array_item(item) for item in value.array_value.values])
    else:
        attributes[key] = None if kind is None else getattr(value, kind)


def _array_item(value: Any) -> AttrValue:
    """An array element; a kvlist inside an array becomes a tuple of (dotted key, value) pairs."""
    if value.WhichOneof("value") != "kvlist_value":
        nested: Attributes = {}
        _put_value(nested, "", value)
        return nested[""]
    pairs: Attributes = {}
    for key_value in value.kvlist_value.values:
        _put_value(pairs, key_value.key, key_value.value)
    return tuple(pairs.items())
