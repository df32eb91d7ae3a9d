"""OTLP/JSON trace requests, decoded by hand from `json.loads` output.

Not `google.protobuf.json_format`: it reads OTLP's hex ids as base64 without complaint (reference §8).
Lenient where producers differ (snake_case keys, int64 as string or number, enum names or ints),
strict where a wrong value would mis-attribute cost (ids). Pure: no protobuf or OTel imports.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ross_cost.spans import Attributes, AttrValue, DecodedBatch, SpanRecord

_HEX_TRACE_ID = re.compile(r"[0-9a-fA-F]{32}")
_HEX_SPAN_ID = re.compile(r"[0-9a-fA-F]{16}")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1

SPAN_KINDS = {"UNSPECIFIED": 0, "INTERNAL": 1, "SERVER": 2, "CLIENT": 3, "PRODUCER": 4, "CONSUMER": 5}
STATUS_CODES = {"UNSET": 0, "OK": 1, "ERROR": 2}

# AnyValue member -> kind tag; both spellings, first one found in the object wins.
_STRING, _INT, _DOUBLE, _BOOL, _BYTES, _ARRAY, _KVLIST = range(7)
_VALUE_KINDS = {
    "stringValue": _STRING, "string_value": _STRING,
    "intValue": _INT, "int_value": _INT,
    "doubleValue": _DOUBLE, "double_value": _DOUBLE,
    "boolValue": _BOOL, "bool_value": _BOOL,
    "bytesValue": _BYTES, "bytes_value": _BYTES,
    "arrayValue": _ARRAY, "array_value": _ARRAY,
    "kvlistValue": _KVLIST, "kvlist_value": _KVLIST,
}  # fmt: skip


class JsonShapeError(ValueError):
    """The request (above the level of one span) does not have the OTLP/JSON shape."""


class MalformedSpanError(ValueError):
    """One span cannot be used; its siblings can. Carries the ids when they were readable."""

    def __init__(self, reason: str, trace_id: str = "", span_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.trace_id = trace_id
        self.span_id = span_id


def span_problem_reason(problem: str, name: object) -> str:
    """The reason text shared by the protobuf and JSON decoders, so both report a span the same way."""
    return f"{problem} (span {name!r})" if isinstance(name, str) and name else problem


def decode_json_document(document: object) -> DecodedBatch:
    """Decode a parsed OTLP/JSON ExportTraceServiceRequest; bad spans go to `malformed`, not an exception."""
    if not isinstance(document, dict):
        raise JsonShapeError("The JSON body must be an object with a resourceSpans list.")
    spans: list[SpanRecord] = []
    malformed: list[tuple[str, str, str]] = []
    for r_index, resource_spans in enumerate(
        _as_list(_member(document, "resourceSpans", "resource_spans"), "resourceSpans")
    ):
        where = f"resourceSpans[{r_index}]"
        if not isinstance(resource_spans, dict):
            raise JsonShapeError(f"{where} is not a JSON object.")
        resource_obj = _member(resource_spans, "resource", "resource")
        resource: Attributes = {}
        if resource_obj is not None:
            if not isinstance(resource_obj, dict):
                raise JsonShapeError(f"{where}.resource is not a JSON object.")
            try:
                put_json_attributes(resource, _member(resource_obj, "attributes", "attributes"))
            except MalformedSpanError as exc:
                raise JsonShapeError(f"{where}.resource: {exc}") from exc
        scope_list = _member(resource_spans, "scopeSpans", "scope_spans")
        if scope_list is None:  # pre-1.0 collectors
            scope_list = resource_spans.get("instrumentationLibrarySpans")
        for s_index, scope_spans in enumerate(_as_list(scope_list, f"{where}.scopeSpans")):
            scope_where = f"{where}.scopeSpans[{s_index}]"
            if not isinstance(scope_spans, dict):
                raise JsonShapeError(f"{scope_where} is not a JSON object.")
            scope = _scope_name(scope_spans, scope_where)
            for span_obj in _as_list(scope_spans.get("spans"), f"{scope_where}.spans"):
                try:
                    spans.append(_span(span_obj, resource, scope))
                except MalformedSpanError as exc:
                    malformed.append((exc.trace_id, exc.span_id, exc.reason))
    return DecodedBatch(spans, malformed)


def _span(obj: object, resource: Attributes, scope: str) -> SpanRecord:
    if type(obj) is not dict:
        raise MalformedSpanError("span is not a JSON object")
    get = obj.get
    name = get("name")
    trace_id, problem = _hex_id(_member(obj, "traceId", "trace_id"), _HEX_TRACE_ID, "trace id", 32)
    span_id, span_problem = _hex_id(_member(obj, "spanId", "span_id"), _HEX_SPAN_ID, "span id", 16)
    if problem is not None or span_problem is not None:
        raise MalformedSpanError(span_problem_reason(problem or span_problem or "", name), trace_id, span_id)
    try:
        parent = _member(obj, "parentSpanId", "parent_span_id")
        if parent:
            parent, parent_problem = _hex_id(parent, _HEX_SPAN_ID, "parent span id", 16, zeros_allowed=True)
            if parent_problem is not None:
                raise MalformedSpanError(parent_problem)
        else:
            parent = ""
        if name is None:
            name = ""
        elif type(name) is not str:
            raise MalformedSpanError("name is not a string")
        start = _int64(_member(obj, "startTimeUnixNano", "start_time_unix_nano"), "start time", 0, _UINT64_MAX)
        end = _int64(_member(obj, "endTimeUnixNano", "end_time_unix_nano"), "end time", 0, _UINT64_MAX)
        if end < start:
            raise MalformedSpanError("end time is before start time")
        kind = get("kind")
        if type(kind) is not int:
            kind = _enum(kind, "SPAN_KIND_", SPAN_KINDS, "kind")
        status = get("status")
        status_code = _enum(status.get("code"), "STATUS_CODE_", STATUS_CODES, "status code") if status else 0
        attributes: Attributes = {}
        put_json_attributes(attributes, get("attributes"))
    except (MalformedSpanError, AttributeError) as exc:
        reason = str(exc) if isinstance(exc, MalformedSpanError) else "a field has the wrong JSON type"
        raise MalformedSpanError(span_problem_reason(reason, name), trace_id, span_id) from exc
    return SpanRecord(trace_id, span_id, parent, name, start, end, attributes, resource, kind, scope, status_code)


def put_json_attributes(attributes: Attributes, key_values: object) -> None:
    """Add an OTLP/JSON KeyValue list to `attributes`, flattening kvlists into dotted keys."""
    if key_values is None:
        return
    if not isinstance(key_values, list):
        raise MalformedSpanError("attributes is not a list")
    for key_value in key_values:
        if type(key_value) is not dict or type(key := key_value.get("key")) is not str:
            raise MalformedSpanError("an attribute has no string key")
        value = key_value.get("value")
        if type(value) is dict:  # fast paths: strings and int64-as-string are most GenAI attributes
            member = value.get("stringValue")
            if type(member) is str:
                attributes[key] = member
                continue
            member = value.get("intValue")
            if type(member) is str and member.isdecimal() and len(member) < 19:  # surely an int64
                attributes[key] = int(member)
                continue
        _put_value(attributes, key, value)


def _put_value(attributes: Attributes, key: str, value: object) -> None:
    if value is None:
        attributes[key] = None
    elif not isinstance(value, dict):
        raise MalformedSpanError(f"attribute {key!r} has a value that is not a JSON object")
    else:
        for member, raw in value.items():
            kind = _VALUE_KINDS.get(member)
            if kind is None or raw is None:
                continue  # unknown fields are ignored
            if kind == _KVLIST:
                for inner_key, inner_value in _kvlist_items(raw, key):
                    _put_value(attributes, f"{key}.{inner_key}", inner_value)
            else:
                attributes[key] = _scalar_or_array(kind, raw, key)
            return
        attributes[key] = None


def _value(value: object, key: str) -> AttrValue:
    """One array element: a kvlist inside an array becomes a tuple of (dotted key, value) pairs."""
    nested: Attributes = {}
    try:
        _put_value(nested, "", value)
    except MalformedSpanError as exc:
        raise MalformedSpanError(f"attribute {key!r} has an invalid array element ({exc})") from exc
    if list(nested) == [""]:
        return nested[""]
    return tuple((inner_key[1:], inner_value) for inner_key, inner_value in nested.items())


def _scalar_or_array(kind: int, raw: object, key: str) -> AttrValue:
    if kind == _STRING and isinstance(raw, str):
        return raw
    if kind == _INT:
        return _int64(raw, f"attribute {key!r}")
    if kind == _DOUBLE:
        if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
            try:
                return float(raw)  # proto3 JSON spells the specials "NaN", "Infinity", "-Infinity"
            except (ValueError, OverflowError):
                pass
    elif kind == _BOOL:
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
    elif kind == _BYTES and isinstance(raw, str):
        try:  # standard or URL-safe base64, padding optional
            return base64.b64decode(raw.replace("-", "+").replace("_", "/") + "=" * (-len(raw) % 4), validate=True)
        except binascii.Error:
            pass
    elif kind == _ARRAY and isinstance(raw, dict):
        values = raw.get("values") or []
        if isinstance(values, list):
            return tuple(_value(item, key) for item in values)
    raise MalformedSpanError(f"attribute {key!r} has an invalid {_kind_name(kind)}: {_short(raw)}")


def _kvlist_items(raw: object, key: str) -> list[tuple[str, object]]:
    if isinstance(raw, dict):
        values = raw.get("values")
        if values is None:
            return []
        if isinstance(values, list) and all(isinstance(kv, dict) and isinstance(kv.get("key"), str) for kv in values):
            return [(kv["key"], kv.get("value")) for kv in values]
    raise MalformedSpanError(f"attribute {key!r} has an invalid kvlistValue")


def _hex_id(
    raw: object, pattern: re.Pattern[str], what: str, length: int, zeros_allowed: bool = False
) -> tuple[str, str | None]:
    """(lower-case id, None), or ("", problem). An all-zero id is invalid (OTLP spec); an all-zero
    parent is read as "no parent", as some exporters send it for root spans."""
    if raw is None or raw == "":
        return "", f"missing {what}"
    if type(raw) is str and pattern.fullmatch(raw):
        if raw.count("0") != length:
            return raw.lower(), None
        return ("", None) if zeros_allowed else ("", f"{what} is all zeros")
    hint = " (base64 ids come from google.protobuf.json_format, OTLP JSON uses hex)" if isinstance(raw, str) else ""
    return "", f"{what} {_short(raw)} is not {length} hex characters{hint}"


def _int64(raw: object, what: str, low: int = _INT64_MIN, high: int = _INT64_MAX) -> int:
    """Accept 1200, "1200" and 1.2e3 within [low, high]; missing means 0 as in protobuf."""
    if raw is None:
        return 0
    number: int | None = None
    if type(raw) is int:
        number = raw
    elif isinstance(raw, str) and _INTEGER.fullmatch(raw):
        number = int(raw)
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    if number is None:
        raise MalformedSpanError(f"{what} {_short(raw)} is not an integer")
    if not low <= number <= high:
        raise MalformedSpanError(f"{what} {_short(raw)} is out of range")
    return number


def _enum(raw: object, prefix: str, names: dict[str, int], what: str) -> int:
    if raw is None:
        return 0
    if type(raw) is int:
        return raw
    if isinstance(raw, str):
        upper = raw.upper().removeprefix(prefix)
        if upper in names:
            return names[upper]
        if upper.isdecimal():
            return int(upper)
    raise MalformedSpanError(f"{what} {_short(raw)} is not a known value")


def _scope_name(scope_spans: dict[str, Any], where: str) -> str:
    scope = scope_spans.get("scope") or scope_spans.get("instrumentationLibrary") or {}
    name = scope.get("name", "") if isinstance(scope, dict) else None
    if not isinstance(name, str):
        raise JsonShapeError(f"{where}.scope.name is not a string.")
    return name


def _member(obj: dict[str, Any], camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _as_list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise JsonShapeError(f"{where} is not a list.")
    return value


def _kind_name(kind: int) -> str:
    return ("stringValue", "intValue", "doubleValue", "boolValue", "bytesValue", "arrayValue", "kvlistValue")[kind]


def _short(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."
