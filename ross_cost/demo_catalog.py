"""The static catalogue of the demo workload: tenants, models, agents, channels and tools.

Kept apart from the generator so the story (who does what, on which model, for whom) can be read in one
place. data/tenants.csv is the same tenant list as a file for the tenants loader; a test keeps them equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

CHANNELS: Final = ("voice", "email", "linkedin", "whatsapp", "cockpit")
TIERS: Final = ("enterprise", "growth", "starter")


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    name: str
    tier: str


def _tenants(tier: str, rows: str) -> tuple[Tenant, ...]:
    return tuple(Tenant(f"t-{key}", name, tier) for key, name in (r.split("=") for r in rows.split(";")))


#: Ordered by traffic rank: enterprise tenants first, so the Zipf weights make them the heaviest.
TENANTS: Final = (
    *_tenants(
        "enterprise",
        "acme=Acme Logistics;borealis=Borealis Energy;cobalt=Cobalt Health Group;dunmore=Dunmore Capital;"
        "elkano=Elkano Shipping;fjord=Fjordline Insurance;granite=Granite Telecom;helix=Helix Pharma",
    ),
    *_tenants(
        "growth",
        "iberdata=Iberdata Analytics;juniper=Juniper Retail;kestrel=Kestrel Mobility;lumen=Lumen Learning Labs;"
        "meridian=Meridian Travel;northwind=Northwind Outdoor;orbita=Orbita Space Services;"
        "quayside=Quayside Properties;riverbend=Riverbend Clinics;saltmarsh=Saltmarsh Brewing;"
        "tidewater=Tidewater Legal;umbra=Umbra Security;vela=Vela Recruiting;wayfinder=Wayfinder Robotics",
    ),
    *_tenants(
        "starter",
        "xaloa=Xaloa Studio;yarrow=Yarrow Wellness;zenit=Zenit Bikes;amets=Amets Coffee;"
        "bidasoa=Bidasoa Surf School;calico=Calico Print Co;dalia=Dalia Florals;ember=Ember Fitness;"
        "fennel=Fennel Kitchen;gaztelu=Gaztelu Architects;harborlight=Harborlight Dental;indigo=Indigo Yoga;"
        "jasper=Jasper Bookkeeping;koru=Koru Pets;larra=Larra Vineyards;nube=Nube Hosting;olatu=Olatu Events;"
        "pampa=Pampa Leather",
    ),
)

#: Module id -> workflow name (low cardinality, as gen_ai.workflow.name must be).
MODULES: Final = {
    "M00": "platform_orchestration",
    "M01": "inbound_support",
    "M02": "knowledge_base",
    "M03": "ticket_triage",
    "M04": "content_studio",
    "M05": "campaigns",
    "M06": "scheduling_reception",
    "M07": "outbound_cadence",
    "M08": "lead_qualification",
    "M09": "investor_relations",
    "M10": "finance_ops",
    "M11": "reporting",
    "M12": "research",
}


@dataclass(frozen=True)
class ModelSpec:
    """How one model shows up on the wire: names, provider, caching style, reasoning and finish reasons."""

    provider: str  # gen_ai.provider.name (the API flavour: a vLLM server is "openai")
    request_model: str
    response_model: str
    operation: str  # "chat", or "generate_content" for Gemini
    cache: str  # "explicit" (Anthropic read+write), "automatic" (read only) or "none"
    reasoning: str  # "none", "thinking" (Anthropic), "openai" or "gemini": all inside output_tokens
    tool_finish: str  # finish reason of a tool-calling turn; "" when this model is not used for tool turns
    stop_finish: str
    tokens_per_second: float
    server_address: str


def _anthropic(request: str, response: str, tps: float, reasoning: str = "none") -> ModelSpec:
    return ModelSpec(
        "anthropic", request, response, "chat", "explicit", reasoning, "tool_use", "end_turn", tps, "api.anthropic.com"
    )


def _openai(request: str, response: str, tps: float, reasoning: str = "none", host: str = "api.openai.com") -> ModelSpec:
    cache = "none" if host != "api.openai.com" else "automatic"
    return ModelSpec("openai", request, response, "chat", cache, reasoning, "tool_calls", "stop", tps, host)


def _gemini(name: str, tps: float) -> ModelSpec:
    host = "generativelanguage.googleapis.com"
    return ModelSpec("gcp.gemini", name, name, "generate_content", "automatic", "gemini", "", "stop", tps, host)


SELF_HOSTED: Final = "vllm.internal.ross"
UNKNOWN_MODEL: Final = "acme-finetune-v2"
EMBEDDING_MODEL: Final = "text-embedding-3-small"

MODELS: Final = {
    "claude-sonnet-4-5": _anthropic("claude-sonnet-4-5", "claude-sonnet-4-5-20250929", 60),
    "claude-opus-4-6": _anthropic("claude-opus-4-6", "claude-opus-4-6", 40, reasoning="thinking"),
    "claude-haiku-4-5": _anthropic("claude-haiku-4-5", "claude-haiku-4-5-20251001", 120),
    "gpt-4.1-mini": _openai("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 100),
    "gpt-5": _openai("gpt-5", "gpt-5-2025-08-07", 60, reasoning="openai"),
    "gemini-2.5-flash": _gemini("gemini-2.5-flash", 150),
    "gemini-2.5-pro": _gemini("gemini-2.5-pro", 70),
    "llama-3.3-70b-instruct": _openai("llama-3.3-70b-instruct", "llama-3.3-70b-instruct", 50, host=SELF_HOSTED),
    UNKNOWN_MODEL: _openai(UNKNOWN_MODEL, UNKNOWN_MODEL, 50, host=SELF_HOSTED),
}

#: MCP tools (tools/call over MCP) and the server each one lives on.
MCP_SERVERS: Final = {
    "hubspot.search_contacts": "mcp.hubspot.com",
    "notion.query": "mcp.notion.com",
    "salesforce.query": "mcp.salesforce.com",
}
#: The tool the app calls to deliver the answer on each channel (voice also transcribes first).
DELIVERY_TOOL: Final = {
    "voice": "voice_synthesize",
    "email": "send_email",
    "linkedin": "linkedin_post",
    "whatsapp": "whatsapp_send",
    "cockpit": "",
}
#: Channels whose turn arrives as an HTTP webhook (root is a SERVER span "POST /turn").
WEBHOOK_CHANNELS: Final = frozenset({"voice", "whatsapp", "cockpit"})
#: Memory framework -> (store id prefix, per-turn write operation).
MEMORY_STORES: Final = {"letta": "update_memory", "mem0": "upsert_memory", "graphiti": "create_memory"}

Weighted = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class AgentSpec:
    """One agent: its role, where it talks, which modules run it, its models and tools, its token profile.

    Token medians are per chat turn: `prefix` is the cacheable system prompt plus tool definitions,
    `context` the uncached conversation and retrieved text, `out_tool` a tool-call turn's output and
    `out_final` the visible answer. `emitter` is the instrumentation generation its services run.
    """

    name: str
    role: str
    share: float
    channels: Weighted
    modules: Weighted
    models: Weighted
    tools: Weighted  # tools the model calls (MCP tools included); channel delivery tools are added per turn
    memory: str  # "letta", "mem0", "graphiti" or ""
    retrieval: tuple[str, str, float]  # (data source id, vector store, probability); ("", "", 0) for none
    prefix: int
    context: int
    out_tool: int
    out_final: int
    tool_turn: float  # probability that the first turn ends in a tool call
    emitter: str = "semconv"  # "semconv", "openllmetry-0.47" or "openllmetry-0.52"

    @property
    def slug(self) -> str:
        return "-".join(self.name.lower().split())


AGENTS: Final = (
    AgentSpec(
        "Sara", "inbound customer support and ticket triage", 0.22,
        (("whatsapp", 0.4), ("email", 0.3), ("voice", 0.15), ("cockpit", 0.15)),
        (("M01", 0.6), ("M03", 0.4)),
        (("claude-sonnet-4-5", 0.7), ("claude-haiku-4-5", 0.3)),
        (("crm_lookup", 0.7), ("web_search", 0.1), ("calendar_book", 0.2)),
        "letta", ("kb-main", "qdrant", 0.8), 5200, 1300, 90, 260, 0.75,
    ),
    AgentSpec(
        "Maya", "marketing content and campaigns", 0.09,
        (("linkedin", 0.55), ("email", 0.3), ("cockpit", 0.15)),
        (("M04", 0.6), ("M05", 0.4)),
        (("gpt-4.1-mini", 0.45), ("gemini-2.5-flash", 0.35), ("claude-sonnet-4-5", 0.2)),
        (("web_search", 0.3), ("notion.query", 0.7)),
        "mem0", ("", "", 0.0), 3500, 1200, 80, 650, 0.6,
    ),
    AgentSpec(
        "Will", "executive assistant: scheduling and weekly digests", 0.11,
        (("email", 0.55), ("whatsapp", 0.25), ("cockpit", 0.2)),
        (("M06", 0.7), ("M11", 0.3)),
        (("claude-haiku-4-5", 0.5), ("gpt-4.1-mini", 0.5)),
        (("calendar_book", 0.7), ("crm_lookup", 0.3)),
        "mem0", ("", "", 0.0), 3000, 800, 70, 200, 0.7,
    ),
    AgentSpec(
        "Patxi", "finance operations analyst for the FinOps team", 0.06,
        (("cockpit", 0.85), ("email", 0.15)),
        (("M10", 0.6), ("M11", 0.4)),
        (("gpt-5", 0.5), ("gemini-2.5-pro", 0.3), ("claude-opus-4-6", 0.2)),
        (("doc_render", 0.6), ("notion.query", 0.4)),
        "graphiti", ("kb-main", "pgvector", 0.3), 3000, 1800, 120, 600, 0.5,
    ),
    AgentSpec(
        "Sales Cdr", "outbound sales cadences and lead qualification", 0.13,
        (("email", 0.5), ("linkedin", 0.35), ("voice", 0.1), ("whatsapp", 0.05)),
        (("M07", 0.65), ("M08", 0.35)),
        (("claude-sonnet-4-5", 0.6), ("gpt-4.1-mini", 0.4)),
        (("crm_lookup", 0.4), ("hubspot.search_contacts", 0.6)),
        "graphiti", ("kb-sales", "pgvector", 0.6), 4200, 1100, 110, 300, 0.8,
    ),
    AgentSpec(
        "Will Fund", "investor relations and fundraising updates", 0.07,
        (("email", 0.65), ("linkedin", 0.15), ("cockpit", 0.2)),
        (("M09", 1.0),),
        (("claude-sonnet-4-5", 0.9), ("claude-haiku-4-5", 0.1)),
        (("web_search", 0.3), ("doc_render", 0.4), ("notion.query", 0.3)),
        "letta", ("kb-main", "qdrant", 0.4), 3000, 450, 80, 450, 0.45,
    ),
    AgentSpec(
        "Atlas", "research and knowledge-base answers", 0.11,
        (("cockpit", 0.55), ("email", 0.25), ("whatsapp", 0.2)),
        (("M02", 0.6), ("M12", 0.4)),
        (("claude-sonnet-4-5", 0.45), ("gemini-2.5-flash", 0.35), ("llama-3.3-70b-instruct", 0.2)),
        (("web_search", 0.4), ("notion.query", 0.6)),
        "graphiti", ("kb-main", "qdrant", 0.95), 3000, 2200, 80, 420, 0.5,
    ),
    AgentSpec(
        "Irati", "multilingual voice receptionist", 0.13,
        (("voice", 0.75), ("whatsapp", 0.25)),
        (("M06", 0.7), ("M01", 0.3)),
        (("claude-haiku-4-5", 0.6), ("gpt-4.1-mini", 0.25), ("llama-3.3-70b-instruct", 0.15)),
        (("calendar_book", 0.7), ("crm_lookup", 0.3)),
        "letta", ("", "", 0.0), 2500, 700, 60, 120, 0.6, emitter="openllmetry-0.52",
    ),
    AgentSpec(
        "FLOW", "back-office workflow automation and the nightly re-index", 0.08,
        (("cockpit", 0.5), ("email", 0.5)),
        (("M00", 0.7), ("M10", 0.3)),
        (("llama-3.3-70b-instruct", 0.5), ("gpt-4.1-mini", 0.3), ("claude-haiku-4-5", 0.2)),
        (("doc_render", 0.6), ("crm_lookup", 0.4)),
        "", ("", "", 0.0), 2000, 1500, 90, 300, 0.6, emitter="openllmetry-0.47",
    ),
)  # fmt: skip
AGENT_BY_NAME: Final = {agent.name: agent for agent in AGENTS}

#: Per-emitter instrumentation scope of the inference spans.
LLM_SCOPES: Final = {
    ("semconv", "anthropic"): ("opentelemetry.instrumentation.genai.anthropic", "1.3b0"),
    ("semconv", "openai"): ("opentelemetry.instrumentation.genai.openai", "1.3b0"),
    ("semconv", "gcp.gemini"): ("opentelemetry.instrumentation.google_genai", "0.4b0"),
    ("openllmetry-0.47", "anthropic"): ("opentelemetry.instrumentation.anthropic", "0.47.3"),
    ("openllmetry-0.47", "openai"): ("opentelemetry.instrumentation.openai", "0.47.3"),
    ("openllmetry-0.52", "anthropic"): ("opentelemetry.instrumentation.anthropic", "0.52.1"),
    ("openllmetry-0.52", "openai"): ("opentelemetry.instrumentation.openai", "0.52.1"),
}
APP_SCOPE: Final = ("ross.agents", "2.14.0")
MCP_SCOPE: Final = ("opentelemetry.instrumentation.mcp", "0.3b0")
