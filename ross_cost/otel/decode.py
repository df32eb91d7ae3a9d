"""The OTLP decoding edge: HTTP bodies and files in, DecodedBatch out; the export response back.

Content negotiation, gzip and file-format detection live here; the decoders themselves are
otlp_protobuf (upb-backed generated classes) and otlp_json (a hand decoder: hex ids, lenient numbers).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError as _ProtobufError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from ross_cost.gc_pause import gc_paused
from ross_cost.otel.otlp_json import JsonShapeError, decode_json_document
from ross_cost.otel.otlp_protobuf import decode_protobuf
from ross_cost.spans import DecodedBatch

_json_loads: Callable[[bytes], Any]
try:  # orjson parses OTLP JSON 2-3x faster; the stdlib parser gives the same result
    import orjson

    _json_loads = orjson.loads
except ImportError:  # pragma: no cover
    _json_loads = json.loads

PROTOBUF_TYPES = frozenset({"application/x-protobuf", "application/protobuf"})
JSON_TYPES = frozenset({"application/json"})
#: A gzip body may not inflate beyond this (a small bomb must not exhaust memory).
MAX_INFLATED_BYTES = 256 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"


class DecodeError(ValueError):
    """The body or file cannot be read as OTLP traces; the message is one sentence for the user."""


class UnsupportedMediaType(DecodeError):  # noqa: N818 (name fixed by the lead's interface)
    """The content type is not one OTLP/HTTP uses."""


class InflatedTooLarge(DecodeError):  # noqa: N818 (reads as the HTTP status it maps to: 413)
    """A gzip body inflates past the allowed size."""


def decode_request(body: bytes, content_type: str | None, content_encoding: str | None = None,
                   max_inflated: int = MAX_INFLATED_BYTES) -> DecodedBatch:
    """Decode one OTLP/HTTP trace export body; a gzip body may inflate to at most `max_inflated` bytes."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in PROTOBUF_TYPES and media_type not in JSON_TYPES:
        shown = f"Content-Type {content_type!r}" if content_type else "A missing Content-Type"
        raise UnsupportedMediaType(f"{shown} is not supported; send application/x-protobuf or application/json.")
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        body = _gunzip(body, max_inflated)
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
        first_number = leading.count(b"\n") + 1
        first_batch = _line_batch(head, first_number)
        if first_batch is not None:  # the first line is a whole request: JSON lines (or a one-line file)
            yield first_batch
            yield from _decode_lines(stream, first_number + 1)
            return
    data = leading + first + stream.read()
    if not head.startswith(b"{"):
        yield _decode_file_protobuf(path, data)
        return
    try:
        with gc_paused():
            document = _json_loads(data.lstrip().removeprefix(_UTF8_BOM))
    except ValueError as exc:
        lines = data.splitlines(keepends=True)
        if any(_line_batch(line, 0) for line in lines):  # JSON lines whose first line is bad
            yield from _decode_lines(lines, 1)
        elif data.startswith(b"\n"):  # a protobuf request can start with "\n{"
            yield _decode_file_protobuf(path, data)
        else:
            raise DecodeError(f"{path} is not valid OTLP JSON ({exc}).") from exc
        return
    if not _is_trace_request(document):
        raise DecodeError(f"{path} is JSON but not an OTLP trace export (it has no resourceSpans).")
    try:
        with gc_paused():
            batch = decode_json_document(document)
    except JsonShapeError as exc:
        raise DecodeError(f"{path}: {exc}") from exc
    yield batch


def _decode_lines(lines: Iterable[bytes], number: int) -> Iterator[DecodedBatch]:
    """One batch per non-blank line; a bad line becomes a batch with one malformed entry."""
    for line in lines:
        if line.strip():
            yield _line_batch(line, number) or _bad_line(line, number)
        number += 1


def _line_batch(line: bytes, number: int) -> DecodedBatch | None:
    """The batch of one JSON-lines request, or None when the line is not one."""
    try:
        with gc_paused():
            document = _json_loads(line)
            if not _is_trace_request(document):
                return None
            batch = decode_json_document(document)
    except ValueError:  # not JSON, or JsonShapeError: _bad_line says which
        return None
    batch.malformed = [(trace_id, span_id, f"line {number}: {why}") for trace_id, span_id, why in batch.malformed]
    return batch


def _bad_line(line: bytes, number: int) -> DecodedBatch:
    try:
        document = _json_loads(line)
        reason = "not an OTLP trace export request (it has no resourceSpans)"
        if _is_trace_request(document):
            decode_json_document(document)
    except ValueError as exc:  # JSON syntax, or JsonShapeError
        reason = str(exc) if isinstance(exc, JsonShapeError) else f"not valid JSON ({exc})"
    return DecodedBatch([], [("", "", f"line {number}: {reason}")])


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
        with gc_paused():
            document = _json_loads(body)
    except ValueError as exc:
        raise DecodeError(f"The body is not valid JSON ({exc}).") from exc
    try:
        with gc_paused():
            return decode_json_document(document)
    except JsonShapeError as exc:
        raise DecodeError(str(exc)) from exc


def _gunzip(body: bytes, limit: int) -> bytes:
    """Inflate every gzip member, refusing to grow past `limit` bytes."""
    parts: list[bytes] = []
    size = 0
    remaining = body
    try:
        while remaining:
            inflater = zlib.decompressobj(wbits=31)
            part = inflater.decompress(remaining, limit - size + 1)
            size += len(part)
            if size > limit:
                raise InflatedTooLarge(f"The gzip body inflates to more than {limit} bytes.")
            if not inflater.eof:
                raise DecodeError("The gzip body is truncated.")
            parts.append(part)
            remaining = inflater.unused_data
    except zlib.error as exc:
        raise DecodeError(f"The body is not valid gzip ({exc}).") from exc
    return b"".join(parts)


def _decode_protobuf(body: bytes) -> DecodedBatch:
    try:
        with gc_paused():
            return decode_protobuf(body)
    except _ProtobufError as exc:
        raise DecodeError(f"The body is not an OTLP protobuf ExportTraceServiceRequest ({exc}).") from exc
