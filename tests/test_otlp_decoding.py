"""OTLP decoding: protobuf and JSON bodies, files, malformed spans, and the export response."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from ross_cost.otel.decode import (
    DecodeError,
    InflatedTooLarge,
    UnsupportedMediaType,
    decode_request,
    encode_response,
    read_file,
)
from ross_cost.otel.encode import otlp_json
from ross_cost.spans import DecodedBatch, SpanRecord

FIXTURES = Path(__file__).parent / "fixtures" / "otlp"
PROTOBUF = "application/x-protobuf"
JSON = "application/json"
TRACE_ID = "5b8efff798038103d269b633813fc60c"
SPAN_ID = "eee19b7ec3c1b174"
PARENT_ID = "eee19b7ec3c1b173"


# --- helpers -------------------------------------------------------------------------------------------


def any_value(value: object) -> AnyValue:
    result = AnyValue()
    if isinstance(value, bool):
        result.bool_value = value
    elif isinstance(value, int):
        result.int_value = value
    elif isinstance(value, float):
        result.double_value = value
    elif isinstance(value, str):
        result.string_value = value
    elif isinstance(value, bytes):
        result.bytes_value = value
    elif isinstance(value, tuple):
        result.array_value.values.extend(any_value(item) for item in value)
    elif isinstance(value, dict):
        result.kvlist_value.values.extend(KeyValue(key=k, value=any_value(v)) for k, v in value.items())
    return result


def protobuf_request(
    spans: list[dict[str, Any]], resource: dict[str, object] | None = None
) -> ExportTraceServiceRequest:
    """One resource, one scope, spans given as field dicts (ids in hex)."""
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    for key, value in (resource or {"service.name": "support-bot"}).items():
        resource_spans.resource.attributes.add(key=key, value=any_value(value))
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "test-scope"
    for fields in spans:
        span = scope_spans.spans.add()
        span.trace_id = bytes.fromhex(fields.get("trace_id", TRACE_ID))
        span.span_id = bytes.fromhex(fields.get("span_id", SPAN_ID))
        span.parent_span_id = bytes.fromhex(fields.get("parent", ""))
        span.name = fields.get("name", "chat gpt-4.1-mini")
        span.kind = fields.get("kind", 3)
        span.start_time_unix_nano = fields.get("start", 1_760_000_000_000_000_000)
        span.end_time_unix_nano = fields.get("end", 1_760_000_000_900_000_000)
        span.status.code = fields.get("status", 0)
        for key, value in fields.get("attributes", {}).items():
            span.attributes.add(key=key, value=any_value(value))
    return request


def json_span(**overrides: object) -> dict[str, object]:
    span: dict[str, object] = {
        "traceId": TRACE_ID,
        "spanId": SPAN_ID,
        "name": "chat",
        "startTimeUnixNano": "1760000000000000000",
        "endTimeUnixNano": "1760000000900000000",
    }
    span.update(overrides)
    return {key: value for key, value in span.items() if value is not None}


def json_body(*spans: dict[str, object], resource: list[object] | None = None) -> bytes:
    resource_spans = {"resource": {"attributes": resource or []}, "scopeSpans": [{"spans": list(spans)}]}
    return json.dumps({"resourceSpans": [resource_spans]}).encode()


def all_spans(batches: list[DecodedBatch]) -> list[SpanRecord]:
    return [span for batch in batches for span in batch.spans]


# --- hypothesis strategies (OTLP JSON mostly right, so it gets deep before it goes wrong) -----------------


def mostly(valid: st.SearchStrategy[Any], other: st.SearchStrategy[Any], odds: int = 4) -> st.SearchStrategy[Any]:
    """`other` once in `odds` draws, so generated requests mostly get deep before they go wrong."""
    return st.integers(min_value=1, max_value=odds).flatmap(lambda pick: other if pick == 1 else valid)


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
)
int64s = st.integers(min_value=-(2**63), max_value=2**63 - 1)
VALUE_KEYS = ["stringValue", "intValue", "doubleValue", "boolValue", "bytesValue", "arrayValue", "kvlistValue"]
valid_values = st.one_of(
    st.builds(lambda value: {"stringValue": value}, st.text(max_size=5)),
    st.builds(lambda value: {"intValue": value}, int64s.map(str) | int64s),
    st.builds(lambda value: {"doubleValue": value}, st.floats(allow_nan=False, allow_infinity=False)),
    st.builds(lambda value: {"boolValue": value}, st.booleans()),
    st.builds(lambda value: {"bytesValue": base64.b64encode(value).decode()}, st.binary(max_size=4)),
)
odd_values = st.dictionaries(st.sampled_from(VALUE_KEYS), json_values, min_size=1, max_size=2) | json_values
any_values = st.recursive(
    mostly(valid_values, odd_values, 8),
    lambda inner: (
        st.builds(lambda values: {"arrayValue": {"values": values}}, st.lists(inner, max_size=3))
        | st.builds(
            lambda values: {"kvlistValue": {"values": values}},
            st.lists(st.fixed_dictionaries({"key": st.text(max_size=3), "value": inner}), max_size=3),
        )
    ),
    max_leaves=6,
)
otlp_attributes = mostly(
    st.lists(
        st.fixed_dictionaries({"key": mostly(st.text(max_size=3), json_values, 12), "value": any_values}), max_size=4
    ),
    json_values,
)
span_fields = {
    "traceId": mostly(st.just(TRACE_ID.upper()), json_scalars),
    "spanId": mostly(st.just("0" * 15 + "1"), json_scalars),
    "parentSpanId": mostly(st.sampled_from([PARENT_ID, "", "0" * 16]), json_scalars),
    "name": mostly(st.text(max_size=5), json_scalars),
    "kind": mostly(st.sampled_from([0, 3, "SPAN_KIND_CLIENT", "client", "9"]), json_scalars),
    "startTimeUnixNano": mostly(st.integers(0, 10).map(str) | st.integers(0, 10), json_scalars),
    "endTimeUnixNano": mostly(st.integers(10, 2**64 - 1).map(str), json_scalars),
    "status": mostly(st.fixed_dictionaries({"code": st.sampled_from([2, "STATUS_CODE_OK", "ERROR"])}), json_values),
    "attributes": otlp_attributes,
}
otlp_spans = st.lists(
    mostly(st.builds(lambda fields: json_span(**fields), st.fixed_dictionaries({}, optional=span_fields)), json_values),
    max_size=4,
)


attribute_values = st.one_of(
    st.text(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.binary(max_size=20),
    st.lists(st.text(max_size=5), max_size=3).map(tuple),
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=3).map(tuple),
)


# --- protobuf and JSON agree -----------------------------------------------------------------------------


def test_protobuf_and_json_of_the_same_spans_decode_to_equal_records() -> None:
    from_protobuf = all_spans(list(read_file(FIXTURES / "sdk_genai.pb")))
    from_json = all_spans(list(read_file(FIXTURES / "sdk_genai.json")))
    assert len(from_protobuf) == 5
    assert from_protobuf == from_json
    body = (FIXTURES / "sdk_genai.pb").read_bytes()
    assert decode_request(body, PROTOBUF).spans == from_protobuf
    assert decode_request((FIXTURES / "sdk_genai.json").read_bytes(), JSON).spans == from_json


@settings(max_examples=150, deadline=None)
@given(attributes=st.dictionaries(st.text(min_size=1, max_size=12), attribute_values, max_size=8))
def test_any_attributes_decode_to_their_values_from_protobuf_and_json_alike(attributes: dict[str, Any]) -> None:
    request = protobuf_request([{"attributes": attributes}], resource=attributes or {"k": "v"})
    from_protobuf = decode_request(request.SerializeToString(), PROTOBUF)
    from_json = decode_request(otlp_json(request), JSON)
    assert from_protobuf == from_json
    assert from_protobuf.spans[0].attributes == attributes
    assert from_protobuf.spans[0].resource == (attributes or {"k": "v"})


@settings(max_examples=300, deadline=None)
@given(spans=otlp_spans, resource=otlp_attributes, scope=json_values)
def test_any_json_body_decodes_or_raises_decode_error_and_nothing_else(
    spans: list[object], resource: object, scope: object
) -> None:
    document = {
        "resourceSpans": [{"resource": {"attributes": resource}, "scopeSpans": [{"scope": scope, "spans": spans}]}]
    }
    try:
        batch = decode_request(json.dumps(document).encode(), JSON)
    except DecodeError:
        return
    assert len(batch.spans) + len(batch.malformed) == len(spans)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200))
def test_any_bytes_as_protobuf_decode_or_raise_decode_error_and_nothing_else(body: bytes) -> None:
    try:
        batch = decode_request(body, PROTOBUF)
    except DecodeError:
        return
    assert all(len(span.trace_id) == 32 and len(span.span_id) == 16 for span in batch.spans)


def test_json_trace_ids_are_hex_not_base64() -> None:
    body = json_body(json_span(traceId=TRACE_ID.upper(), spanId=SPAN_ID, parentSpanId=PARENT_ID))
    span = decode_request(body, JSON).spans[0]
    assert (span.trace_id, span.span_id, span.parent_span_id) == (TRACE_ID, SPAN_ID, PARENT_ID)
    # What google.protobuf.json_format writes (base64) is not OTLP JSON: refused with a hint, never misread.
    stock = base64.b64encode(bytes.fromhex(TRACE_ID)).decode()
    batch = decode_request(json_body(json_span(traceId=stock)), JSON)
    assert batch.spans == []
    assert "not 32 hex characters" in batch.malformed[0][2]
    assert "base64" in batch.malformed[0][2]


def test_protobuf_ids_are_lower_case_hex_and_a_root_has_an_empty_parent() -> None:
    spans = [
        {"span_id": SPAN_ID.upper()},
        {"span_id": "00000000000000aa", "parent": SPAN_ID},
        {"span_id": "00000000000000bb", "parent": "0000000000000000"},  # some exporters send zeros for "no parent"
    ]
    batch = decode_request(protobuf_request(spans).SerializeToString(), PROTOBUF)
    assert [(s.trace_id, s.span_id, s.parent_span_id) for s in batch.spans] == [
        (TRACE_ID, SPAN_ID, ""),
        (TRACE_ID, "00000000000000aa", SPAN_ID),
        (TRACE_ID, "00000000000000bb", ""),
    ]


# --- JSON leniency ---------------------------------------------------------------------------------------


def test_int64_values_may_come_as_strings_or_numbers() -> None:
    attributes = [
        {"key": "as_string", "value": {"intValue": "1200"}},
        {"key": "as_number", "value": {"intValue": 1200}},
        {"key": "negative", "value": {"intValue": "-5"}},
        {"key": "big", "value": {"intValue": "9223372036854775807"}},
    ]
    body = json_body(
        json_span(
            startTimeUnixNano=1_760_000_000_000_000_000, endTimeUnixNano="1760000000900000000", attributes=attributes
        )
    )
    span = decode_request(body, JSON).spans[0]
    assert span.attributes == {"as_string": 1200, "as_number": 1200, "negative": -5, "big": 2**63 - 1}
    assert (span.start_ns, span.end_ns) == (1_760_000_000_000_000_000, 1_760_000_000_900_000_000)


def test_json_accepts_enum_names_snake_case_keys_and_ignores_unknown_fields() -> None:
    span = {
        "trace_id": TRACE_ID,
        "span_id": SPAN_ID,
        "name": "chat",
        "kind": "SPAN_KIND_CLIENT",
        "status": {"code": "STATUS_CODE_ERROR", "message": "boom"},
        "start_time_unix_nano": "1",
        "end_time_unix_nano": "2",
        "droppedAttributesCount": 0,
        "somethingNew": {"nested": [1, 2]},
        "attributes": [
            {"key": "d", "value": {"doubleValue": "Infinity"}},
            {"key": "b", "value": {"bool_value": True}},
            {"key": "raw", "value": {"bytesValue": base64.b64encode(b"\x00\xff").decode()}},
            {"key": "arr", "value": {"arrayValue": {"values": [{"stringValue": "stop"}, {"intValue": "3"}]}}},
            {"key": "empty", "value": {}},
        ],
    }
    body = json.dumps({"resource_spans": [{"scope_spans": [{"scope": {"name": "s"}, "spans": [span]}]}]}).encode()
    record = decode_request(body, "application/json; charset=utf-8").spans[0]
    assert (record.trace_id, record.kind, record.status_code, record.scope) == (TRACE_ID, 3, 2, "s")
    assert record.attributes == {"d": float("inf"), "b": True, "raw": b"\x00\xff", "arr": ("stop", 3), "empty": None}


def test_kvlist_values_are_flattened_into_dotted_keys_in_both_encodings() -> None:
    attributes = {"llm": {"usage": {"prompt": 10, "completion": 3}, "vendor": "openai"}, "list": ({"a": 1},)}
    request = protobuf_request([{"attributes": attributes}])
    expected = {"llm.usage.prompt": 10, "llm.usage.completion": 3, "llm.vendor": "openai", "list": ((("a", 1),),)}
    assert decode_request(request.SerializeToString(), PROTOBUF).spans[0].attributes == expected
    assert decode_request(otlp_json(request), JSON).spans[0].attributes == expected


def test_resource_attributes_are_built_once_and_shared_by_the_spans_of_a_resource() -> None:
    request = protobuf_request([{"span_id": "00000000000000a1"}, {"span_id": "00000000000000a2"}])
    for batch in (decode_request(request.SerializeToString(), PROTOBUF), decode_request(otlp_json(request), JSON)):
        first, second = batch.spans
        assert first.resource is second.resource
        assert first.resource == {"service.name": "support-bot"}


# --- malformed spans -------------------------------------------------------------------------------------


def test_a_malformed_span_is_kept_out_with_a_reason_while_its_siblings_survive() -> None:
    spans: list[dict[str, Any]] = [
        {"span_id": "00000000000000a1"},
        {"trace_id": "", "span_id": "00000000000000a2", "name": "no trace"},
        {"span_id": "", "name": "no span"},
        {"span_id": "00000000000000a3", "start": 10, "end": 5, "name": "backwards"},
        {"trace_id": "0" * 32, "span_id": "00000000000000a4", "name": "zero"},
    ]
    request = protobuf_request(spans)
    for batch in (decode_request(request.SerializeToString(), PROTOBUF), decode_request(otlp_json(request), JSON)):
        assert [span.span_id for span in batch.spans] == ["00000000000000a1"]
        assert batch.malformed == [
            ("", "00000000000000a2", "missing trace id (span 'no trace')"),
            (TRACE_ID, "", "missing span id (span 'no span')"),
            (TRACE_ID, "00000000000000a3", "end time is before start time (span 'backwards')"),
            ("", "00000000000000a4", "trace id is all zeros (span 'zero')"),
        ]


def test_json_spans_with_bad_ids_or_values_are_malformed_and_the_rest_is_kept() -> None:
    body = json_body(
        json_span(spanId="00000000000000a1"),
        json_span(spanId="xyz"),
        json_span(spanId="00000000000000a2", traceId=TRACE_ID[:30]),
        json_span(spanId="00000000000000a3", attributes=[{"key": "n", "value": {"intValue": "many"}}]),
        json_span(spanId="00000000000000a4", parentSpanId="nothex"),
        "not a span",  # type: ignore[arg-type]
        json_span(spanId="00000000000000a5", attributes=[{"key": "a", "value": {"arrayValue": {"values": [7]}}}]),
        json_span(spanId="00000000000000a6", startTimeUnixNano="-1"),
    )
    batch = decode_request(body, JSON)
    assert [span.span_id for span in batch.spans] == ["00000000000000a1"]
    reasons = [reason for _, _, reason in batch.malformed]
    assert len(reasons) == 7
    assert "span id 'xyz' is not 16 hex characters" in reasons[0]
    assert "trace id" in reasons[1]
    assert batch.malformed[2][:2] == (TRACE_ID, "00000000000000a3")
    assert "attribute 'n'" in reasons[2] and "'many' is not an integer" in reasons[2]
    assert "parent span id" in reasons[3]
    assert reasons[4] == "span is not a JSON object"
    assert reasons[5].startswith("attribute 'a' has an invalid array element")
    assert reasons[6] == "start time '-1' is out of range (span 'chat')"


def test_protobuf_ids_of_the_wrong_length_are_malformed() -> None:
    request = protobuf_request([{"span_id": "00000000000000a1"}, {"trace_id": "abcd", "span_id": "00000000000000a2"}])
    batch = decode_request(request.SerializeToString(), PROTOBUF)
    assert len(batch.spans) == 1
    assert batch.malformed == [("", "00000000000000a2", "trace id must be 16 bytes, got 2 (span 'chat gpt-4.1-mini')")]


# --- bodies, encodings, content types ----------------------------------------------------------------------


def test_gzip_bodies_are_inflated_in_both_encodings() -> None:
    request = protobuf_request([{"attributes": {"gen_ai.usage.input_tokens": 1200}}])
    for body, content_type in ((request.SerializeToString(), PROTOBUF), (otlp_json(request), JSON)):
        batch = decode_request(gzip.compress(body), content_type, "gzip")
        assert batch.spans[0].attributes == {"gen_ai.usage.input_tokens": 1200}
    assert decode_request(request.SerializeToString(), "application/protobuf", "identity").spans


def test_a_gzip_body_may_not_inflate_past_the_limit() -> None:
    with pytest.raises(InflatedTooLarge, match="inflates to more than 1000 bytes"):
        decode_request(gzip.compress(b"{" + b" " * 5000 + b"}"), JSON, "gzip", max_inflated=1000)
    assert issubclass(InflatedTooLarge, DecodeError)


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "message"),
    [
        (b"\xff\xff\xff\xff", PROTOBUF, None, "not an OTLP protobuf ExportTraceServiceRequest"),
        (b"not json", JSON, None, "not valid JSON"),
        (b"[1, 2]", JSON, None, "must be an object"),
        (b'{"resourceSpans": {"oops": 1}}', JSON, None, "resourceSpans is not a list"),
        (b'{"resourceSpans": [{"scopeSpans": [{"spans": 7}]}]}', JSON, None, "spans is not a list"),
        (b"plain text", JSON, "gzip", "not valid gzip"),
        (gzip.compress(b"{}", mtime=0)[:-6], JSON, "gzip", "truncated"),
        (b"{}", JSON, "br", "Content-Encoding 'br' is not supported"),
    ],
)
def test_bodies_that_are_not_otlp_raise_decode_error(
    body: bytes, content_type: str, encoding: str | None, message: str
) -> None:
    with pytest.raises(DecodeError, match=message) as raised:
        decode_request(body, content_type, encoding)
    assert not isinstance(raised.value, UnsupportedMediaType)


@pytest.mark.parametrize("content_type", ["text/plain", "application/grpc", "", None])
def test_a_content_type_we_do_not_take_raises_unsupported_media_type(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType, match="not supported"):
        decode_request(b"{}", content_type)


def test_an_empty_request_is_an_empty_batch() -> None:
    assert decode_request(b"", PROTOBUF) == DecodedBatch([], [])
    assert decode_request(b"{}", JSON) == DecodedBatch([], [])


# --- the real SDK ----------------------------------------------------------------------------------------


def test_a_request_from_the_real_sdk_decodes_with_all_attributes() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "support-bot", "tenant.id": "acme"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("opentelemetry.instrumentation.genai.openai", "1.3b0")
    chat_attributes: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200,
        "gen_ai.usage.cache_read.input_tokens": 1024,
        "gen_ai.usage.output_tokens": 0,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.stream": True,
        "gen_ai.response.finish_reasons": ["stop", "length"],
        "gen_ai.request.stop_sequences": [],
        "scores": [0.5, 1.5],
        "flags": [True, False],
        "sizes": [1, 2, 3],
    }
    with tracer.start_as_current_span("invoke_agent planner") as agent:
        with tracer.start_as_current_span("chat gpt-4.1-mini", kind=SpanKind.CLIENT, attributes=chat_attributes):
            pass
        agent.set_status(Status(StatusCode.ERROR, "tool failed"))
    provider.shutdown()
    finished = exporter.get_finished_spans()
    body = encode_spans(finished).SerializeToString()

    batch = decode_request(gzip.compress(body), PROTOBUF, "gzip")

    assert batch.malformed == []
    by_name = {span.name: span for span in batch.spans}
    for sdk_span in finished:
        record = by_name[sdk_span.name]
        assert record.trace_id == format(sdk_span.context.trace_id, "032x")
        assert record.span_id == format(sdk_span.context.span_id, "016x")
        expected_parent = format(sdk_span.parent.span_id, "016x") if sdk_span.parent else ""
        assert record.parent_span_id == expected_parent
        assert (record.start_ns, record.end_ns) == (sdk_span.start_time, sdk_span.end_time)
        expected = {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in (sdk_span.attributes or {}).items()}
        assert record.attributes == expected
        assert record.resource == dict(provider.resource.attributes)
        assert record.scope == "opentelemetry.instrumentation.genai.openai"
    assert by_name["chat gpt-4.1-mini"].kind == 3  # SPAN_KIND_CLIENT on the wire
    assert by_name["chat gpt-4.1-mini"].attributes["gen_ai.response.finish_reasons"] == ("stop", "length")
    assert by_name["invoke_agent planner"].status_code == 2


# --- files -----------------------------------------------------------------------------------------------


def test_files_are_recognised_by_content_not_suffix(tmp_path: Path) -> None:
    expected = all_spans(list(read_file(FIXTURES / "sdk_genai.pb")))
    disguised = {
        "request.json": (FIXTURES / "sdk_genai.pb").read_bytes(),
        "request.bin": (FIXTURES / "sdk_genai.json").read_bytes(),
        "request.txt": (FIXTURES / "sdk_genai.json.gz").read_bytes(),
        "request": gzip.compress((FIXTURES / "sdk_genai.pb").read_bytes()),
    }
    for name, content in disguised.items():
        (tmp_path / name).write_bytes(content)
        assert all_spans(list(read_file(tmp_path / name))) == expected, name
    lines = list(read_file(FIXTURES / "collector_export.jsonl"))
    assert [len(batch.spans) for batch in lines] == [2, 3]
    assert sorted(s.span_id for s in all_spans(lines)) == sorted(s.span_id for s in expected)
    (tmp_path / "export.gz").write_bytes(gzip.compress((FIXTURES / "collector_export.jsonl").read_bytes()))
    assert list(read_file(tmp_path / "export.gz")) == lines


def test_json_lines_with_a_bad_line_keep_the_good_lines(tmp_path: Path) -> None:
    good = (FIXTURES / "collector_export.jsonl").read_text().splitlines()
    bad_span = json_body(json_span(spanId="xyz")).decode()
    path = tmp_path / "export.jsonl"
    lines = [good[0], '{"resourceSpans": [', "", good[1], '{"resourceMetrics": []}', bad_span, '{"resourceSpans": 5}']
    path.write_text("\n".join(lines))
    batches = list(read_file(path))
    assert [len(batch.spans) for batch in batches] == [2, 0, 3, 0, 0, 0]
    assert batches[1].malformed[0][:2] == ("", "")
    assert batches[1].malformed[0][2].startswith("line 2: not valid JSON")
    assert batches[3].malformed == [("", "", "line 5: not an OTLP trace export request (it has no resourceSpans)")]
    assert batches[4].malformed[0][2].startswith("line 6: span id 'xyz'")
    assert batches[5].malformed == [("", "", "line 7: resourceSpans is not a list.")]


def test_json_lines_whose_first_line_is_bad_are_still_read_line_by_line(tmp_path: Path) -> None:
    good = (FIXTURES / "collector_export.jsonl").read_text().splitlines()
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(['{"resourceSpans": [{"truncated', *good]) + "\n")
    batches = list(read_file(path))
    assert [len(batch.spans) for batch in batches] == [0, 2, 3]
    assert batches[0].malformed[0][2].startswith("line 1: not valid JSON")


def test_a_protobuf_file_that_starts_like_json_is_read_as_protobuf(tmp_path: Path) -> None:
    request = protobuf_request([{}])
    resource_spans = request.resource_spans[0]
    resource_spans.schema_url = "x" * (0x7B - resource_spans.ByteSize() - 2)  # the length byte becomes "{"
    content = request.SerializeToString()
    assert content[:2] == b"\n{"
    (tmp_path / "tricky.pb").write_bytes(content)
    assert all_spans(list(read_file(tmp_path / "tricky.pb"))) == decode_request(content, PROTOBUF).spans


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"resourceMetrics": []}', "not an OTLP trace export"),
        (b'{\n  "resourceSpans": [\n', "not valid OTLP JSON"),
        (b"\x08\x96\x01garbage\xff", "neither an OTLP protobuf ExportTraceServiceRequest nor OTLP JSON"),
        (b"\x1f\x8bnot really gzip", "Cannot read"),
    ],
)
def test_an_unreadable_file_raises_decode_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.otlp"
    path.write_bytes(content)
    with pytest.raises(DecodeError, match=message) as raised:
        list(read_file(path))
    assert str(path) in str(raised.value)


def test_a_missing_file_raises_decode_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(DecodeError, match=r"Cannot read .*missing\.pb"):
        list(read_file(tmp_path / "missing.pb"))


# --- the response ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rejected", "message"), [(0, ""), (3, "3 spans had no trace id"), (0, "note"), (2, "")])
def test_encode_response_round_trips_in_both_encodings(rejected: int, message: str) -> None:
    response = ExportTraceServiceResponse.FromString(encode_response(rejected, message, as_json=False))
    assert response.HasField("partial_success") == bool(rejected or message)
    assert (response.partial_success.rejected_spans, response.partial_success.error_message) == (rejected, message)

    document = json.loads(encode_response(rejected, message, as_json=True))
    if not (rejected or message):
        assert document == {}
    else:
        partial = document["partialSuccess"]
        assert int(partial.get("rejectedSpans", "0")) == rejected
        assert partial.get("errorMessage", "") == message
        assert isinstance(partial.get("rejectedSpans", ""), str)  # int64 travels as a string in OTLP JSON
