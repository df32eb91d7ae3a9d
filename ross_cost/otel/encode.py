"""OTLP JSON from a protobuf request, as the spec writes it: the proto3 JSON mapping with hex ids.

The stock mapping writes trace and span ids in base64 (the mirror of the decoding trap in otel-genai.md §8);
tests, fixtures and benchmarks use this to produce the JSON that real exporters send.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from google.protobuf.json_format import MessageToDict

_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def otlp_json_document(request: Any) -> dict[str, Any]:
    """An ExportTraceServiceRequest as an OTLP JSON object (ids in hex, enums as integers)."""
    document: dict[str, Any] = MessageToDict(request, use_integers_for_enums=True)
    for resource_spans in document.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for field in _ID_FIELDS:
                    if field in span:
                        span[field] = base64.b64decode(span[field]).hex()
    return document


def otlp_json(request: Any) -> bytes:
    return json.dumps(otlp_json_document(request)).encode()
