"""Decode throughput: spans/s of decode_request on a 10,000-span GenAI request, protobuf and JSON.

Run: .venv/bin/python bench/bench_decode.py [--spans N] [--repeat R]
The ingest budget is >= 20,000 spans/s end to end, so decoding should stay well under 15 µs a span.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing
from ross_cost.otel.decode import decode_request
from ross_cost.otel.encode import otlp_json

MODELS = ("gpt-4.1-mini", "gpt-4.1", "claude-sonnet-4-5", "gemini-2.5-flash")
PROVIDERS = ("openai", "openai", "anthropic", "gcp.gemini")
AGENTS = ("planner", "researcher", "writer", "support")
PROTOBUF = "application/x-protobuf"
JSON = "application/json"


def key_value(key: str, value: object) -> KeyValue:
    any_value = AnyValue()
    if isinstance(value, bool):
        any_value.bool_value = value
    elif isinstance(value, int):
        any_value.int_value = value
    elif isinstance(value, float):
        any_value.double_value = value
    elif isinstance(value, str):
        any_value.string_value = value
    elif isinstance(value, tuple):
        for item in value:
            any_value.array_value.values.add().string_value = item
    return KeyValue(key=key, value=any_value)


def build_request(span_count: int, seed: int = 7) -> ExportTraceServiceRequest:
    """One resource, one scope, `span_count` chat spans with the attributes instrumentations emit."""
    rnd = random.Random(seed)
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    resource_spans.resource.attributes.extend(
        [
            key_value("service.name", "support-bot"),
            key_value("tenant.id", "acme"),
            key_value("telemetry.sdk.name", "opentelemetry"),
            key_value("telemetry.sdk.version", "1.45.2"),
        ]
    )
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "opentelemetry.instrumentation.genai.openai"
    start = 1_760_000_000_000_000_000
    for index in range(span_count):
        choice = rnd.randrange(len(MODELS))
        span = scope_spans.spans.add()
        span.trace_id = rnd.randbytes(16)
        span.span_id = rnd.randbytes(8)
        span.parent_span_id = rnd.randbytes(8)
        span.name = f"chat {MODELS[choice]}"
        span.kind = 3
        span.start_time_unix_nano = start + index * 1_000_000
        span.end_time_unix_nano = span.start_time_unix_nano + rnd.randrange(200_000_000, 4_000_000_000)
        span.status.code = 0
        input_tokens = rnd.randrange(200, 20_000)
        span.attributes.extend(
            [
                key_value("gen_ai.operation.name", "chat"),
                key_value("gen_ai.provider.name", PROVIDERS[choice]),
                key_value("gen_ai.request.model", MODELS[choice]),
                key_value("gen_ai.response.model", MODELS[choice] + "-2025-04-14"),
                key_value("gen_ai.response.id", f"chatcmpl-{rnd.getrandbits(64):x}"),
                key_value("gen_ai.usage.input_tokens", input_tokens),
                key_value("gen_ai.usage.output_tokens", rnd.randrange(10, 2_000)),
                key_value("gen_ai.usage.cache_read.input_tokens", input_tokens // 2),
                key_value("gen_ai.usage.reasoning.output_tokens", rnd.randrange(0, 300)),
                key_value("gen_ai.request.temperature", 0.2),
                key_value("gen_ai.request.max_tokens", 4096),
                key_value("gen_ai.response.finish_reasons", ("stop",)),
                key_value("server.address", "api.openai.com"),
                key_value("server.port", 443),
                key_value("gen_ai.agent.name", AGENTS[index % len(AGENTS)]),
                key_value("app.channel", "web"),
            ]
        )
    return request


def measure(label: str, span_count: int, repeat: int, decode: Callable[[], object]) -> None:
    """Best of `repeat` runs, wall clock and CPU time of this process (the CPU figure is the cost of
    decoding even when other processes share the machine)."""
    wall, cpu = zip(*(_timed(decode) for _ in range(repeat)), strict=True)
    print(
        f"{label:16s} {span_count / min(wall):>9,.0f} spans/s wall  {min(wall) / span_count * 1e6:6.2f} µs/span"
        f"   {span_count / min(cpu):>9,.0f} spans/s cpu  {min(cpu) / span_count * 1e6:6.2f} µs/span"
    )


def _timed(function: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    request = build_request(args.spans)
    protobuf = request.SerializeToString()
    json_body = otlp_json(request)
    attribute_count = len(request.resource_spans[0].scope_spans[0].spans[0].attributes)
    print(f"{args.spans} spans x {attribute_count} attributes; protobuf {len(protobuf):,} B, JSON {len(json_body):,} B")
    assert len(decode_request(protobuf, PROTOBUF).spans) == args.spans
    assert len(decode_request(json_body, JSON).spans) == args.spans
    gzipped = gzip.compress(protobuf)
    measure("protobuf", args.spans, args.repeat, lambda: decode_request(protobuf, PROTOBUF))
    measure("protobuf + gzip", args.spans, args.repeat, lambda: decode_request(gzipped, PROTOBUF, "gzip"))
    measure("json", args.spans, args.repeat, lambda: decode_request(json_body, JSON))

    # What exporters actually send: the SDK's BatchSpanProcessor exports at most 512 spans a request.
    batch = 512
    small = [build_request(batch, seed) for seed in range(max(1, args.spans // batch))]
    small_protobuf = [message.SerializeToString() for message in small]
    small_json = [otlp_json(message) for message in small]
    total = batch * len(small)
    print(f"{len(small)} requests of {batch} spans")
    measure("protobuf", total, args.repeat, lambda: [decode_request(body, PROTOBUF) for body in small_protobuf])
    measure("json", total, args.repeat, lambda: [decode_request(body, JSON) for body in small_json])


if __name__ == "__main__":
    main()
