"""The static catalogue of the demo workload: tenants, models, agents, channels and tools.

Kept apart from the generator so the story (who does what, on which model, for whom) can be read in one
place. data/tenants.csv is the same tenant list as a file for the tenants loader; a test keeps them equal.

The token profiles are those of production agents with large cached prefixes (system prompt, MCP tool
schemas, conversation so far), retrieved context, agent loops and extended thinking: the main agents' calls
read 40k-80k tokens and a turn costs them $0.20-0.35. That is the heavy end of realistic per call, chosen so
that the ~180-320 traces a weekday the demo can afford (it must load in under a minute) still spend what a
platform of nine agents for forty business tenants spends on its layers ($5+/day each at the start).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
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
    tool_finish: str  # finish reason of a tool-calling turn; "" when this model is not used for tool turns
    stop_finish: str
    tokens_per_second: float
    server_address: str
    reasoning_median: int = 0  # reasoning tokens of a final answer, always counted inside output_tokens


def _anthropic(request: str, response: str, tps: float, thinking: int = 0) -> ModelSpec:
    return ModelSpec(
        "anthropic", request, response, "chat", "explicit", "tool_use", "end_turn", tps, "api.anthropic.com", thinking
    )


def _openai(request: str, response: str, tps: float, reasoning: int = 0, host: str = "api.openai.com") -> ModelSpec:
    cache = "automatic" if host == "api.openai.com" else "none"
    return ModelSpec("openai", request, response, "chat", cache, "tool_calls", "stop", tps, host, reasoning)


def _gemini(name: str, tps: float, thoughts: int) -> ModelSpec:
    host = "generativelanguage.googleapis.com"
    return ModelSpec("gcp.gemini", name, name, "generate_content", "automatic", "", "stop", tps, host, thoughts)


SELF_HOSTED: Final = "vllm.internal.ross"
UNKNOWN_MODEL: Final = "acme-finetune-v2"
EMBEDDING_MODEL: Final = "text-embedding-3-small"

MODELS: Final = {
    "claude-sonnet-4-5": _anthropic("claude-sonnet-4-5", "claude-sonnet-4-5-20250929", 60),
    "claude-opus-4-6": _anthropic("claude-opus-4-6", "claude-opus-4-6", 40, thinking=3500),
    "claude-haiku-4-5": _anthropic("claude-haiku-4-5", "claude-haiku-4-5-20251001", 120),
    "gpt-4.1-mini": _openai("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 100),
    "gpt-5": _openai("gpt-5", "gpt-5-2025-08-07", 60, reasoning=3000),
    "gemini-2.5-flash": _gemini("gemini-2.5-flash", 150, 800),
    "gemini-2.5-pro": _gemini("gemini-2.5-pro", 70, 2500),
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
#: Median tokens of one call of each tool: (arguments the model writes, result the next chat reads). doc_render
#: takes the whole document as its argument; the Salesforce MCP server returns only the fields a query asks for.
TOOL_TOKENS: Final = {
    "web_search": (30, 4000), "crm_lookup": (40, 1200), "calendar_book": (80, 200), "doc_render": (2500, 150),
    "hubspot.search_contacts": (60, 1500), "notion.query": (50, 2500), "salesforce.query": (150, 60),
}  # fmt: skip
#: Memory framework -> the operation that stores what a turn learned.
MEMORY_STORES: Final = {"letta": "update_memory", "mem0": "upsert_memory", "graphiti": "create_memory"}

Weighted = tuple[tuple[str, float], ...]
MAX_TOOL_ROUNDS: Final = 3  # an agent loop: up to three rounds of tool calls before the answer


@dataclass(frozen=True)
class AgentSpec:
    """One agent: its role, where it talks, which modules run it, its models and tools, its token profile.

    Token medians are per chat call: `prefix` is what the provider's prompt cache holds (system prompt, tool
    schemas, the conversation so far), `context` the uncached message, thread or documents (retrieved chunks and
    tool results come on top), `out_tool` a tool-call turn's visible output (arguments come per tool) and
    `out_final` the visible answer; `thinking` comes on top of both on Claude Sonnet and Haiku. A turn starts with
    tool calls with probability `tool_turn`, then loops for one more round with probability `loop` each time.
    `emitter` is the instrumentation generation its services run.
    """

    name: str
    role: str
    share: float
    channels: Weighted
    modules: Weighted
    models: Weighted
    tools: Weighted  # tools the model calls (MCP tools included); channel delivery tools are added per turn
    memory: str  # "letta", "mem0", "graphiti" or ""
    retrieval: tuple[str, str, float, int]  # (data source id, vector store, probability, retrieved tokens)
    prefix: int
    context: int
    out_tool: int
    out_final: int
    tool_turn: float
    loop: float
    thinking: int = 0  # extended-thinking tokens per Claude Sonnet / Haiku call, 0 when the agent turns it off
    weekend: float = 1.0  # weekend traffic relative to the other agents' (support stays open, finance does not)
    emitter: str = "semconv"  # "semconv", "openllmetry-0.47" or "openllmetry-0.52"

    @cached_property
    def slug(self) -> str:
        return "-".join(self.name.lower().split())

    @cached_property
    def tool_rounds(self) -> Weighted:
        """How many rounds of tool calls a turn makes ("0" .. MAX_TOOL_ROUNDS) and how often: the day plan deals
        them out in these proportions, so a small day's tool spend does not swing with a few long loops."""
        weights = [1 - self.tool_turn] + [self.tool_turn * self.loop ** (k - 1) for k in range(1, MAX_TOOL_ROUNDS + 1)]
        for k in range(1, MAX_TOOL_ROUNDS):
            weights[k] *= 1 - self.loop
        return tuple((str(k), w) for k, w in enumerate(weights))


