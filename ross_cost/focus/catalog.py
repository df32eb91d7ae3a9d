"""What each usage line kind is, in FOCUS words: service category, subcategory, name, SKU meter, provider.

Classification (allowed values of FOCUS 1.3; one ServiceName maps to exactly one category and subcategory):
- tokens of inference and embeddings: `AI and Machine Learning` / `Generative AI` ("creation of content
  like text ... by learning patterns from existing data"), service "<vendor> Models";
- tool calls: `AI and Machine Learning` / `Bots` ("automated performance of tasks such as customer service,
  data collection ..."): a tool call is the agent acting, not content being generated, and each tool's own
  function (search, code, CRM ...) is unknown to us; service "<vendor> Agent Tools";
- memory operations (vector stores, memory frameworks): `Databases` / `Other (Databases)`: the store's
  core function is keeping and retrieving data, and FOCUS has no vector-database subcategory; pgvector is
  relational, Qdrant or Pinecone are not, so no narrower subcategory fits them all; service
  "<vendor> Agent Memory".
Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ross_cost.model import NOT_APPLICABLE

__all__ = ["Service", "is_internal", "service_of", "sku_meter", "vendor_name"]


@dataclass(frozen=True, slots=True)
class Service:
    category: str
    subcategory: str
    name: str


#: Provider values (the stored `provider` dimension) that mean no outside vendor is involved.
INTERNAL_PROVIDERS = frozenset({NOT_APPLICABLE, "self-hosted", "self_hosted", "internal"})

#: Vendor ids (ross_cost.otel.semconv.VENDOR_OF_PROVIDER values) -> the entity's display name.
VENDOR_NAMES: Mapping[str, str] = {
    "anthropic": "Anthropic",
    "aws": "Amazon Web Services",
    "azure": "Microsoft",
    "cohere": "Cohere",
    "deepseek": "DeepSeek",
    "google": "Google",
    "groq": "Groq",
    "ibm": "IBM",
    "mistral": "Mistral AI",
    "moonshotai": "Moonshot AI",
    "openai": "OpenAI",
    "perplexity": "Perplexity",
    "x-ai": "xAI",
}

SKU_METERS: Mapping[str, str] = {
    "input_uncached": "Input Tokens",
    "cache_read": "Cached Input Tokens",
    "cache_write": "Cache Write Tokens",
    "output_visible": "Output Tokens",
    "reasoning": "Reasoning Tokens",
    "embedding_input": "Embedding Input Tokens",
    "tool_call": "Tool Calls",
    "memory_operation": "Memory Operations",
}

GENERATIVE_AI = ("AI and Machine Learning", "Generative AI")
BOTS = ("AI and Machine Learning", "Bots")
OTHER_DATABASES = ("Databases", "Other (Databases)")


def is_internal(provider: str) -> bool:
    return provider in INTERNAL_PROVIDERS


def vendor_name(provider: str) -> str:
    """The display name of a vendor id; an unknown id (or `unattributed`) is shown as stored."""
    return VENDOR_NAMES.get(provider, provider)


def sku_meter(line_kind: str) -> str:
    return SKU_METERS.get(line_kind, line_kind)


def service_of(line_kind: str, provider_name: str) -> Service:
    """The FOCUS service of one line kind, sold by `provider_name` (a ServiceProviderName)."""
    if line_kind == "tool_call":
        return Service(*BOTS, f"{provider_name} Agent Tools")
    if line_kind == "memory_operation":
        return Service(*OTHER_DATABASES, f"{provider_name} Agent Memory")
    return Service(*GENERATIVE_AI, f"{provider_name} Models")
