"""Every attribute name ross-cost reads, with the aliases seen in the wild, in one place.

The GenAI semantic conventions are still `development` and keep renaming keys, so names live here as
data (first key wins, current spelling first) and a rename touches this file only. Sources: the OTel
GenAI conventions v1.41 and the genai repo, OpenLLMetry, OpenLIT, OpenInference, Vercel AI SDK and
Langfuse (see shared/reference/otel-genai.md §2, §4, §6, §9, §10).
"""

from __future__ import annotations

from typing import Final

OPERATION: Final = "gen_ai.operation.name"
PROVIDER_KEYS: Final = ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system", "ai.model.provider")
SERVER_ADDRESS: Final = "server.address"
RESPONSE_MODEL_KEYS: Final = ("gen_ai.response.model", "llm.response.model")
REQUEST_MODEL_KEYS: Final = (
    "gen_ai.request.model",
    "llm.model_name",
    "ai.model.id",
    "langfuse.observation.model.name",
    "llm.request.model",
)
FINISH_REASONS: Final = ("gen_ai.response.finish_reasons", "llm.response.finish_reason")
#: Served-tier keys come first: the requested tier is only what was asked for (pricing-traps.md class 4).
SERVICE_TIER_KEYS: Final = (
    "openai.response.service_tier",
    "gen_ai.openai.response.service_tier",
    "gen_ai.response.service_tier",
    "openai.request.service_tier",
    "gen_ai.openai.request.service_tier",
    "gen_ai.request.service_tier",
)

# --- usage (spec semantics: input includes cache, output includes reasoning) -----------------------
INPUT_TOKENS: Final = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt")
OUTPUT_TOKENS: Final = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion")
CACHE_READ_TOKENS: Final = (
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "gen_ai.usage.prompt_tokens_details.cached_tokens",
    "llm.token_count.prompt_details.cache_read",
    "ai.usage.cachedInputTokens",
)
CACHE_WRITE_TOKENS: Final = (
    "gen_ai.usage.cache_write.input_tokens",
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
    "gen_ai.usage.prompt_tokens_details.cache_creation_tokens",
    "llm.token_count.prompt_details.cache_write",
)
REASONING_TOKENS: Final = (
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.reasoning_tokens",
    "llm.usage.reasoning_tokens",
    "gen_ai.usage.completion_tokens_details.reasoning_tokens",
    "llm.token_count.completion_details.reasoning",
    "ai.usage.reasoningTokens",
)
#: Emitter identification, for the quirks that depend on who produced the span.
TELEMETRY_SDK_NAME: Final = "telemetry.sdk.name"
#: Where thoughts are reported outside the output count (Gemini's native usage block, copied raw).
GEMINI_THOUGHTS_KEYS: Final = ("gen_ai.usage.thoughts_tokens", "gcp.gemini.usage.thoughts_token_count")

# --- tools and memory ---------------------------------------------------------------------------------
TOOL_NAME_KEYS: Final = ("gen_ai.tool.name", "mcp.tool.name", "traceloop.entity.name")
MCP_METHOD_KEYS: Final = ("mcp.method.name", "mcp.method")
MCP_TOOLS_CALL: Final = "tools/call"
DATA_SOURCE_ID: Final = "gen_ai.data_source.id"
MEMORY_STORE_ID: Final = "gen_ai.memory.store.id"
ROSS_MEMORY_LAYER: Final = "ross.memory_layer"
DB_SYSTEM_KEYS: Final = ("db.system.name", "db.system")
TRACELOOP_SPAN_KIND: Final = "traceloop.span.kind"
OPENINFERENCE_SPAN_KIND: Final = "openinference.span.kind"

# --- operations ---------------------------------------------------------------------------------------
INFERENCE_OPERATIONS: Final = frozenset({"chat", "text_completion", "generate_content", "completion", "generate"})
EMBEDDING_OPERATIONS: Final = frozenset({"embeddings", "embedding"})
RETRIEVAL_OPERATIONS: Final = frozenset({"retrieval"})
TOOL_OPERATIONS: Final = frozenset({"execute_tool"})
MEMORY_OPERATIONS: Final = frozenset(
    {
        "search_memory",
        "create_memory",
        "update_memory",
        "upsert_memory",
        "delete_memory",
        "create_memory_store",
        "delete_memory_store",
        "vectordb",
    }
)
CONTAINER_OPERATIONS: Final = frozenset(
    {"invoke_agent", "create_agent", "invoke_workflow", "plan", "handle_conversation_turn"}
)
#: Pre-semconv request types (OpenLLMetry `llm.request.type`) mapped onto operations.
LEGACY_REQUEST_TYPE: Final = "llm.request.type"
LEGACY_REQUEST_TYPES: Final = {"chat": "chat", "completion": "text_completion", "embedding": "embeddings"}
#: Vector stores seen in `db.system`: their operations are memory operations.
VECTOR_STORES: Final = frozenset(
    {"pinecone", "qdrant", "chroma", "weaviate", "milvus", "pgvector", "lancedb", "marqo", "redis", "elasticsearch"}
)

