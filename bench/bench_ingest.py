"""OTLP protobuf ingest end to end into DuckDB: decode + attribute + price + resolve + bulk write.

    .venv/bin/python bench/bench_ingest.py [--spans 1000000] [--batch 5000]

Bodies are generated first and written to a temp file (not timed), then read back and ingested through the
same `Services.ingest_bodies` the demo and file loads use (a worker process decodes and attributes while this
one resolves and writes). Prints spans/s: all spans, GenAI spans (those with gen_ai.operation.name: 6 of a
trace's 7) and GenAI spans with token/call usage (5 of 7); and peak RSS of this process plus the worker.
Target (issue 2): >= 20,000 GenAI spans/s over 1,000,000 spans, peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

DAY0 = 1_760_000_000 * 10**9
MODELS = [("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-haiku-4-5"), ("openai", "gpt-4.1-mini"),
          ("gcp.gemini", "gemini-2.5-flash"), ("openai", "gpt-5")]


def kv(key: str, value: str | int) -> KeyValue:
    any_value = AnyValue(int_value=value) if isinstance(value, int) else AnyValue(string_value=value)
    return KeyValue(key=key, value=any_value)


def make_body(rng: random.Random, traces: int, first: int) -> tuple[bytes, int, int]:
    """One request of `traces` traces: root, invoke_agent, 3 chat, 1 tool, 1 memory op (7 spans: 6 GenAI, 5 of
    them with usage)."""
    request = ExportTraceServiceRequest()
    rs = request.resource_spans.add()
    rs.resource.attributes.extend([kv("service.name", "ross-bench"), kv("ross.module_id", f"M{first % 13:02d}")])
    spans = rs.scope_spans.add().spans
    genai = 0
    for n in range(first, first + traces):
        trace_id = struct.pack(">QQ", n + 1, rng.getrandbits(64))
        start = DAY0 + n * 1_000_000_000
        root, agent = struct.pack(">Q", 2 * n + 1), struct.pack(">Q", 2 * n + 2)
        spans.add(trace_id=trace_id, span_id=root, name="turn", start_time_unix_nano=start,
                  end_time_unix_nano=start + 10**9, kind=Span.SPAN_KIND_SERVER,
                  attributes=[kv("ross.tenant_id", f"t-{n % 40}"), kv("ross.channel", "voice")])
        spans.add(trace_id=trace_id, span_id=agent, parent_span_id=root, name="invoke_agent",
                  start_time_unix_nano=start, end_time_unix_nano=start + 10**9,
                  attributes=[kv("gen_ai.operation.name", "invoke_agent"), kv("gen_ai.agent.name", "Sara")])
        for k in range(3):
            provider, model = MODELS[(n + k) % len(MODELS)]
            inp = rng.randrange(2_000, 40_000)
            spans.add(trace_id=trace_id, span_id=struct.pack(">Q", 10**12 + 8 * n + k), parent_span_id=agent,
                      name=f"chat {model}", start_time_unix_nano=start, end_time_unix_nano=start + 10**8,
                      kind=Span.SPAN_KIND_CLIENT, attributes=[
                          kv("gen_ai.operation.name", "chat"), kv("gen_ai.provider.name", provider),
                          kv("gen_ai.request.model", model), kv("gen_ai.response.model", model),
                          kv("gen_ai.usage.input_tokens", inp),
                          kv("gen_ai.usage.output_tokens", rng.randrange(50, 900)),
                          kv("gen_ai.usage.cache_read.input_tokens", inp // 2), kv("server.address", "api.example"),
                          kv("gen_ai.response.id", f"r-{n}-{k}"), kv("gen_ai.request.max_tokens", 4096)])
        spans.add(trace_id=trace_id, span_id=struct.pack(">Q", 10**12 + 8 * n + 5), parent_span_id=agent,
                  name="execute_tool web_search", start_time_unix_nano=start, end_time_unix_nano=start + 10**7,
                  attributes=[kv("gen_ai.operation.name", "execute_tool"), kv("gen_ai.tool.name", "web_search")])
        spans.add(trace_id=trace_id, span_id=struct.pack(">Q", 10**12 + 8 * n + 6), parent_span_id=agent,
                  name="search_memory", start_time_unix_nano=start, end_time_unix_nano=start + 10**7,
                  attributes=[kv("gen_ai.operation.name", "search_memory"), kv("ross.memory_layer", "mem0")])
        genai += 5
    return request.SerializeToString(), 7 * traces, genai


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000, help="spans per OTLP request")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ross-bench-"))
    os.environ["ROSS_DB_URL"] = f"duckdb:///{workdir / 'bench.duckdb'}"
    from ross_cost.services import open_services

    rng = random.Random(1)
    traces_per_body = max(1, args.batch // 7)
    bodies_file = workdir / "bodies.bin"
    total_spans = total_genai = 0
    with bodies_file.open("wb") as out:
        n = 0
        while total_spans < args.spans:
            body, spans, genai = make_body(rng, traces_per_body, n)
            out.write(struct.pack(">I", len(body)) + body)
            n += traces_per_body
            total_spans += spans
            total_genai += genai
    services = open_services()
    started = time.perf_counter()
    def bodies() -> Iterator[bytes]:
        with bodies_file.open("rb") as handle:
            while header := handle.read(4):
                yield handle.read(struct.unpack(">I", header)[0])

    accepted = sum(r.accepted for r in services.ingest_bodies(bodies(), "application/x-protobuf", "bench"))
    seconds = time.perf_counter() - started
    lines = services.store.line_count()
    services.close()
    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    genai_ops = accepted * 6 // 7
    print(f"ingested {accepted:,} spans ({genai_ops:,} GenAI spans, {total_genai:,} of them with usage; "
          f"{lines:,} usage lines) in {seconds:.1f} s")
    print(f"  {accepted / seconds:,.0f} spans/s all spans, {genai_ops / seconds:,.0f} GenAI spans/s, "
          f"{total_genai / seconds:,.0f} GenAI spans with usage/s")
    print(f"  peak RSS {main_mb:,.0f} MB main (generation included) + {worker_mb:,.0f} MB worker "
          f"= {main_mb + worker_mb:,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
