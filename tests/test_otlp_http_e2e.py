"""The real OpenTelemetry SDK and its OTLP/HTTP exporter send to `ross-cost serve` on loopback; the cost API
answers with what was sent. Bad requests get the status codes CONTRACT.md names and lose nothing."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow
WHEN = datetime(2026, 11, 15, 10, tzinfo=UTC)
NS = int(WHEN.timestamp() * 1e9)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("e2e") / "e2e.duckdb", env={"ROSS_MAX_BODY_BYTES": "300000"}) as s:
        yield s


def send_with_sdk(server: LiveServer, tenant: str, compression: Compression = Compression.NoCompression) -> None:
    exporter = OTLPSpanExporter(endpoint=f"{server.url}/v1/traces", compression=compression, timeout=10)
    provider = TracerProvider(resource=Resource.create({"service.name": "ross-sara", "ross.module_id": "M03"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("e2e")
    root = {"ross.tenant_id": tenant, "ross.channel": "voice"}
    agent = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Sara"}
    with tracer.start_as_current_span("turn", start_time=NS, attributes=root), \
            tracer.start_as_current_span("invoke_agent Sara", start_time=NS, attributes=agent):
        span = tracer.start_span("chat claude-haiku-4-5", start_time=NS, attributes={
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": "claude-haiku-4-5", "gen_ai.usage.input_tokens": 1_000_000,
            "gen_ai.usage.output_tokens": 100_000})
        span.end(end_time=NS + 10**9)
    provider.shutdown()


def cost(server: LiveServer, **params: str) -> dict[str, Any]:
    query = {"start": "2026-11-01", "end": "2026-12-01", **params}
    response = httpx.get(f"{server.url}/api/cost", params=query, timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_sdk_spans_over_otlp_http_are_priced_and_attributed(server: LiveServer) -> None:
    send_with_sdk(server, "t-sdk")
    rows = cost(server, group_by="layer,agent_slug,module_id,channel", tenant_id="t-sdk")["rows"]
    by_layer = {r["layer"]: r for r in rows}
    # claude-haiku-4-5: 1M input x $1 + 100k output x $5 per MTok; 12 % negotiated off (ANTH-ENT-2026)
    assert Decimal(by_layer["prompt"]["list_cost"]) == Decimal("1")
    assert Decimal(by_layer["response"]["list_cost"]) == Decimal("0.5")
    assert Decimal(by_layer["prompt"]["effective_cost"]) + Decimal(by_layer["response"]["effective_cost"]) == \
        Decimal("1.32")
    assert {(r["agent_slug"], r["module_id"], r["channel"]) for r in rows} == {("sara", "M03", "voice")}


def test_gzip_export_is_accepted(server: LiveServer) -> None:
    send_with_sdk(server, "t-gzip", Compression.Gzip)
    total = cost(server, tenant_id="t-gzip")["total"]
    assert Decimal(total["list_cost"]) == Decimal("1.5")


def otlp_json(trace_id: str, span_id: str, attrs: dict[str, Any]) -> bytes:
    def value(v: Any) -> dict[str, Any]:
        return {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "j"}}]},
            "scopeSpans": [{"scope": {"name": "hand"}, "spans": [{
                "traceId": trace_id, "spanId": span_id, "name": "chat", "kind": 3,
                "startTimeUnixNano": str(NS), "endTimeUnixNano": str(NS + 10**9),
                "attributes": [{"key": k, "value": value(v)} for k, v in attrs.items()]}]}]}]}
    return json.dumps(body).encode()


CHAT = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5",
        "gen_ai.usage.input_tokens": 1_000_000, "gen_ai.usage.output_tokens": 0, "ross.tenant_id": "t-json"}


def test_otlp_json_with_hex_ids_is_accepted_and_answered_in_json(server: LiveServer) -> None:
    body = otlp_json("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", CHAT)
    response = httpx.post(f"{server.url}/v1/traces", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert Decimal(cost(server, tenant_id="t-json")["total"]["list_cost"]) == Decimal("1.25")
    again = httpx.post(f"{server.url}/v1/traces", content=body, headers={"content-type": "application/json"})
    assert again.status_code == 200
    assert Decimal(cost(server, tenant_id="t-json")["total"]["list_cost"]) == Decimal("1.25")


def test_impossible_counts_come_back_in_partial_success_and_the_rest_is_kept(server: LiveServer) -> None:
    bad = otlp_json("6b8efff798038103d269b633813fc60c", "aee19b7ec3c1b174",
                    {**CHAT, "ross.tenant_id": "t-partial", "gen_ai.usage.cache_read.input_tokens": 2_000_000})
    response = httpx.post(f"{server.url}/v1/traces", content=bad, headers={"content-type": "application/json"})
    assert response.status_code == 200
    partial = response.json()["partialSuccess"]
    assert int(partial["rejectedSpans"]) == 1 and "exceed input tokens" in partial["errorMessage"]


def test_protobuf_partial_success_is_a_protobuf_response(server: LiveServer) -> None:
    response = httpx.post(f"{server.url}/v1/traces", content=b"", headers={"content-type": "application/x-protobuf"})
    assert response.status_code == 200
    ExportTraceServiceResponse.FromString(response.content)


@pytest.mark.parametrize(("body", "headers", "status"), [
    (b"\x0a\xff\xff", {"content-type": "application/x-protobuf"}, 400),
    (b"{not json", {"content-type": "application/json"}, 400),
    (b"hello", {"content-type": "text/plain"}, 415),
    (b"x" * 400_000, {"content-type": "application/x-protobuf"}, 413),
    (b"not gzip", {"content-type": "application/x-protobuf", "content-encoding": "gzip"}, 400),
    (gzip.compress(b"\0" * 7_000_000, mtime=0),
     {"content-type": "application/x-protobuf", "content-encoding": "gzip"}, 413),
])
def test_bad_requests_get_a_clear_status_and_lose_nothing(server: LiveServer, body: bytes,
                                                         headers: dict[str, str], status: int) -> None:
    before = cost(server)["total"]
    response = httpx.post(f"{server.url}/v1/traces", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]
    assert cost(server)["total"] == before
    assert httpx.get(f"{server.url}/healthz").status_code == 200


@pytest.mark.parametrize(("params", "names"), [
    ({"start": "2026-13-01", "end": "2026-12-01"}, "start"),
    ({"start": "2026-11-01"}, "end"),
    ({"start": "2026-12-01", "end": "2026-11-01"}, "end"),
    ({"start": "2026-11-01", "end": "2026-12-01", "group_by": "colour"}, "group_by"),
    ({"start": "2026-11-01", "end": "2026-12-01", "granularity": "hour"}, "granularity"),
    ({"start": "2026-11-01", "end": "2026-12-01", "tenant": "x"}, "tenant"),
])
def test_bad_cost_parameters_give_400_naming_the_parameter(server: LiveServer, params: dict[str, str],
                                                          names: str) -> None:
    response = httpx.get(f"{server.url}/api/cost", params=params)
    assert response.status_code == 400 and names in response.json()["error"]


def test_cost_by_day_gives_periods(server: LiveServer) -> None:
    send_with_sdk(server, "t-days")
    rows = cost(server, group_by="layer", granularity="day", tenant_id="t-days")["rows"]
    assert {r["period"] for r in rows} == {date(2026, 11, 15).isoformat()}