AGENTS: Final = (
    AgentSpec(
        "Sara", "inbound customer support and ticket triage", 0.24,
        (("whatsapp", 0.4), ("email", 0.3), ("voice", 0.15), ("cockpit", 0.15)),
        (("M01", 0.6), ("M03", 0.4)),
        (("claude-sonnet-4-5", 0.85), ("claude-haiku-4-5", 0.15)),
        (("crm_lookup", 0.7), ("web_search", 0.1), ("calendar_book", 0.2)),
        "letta", ("kb-main", "qdrant", 0.85, 12000), 36000, 12000, 400, 800, 0.8, 0.4, 3000, weekend=1.3,
    ),
    AgentSpec(
        "Maya", "marketing content and campaigns", 0.11,
        (("linkedin", 0.55), ("email", 0.3), ("cockpit", 0.15)),
        (("M04", 0.6), ("M05", 0.4)),
        (("gpt-4.1-mini", 0.25), ("gemini-2.5-flash", 0.3), ("claude-sonnet-4-5", 0.45)),
        (("web_search", 0.3), ("notion.query", 0.7)),
        "mem0", ("", "", 0.0, 0), 20000, 16000, 400, 2000, 0.7, 0.3, 2500,
    ),
    AgentSpec(
        "Will", "executive assistant: scheduling and weekly digests", 0.07,
        (("email", 0.55), ("whatsapp", 0.25), ("cockpit", 0.2)),
        (("M06", 0.7), ("M11", 0.3)),
        (("claude-haiku-4-5", 0.5), ("gpt-4.1-mini", 0.5)),
        (("calendar_book", 0.7), ("crm_lookup", 0.3)),
        "mem0", ("", "", 0.0, 0), 16000, 8000, 150, 300, 0.7, 0.2,
    ),
    AgentSpec(
        "Patxi", "finance operations analyst for the FinOps team", 0.07,
        (("cockpit", 0.85), ("email", 0.15)),
        (("M10", 0.6), ("M11", 0.4)),
        (("gpt-5", 0.55), ("gemini-2.5-pro", 0.3), ("claude-opus-4-6", 0.15)),
        (("doc_render", 0.6), ("notion.query", 0.4)),
        "graphiti", ("kb-main", "pgvector", 0.3, 6000), 18000, 45000, 300, 1500, 0.55, 0.5, weekend=0.0,
    ),
    AgentSpec(
        "Sales Cdr", "outbound sales cadences and lead qualification", 0.17,
        (("email", 0.5), ("linkedin", 0.35), ("voice", 0.1), ("whatsapp", 0.05)),
        (("M07", 0.65), ("M08", 0.35)),
        (("claude-sonnet-4-5", 0.85), ("gpt-4.1-mini", 0.15)),
        (("crm_lookup", 0.4), ("hubspot.search_contacts", 0.6)),
        "graphiti", ("kb-sales", "pgvector", 0.6, 5000), 36000, 20000, 400, 1700, 0.85, 0.35, 3500,
    ),
    AgentSpec(
        "Will Fund", "investor relations and fundraising updates", 0.07,
        (("email", 0.65), ("linkedin", 0.15), ("cockpit", 0.2)),
        (("M09", 1.0),),
        (("claude-sonnet-4-5", 0.9), ("claude-haiku-4-5", 0.1)),
        (("web_search", 0.3), ("doc_render", 0.4), ("notion.query", 0.3)),
        "letta", ("kb-main", "qdrant", 0.5, 4000), 8000, 10000, 300, 2000, 0.45, 0.2,
    ),
    AgentSpec(
        "Atlas", "research and knowledge-base answers", 0.15,
        (("cockpit", 0.55), ("email", 0.25), ("whatsapp", 0.2)),
        (("M02", 0.6), ("M12", 0.4)),
        (("claude-sonnet-4-5", 0.7), ("gemini-2.5-flash", 0.2), ("llama-3.3-70b-instruct", 0.1)),
        (("web_search", 0.4), ("notion.query", 0.6)),
        "graphiti", ("kb-main", "qdrant", 0.95, 26000), 32000, 12000, 400, 2200, 0.7, 0.45, 3500,
    ),
    AgentSpec(
        "Irati", "multilingual voice receptionist", 0.08,
        (("voice", 0.75), ("whatsapp", 0.25)),
        (("M06", 0.7), ("M01", 0.3)),
        (("claude-haiku-4-5", 0.6), ("gpt-4.1-mini", 0.25), ("llama-3.3-70b-instruct", 0.15)),
        (("calendar_book", 0.7), ("crm_lookup", 0.3)),
        "letta", ("", "", 0.0, 0), 12000, 3000, 50, 70, 0.6, 0.1, weekend=1.4, emitter="openllmetry-0.52",
    ),
    AgentSpec(
        "FLOW", "back-office workflow automation and the nightly re-index", 0.04,
        (("cockpit", 0.5), ("email", 0.5)),
        (("M00", 0.7), ("M10", 0.3)),
        (("llama-3.3-70b-instruct", 0.5), ("gpt-4.1-mini", 0.3), ("claude-haiku-4-5", 0.2)),
        (("doc_render", 0.6), ("crm_lookup", 0.4)),
        "", ("", "", 0.0, 0), 6000, 30000, 150, 600, 0.6, 0.35, weekend=0.5, emitter="openllmetry-0.47",
    ),
)  # fmt: skip
AGENT_BY_NAME: Final = {agent.name: agent for agent in AGENTS}