# --- provider normalisation ---------------------------------------------------------------------------
#: Old `gen_ai.system` values renamed in v1.37.
LEGACY_PROVIDER_VALUES: Final = {
    "az.ai.openai": "azure.ai.openai",
    "az.ai.inference": "azure.ai.inference",
    "vertex_ai": "gcp.vertex_ai",
    "gemini": "gcp.gemini",
    "xai": "x_ai",
}
#: Semconv provider value -> the vendor id used for pricing and shown as the `provider` dimension.
VENDOR_OF_PROVIDER: Final = {
    "openai": "openai",
    "anthropic": "anthropic",
    "aws.bedrock": "aws",
    "azure.ai.openai": "azure",
    "azure.ai.inference": "azure",
    "azure": "azure",
    "gcp.gen_ai": "google",
    "gcp.vertex_ai": "google",
    "gcp.gemini": "google",
    "google": "google",
    "cohere": "cohere",
    "perplexity": "perplexity",
    "x_ai": "x-ai",
    "deepseek": "deepseek",
    "groq": "groq",
    "mistral_ai": "mistral",
    "mistral": "mistral",
    "moonshot_ai": "moonshotai",
    "ibm.watsonx.ai": "ibm",
}
#: server.address suffixes -> vendor, for spans that name no provider.
VENDOR_OF_HOST: Final = (
    ("api.openai.com", "openai"),
    (".openai.azure.com", "azure"),
    ("api.anthropic.com", "anthropic"),
    ("generativelanguage.googleapis.com", "google"),
    ("aiplatform.googleapis.com", "google"),
    ("bedrock-runtime.", "aws"),
)
#: Model-name prefixes -> vendor, the last resort.
VENDOR_OF_MODEL_PREFIX: Final = (
    ("claude", "anthropic"),
    ("gpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("text-embedding", "openai"),
    ("gemini", "google"),
    ("text-embedding-0", "google"),
    ("grok", "x-ai"),
    ("mistral", "mistral"),
    ("deepseek", "deepseek"),
)

# --- the six dimensions -------------------------------------------------------------------------------
SERVICE_NAME: Final = "service.name"
#: Per context dimension: tiers of keys, most trusted first. Within a tier, the span and its ancestors
#: come before the resource. Our own `ross.*` keys are tier 0 everywhere.
DIMENSION_TIERS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "tenant_id": (
        ("ross.tenant_id",),
        ("tenant.id",),
        ("langfuse.trace.metadata.tenant_id", "langfuse.trace.metadata.tenant"),
        ("traceloop.association.properties.tenant_id",),
    ),
    "agent_slug": (
        ("ross.agent_slug",),
        ("gen_ai.agent.name",),
        ("gen_ai.agent.id",),
        ("agent.name",),
        ("ross.internal.traceloop_agent",),  # traceloop.entity.name of a traceloop.span.kind=agent span
        ("gen_ai.workflow.name", "traceloop.workflow.name"),
    ),
    "module_id": (
        ("ross.module_id",),
        ("gen_ai.workflow.name", "traceloop.workflow.name"),
        ("langfuse.trace.name",),
    ),
    "channel": (
        ("ross.channel",),
        ("langfuse.trace.metadata.channel",),
        ("traceloop.association.properties.channel",),
    ),
    "conversation_id": (
        ("gen_ai.conversation.id",),
        ("session.id", "langfuse.session.id"),
    ),
}
#: Dimensions that fall back to the resource's service.name when nothing else names them.
SERVICE_NAME_FALLBACK: Final = frozenset({"agent_slug", "module_id"})
TRACELOOP_AGENT_KEY: Final = "ross.internal.traceloop_agent"