#: The four planted drifts: (layer, name, days before the end when it starts, agent slug, description).
#: 42 calm days separate them; the last ends 18 days before the end so the return to normal is visible.
EPISODES: Final = (
    ("prompt", "RAG context bloat", 200, None,
     "Retrieval top-k raised from 4 to 12 for Sara and Atlas: their uncached input tokens roughly double."),
    ("tool", "New MCP integration: salesforce.query", 144, "sales-cdr",
     "Sales Cdr starts looking up every lead of a cadence step in the new Salesforce MCP server: 20-36 "
     "tools/call spans per tool-calling trace, each with a SOQL query the model writes."),
    ("memory", "Prompt-cache miss spike", 88, None,
     "A prompt-template change breaks the cached prefix: half of all Anthropic calls miss the cache, so cache "
     "reads halve and cache writes (1.25x the input price) grow three- to four-fold; mem0 also re-indexes nightly."),
    ("response", "Will Fund upgraded to Opus with thinking", 32, "will-fund",
     "Will Fund moves from Claude Sonnet 4.5 to Claude Opus 4.6 with extended thinking (32k budget): about 13k "
     "reasoning tokens on every answer."),
)  # fmt: skip
EPISODE_DAYS: Final = 14
#: Agents whose retrieved context bloats in the prompt episode.
BLOATED_AGENTS: Final = frozenset({"Sara", "Atlas"})
