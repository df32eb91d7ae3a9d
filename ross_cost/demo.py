"""The demo workload: months of realistic GenAI traces as OTLP protobuf, with one cost drift per layer.

The bodies go through the same ingest path as real telemetry, so the demo exercises the decoders, the
alias handling and the trace-tree dimension resolution, not a shortcut. Everything derives from
(seed, date): a day's random stream decides who, where and when, and each trace draws its content from
its own stream seeded by its id, so an episode changes only the traces it touches. Growth and episode
dates are anchored to `end`, not to the window's start: a calm date gives the same spans whatever the
number of days, and re-running sends identical spans, which idempotent ingest ignores. A window only
plants the episodes that have their full calm lead-in inside it (see `drift_episodes`).

Who does what is in demo_catalog.py, how spans are spelled in demo_trace.py. The default window holds about
49,000 traces (400,000 spans, under a minute to ingest) and costs about $45 a weekday at list prices at its
start and $80 at its end: bench/demo_layer_profile.py prints the levels per layer and agent and checks the
episodes' sizes.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from ross_cost.demo_catalog import (
    AGENT_BY_NAME,
    AGENTS,
    BLOATED_AGENTS,
    DELIVERY_TOOL,
    EPISODE_DAYS,
    EPISODES,
    MEMORY_STORES,
    MODELS,
    MODULES,
    TENANTS,
    TOOL_TOKENS,
    UNKNOWN_MODEL,
    WEBHOOK_CHANNELS,
    AgentSpec,
    Weighted,
)
from ross_cost.demo_trace import CLIENT, INTERNAL, SERVER, Batch, SpanWriter, TracePlan, attrs

DEMO_END: date = date(2026, 12, 1)
DAILY_GROWTH = 1.0025
WEEKDAY_TRACES_AT_END = 322.0  # about 177 per weekday 240 days before the end
WEEKEND_FACTOR = 0.4
CALM_LEAD_DAYS = 35  # no episode in a window's first 35 days: drift detection needs a baseline
RAG_BLOAT = 3.0  # retrieved-chunk multiplier of the bloated agents in the prompt episode (top-k 4 -> 12)
SALESFORCE_CALLS = (24, 40)  # tools/call spans per Sales Cdr tool turn in the tool episode: one per lead and object


@dataclass(frozen=True)
class DriftEpisode:
    """A planted cost drift. `start` is its first day and `end` the first day back to normal (half-open,
    like the demo window); `agent` is the agent slug when one agent causes it."""

    layer: str
    name: str
    start: date
    end: date
    agent: str | None
    description: str


def drift_episodes(days: int = 240, end: date = DEMO_END) -> list[DriftEpisode]:
    """The episodes planted in the window [end - days, end): those that start after its calm lead-in."""
    first_allowed = end - timedelta(days=days - CALM_LEAD_DAYS)
    found = []
    for layer, name, before_end, agent, description in EPISODES:
        start = end - timedelta(days=before_end)
        if start >= first_allowed:
            found.append(DriftEpisode(layer, name, start, start + timedelta(days=EPISODE_DAYS), agent, description))
    return found


def generate(days: int = 240, seed: int = 7, end: date = DEMO_END, traces_per_batch: int = 400) -> Iterator[bytes]:
    """Serialized OTLP ExportTraceServiceRequest bodies, each holding whole traces, for [end - days, end)."""
    episodes = drift_episodes(days, end)
    batch = Batch()
    for offset in range(days, 0, -1):
        day = end - timedelta(days=offset)
        active = frozenset(e.layer for e in episodes if e.start <= day < e.end)
        for plan in _day_plans(seed, day, end, active):
            _Trace(batch, plan, active).build()
            batch.traces += 1
            if batch.traces >= traces_per_batch:
                yield batch.serialize()
                batch = Batch()
    if batch.traces:
        yield batch.serialize()


# --- the day: how many traces, whose, when ---------------------------------------------------------------


def _trace_id(seed: int, day: date, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}|{day.isoformat()}|{key}".encode(), digest_size=16, person=b"ross-demo").digest()


def _pick(rng: random.Random, weighted: Weighted) -> str:
    """One name drawn by weight."""
    names, cumulative = _cumulative(weighted)
    return names[min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(names) - 1)]


@cache
def _cumulative(weighted: Weighted) -> tuple[tuple[str, ...], list[float]]:
    return tuple(name for name, _ in weighted), list(itertools.accumulate(weight for _, weight in weighted))


def _allocate(rng: random.Random, weighted: Weighted, count: int) -> list[str]:
    """`count` draws whose mix follows the weights to within one each (systematic sampling), shuffled:
    daily mixes wobble like real traffic without sampling noise that would drown a drift."""
    step = sum(weight for _, weight in weighted) / max(count, 1)
    point, cumulative, drawn = rng.random() * step, 0.0, list[str]()
    for name, weight in weighted:
        cumulative += weight
        while point < cumulative and len(drawn) < count:
            drawn.append(name)
            point += step
    drawn += [weighted[-1][0]] * (count - len(drawn))
    rng.shuffle(drawn)
    return drawn


def _rounds_by_model(rng: random.Random, agent: AgentSpec, models: list[str]) -> list[int]:
    """Rounds of tool calls for each of an agent's traces, dealt out per model in the agent's proportions (so
    a day's few Opus traces do not all loop or all answer at once); 0 for models that never call tools."""
    found = [0] * len(models)
    for name in dict.fromkeys(models):
        if MODELS[name].tool_finish:
            positions = [i for i, model in enumerate(models) if model == name]
            for position, rounds in zip(positions, _allocate(rng, agent.tool_rounds, len(positions)), strict=True):
                found[position] = int(rounds)
    return found


_WEEKEND_NORM = sum(agent.share * agent.weekend for agent in AGENTS)
_TENANT_WEIGHTS = tuple((t.tenant_id, 1.0 / (rank + 1) ** 0.9) for rank, t in enumerate(TENANTS))


def _day_plans(seed: int, day: date, end: date, active: frozenset[str]) -> list[TracePlan]:
    """One day's traces in start-time order: agents by share, tenants Zipf, business hours (UTC)."""
    rng = random.Random(int.from_bytes(_trace_id(seed, day, "day")[:8], "big"))
    midnight_ns = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 10**9
    weekend = day.weekday() >= 5
    level = WEEKDAY_TRACES_AT_END * DAILY_GROWTH ** -(end - day).days * (WEEKEND_FACTOR if weekend else 1.0)
    total = level * (1.0 + rng.gauss(0.0, 0.02))
    plans: list[TracePlan] = []
    for agent in AGENTS:
        expected = total * (agent.share * agent.weekend / _WEEKEND_NORM if weekend else agent.share)
        count = int(expected) + (rng.random() < expected - int(expected))
        mixes = (agent.models, agent.channels, agent.modules)
        drawn = list(zip(*(_allocate(rng, mix, count) for mix in mixes), strict=True))
        rounds = _rounds_by_model(rng, agent, [model for model, _, _ in drawn])
        for index, ((drawn_model, channel, module), tool_rounds) in enumerate(zip(drawn, rounds, strict=True)):
            upgraded = "response" in active and agent.name == "Will Fund" and drawn_model == "claude-sonnet-4-5"
            model = MODELS["claude-opus-4-6" if upgraded else drawn_model]
            seconds = min(max(rng.gauss(13.5 * 3600, 3 * 3600), 5.5 * 3600), 21.5 * 3600)
            start_ns, trace_id = midnight_ns + int(seconds * 1e9), _trace_id(seed, day, f"{agent.slug}|{index}")
            tenant = _pick(rng, _TENANT_WEIGHTS)
            plans.append(TracePlan(agent, tenant, channel, module, model, start_ns, trace_id, upgraded, tool_rounds))
    maya = [p for p in plans if p.agent.name == "Maya"]
    if maya and not weekend and rng.random() < 0.8:  # a tenant's own fine-tune on our vLLM: in no price list
        chosen = rng.choice(maya)
        chosen.model, chosen.tenant = MODELS[UNKNOWN_MODEL], "t-acme"
    conversations: dict[tuple[str, str, str], str] = {}
    for plan in sorted(plans, key=lambda p: p.start_ns):
        key = (plan.tenant, plan.agent.name, plan.channel)
        if key in conversations and rng.random() < 0.35:  # a follow-up turn of the same conversation
            plan.conversation = conversations[key]
        else:
            plan.conversation = conversations[key] = "conv-" + plan.trace_id[:8].hex()
    jobs = [("nightly_kb_reindex", 2 * 3600 + k * 420 + rng.uniform(0, 300)) for k in range(2 + (rng.random() < 0.3))]
    if "memory" in active:  # the cache-miss episode also has mem0 re-index every night
        jobs += [("mem0_reindex", 3 * 3600 + 600 * k) for k in range(2)]
    flow, llama = AGENT_BY_NAME["FLOW"], MODELS["llama-3.3-70b-instruct"]
    for shard, (workflow, seconds) in enumerate(jobs):
        start_ns, trace_id = midnight_ns + int(seconds * 1e9), _trace_id(seed, day, f"nightly|{shard}")
        plans.append(TracePlan(flow, "", "", "M00", llama, start_ns, trace_id, nightly=workflow))
    return sorted(plans, key=lambda p: p.start_ns)


# --- what one trace does --------------------------------------------------------------------------------


class _Trace(SpanWriter):
    """One trace: a root, an invoke_agent parent, and the agent's work under it."""

    def build(self) -> None:
        plan, agent = self.plan, self.agent
        if plan.channel in WEBHOOK_CHANNELS:
            root = self.open_container("POST /turn", SERVER, [])
        else:
            workflow = plan.nightly or MODULES[plan.module]
            kvs = attrs(("gen_ai.operation.name", "invoke_workflow"), ("gen_ai.workflow.name", workflow))
            root = self.open_container(f"invoke_workflow {workflow}", INTERNAL, kvs)
        if plan.tenant:
            root.attributes.extend(attrs(("ross.tenant_id", plan.tenant), ("ross.channel", plan.channel)))
            root.attributes.add(key="gen_ai.conversation.id", value=AnyValue(string_value=plan.conversation))
        agent_kvs = attrs(
            ("gen_ai.operation.name", "invoke_agent"),
            ("gen_ai.agent.name", agent.name),
            ("gen_ai.provider.name", self.model.provider),
        )
        agent_span = self.open_container(f"invoke_agent {agent.name}", INTERNAL, agent_kvs)
        if plan.nightly:
            self._nightly()
        else:
            self._turn()
        agent_span.end_time_unix_nano = self.cursor + 2_000_000
        root.end_time_unix_nano = self.cursor + 4_000_000

    def _turn(self) -> None:
        """One conversation turn: recall, retrieve, loop over tool calls, answer, deliver, remember."""
        rng, agent, plan = self.rng, self.agent, self.plan
        if plan.channel == "voice":
            self.tool("voice_transcribe")
        if agent.memory and rng.random() < 0.75:
            self.memory("search_memory", agent.memory)
        context = self.tokens(agent.context)
        source, store, probability, retrieved = agent.retrieval
        if rng.random() < probability:
            self.embeddings(int(rng.uniform(8, 40)))
            kvs = attrs(
                ("gen_ai.operation.name", "retrieval"),
                ("gen_ai.data_source.id", source),
                ("db.system.name", store),
                ("ross.memory_layer", store),
            )
            self.step(f"retrieval {source}", CLIENT, rng.uniform(0.02, 0.09), kvs)
            bloat = RAG_BLOAT if "prompt" in self.active and agent.name in BLOATED_AGENTS else 1.0
            context += int(self.tokens(retrieved) * bloat)
        salesforce = rng.randint(*SALESFORCE_CALLS) * ("tool" in self.active) if agent.name == "Sales Cdr" else 0
        for round_index in range(plan.rounds):
            context += self._tool_round(context, salesforce if round_index == 0 else 0)
        self.chat(context, self.tokens(agent.out_final), final=True)
        if DELIVERY_TOOL[plan.channel] and rng.random() < (0.6 if plan.channel == "linkedin" else 0.92):
            self.tool(DELIVERY_TOOL[plan.channel])
        if agent.memory and rng.random() < 0.35:
            self.memory(MEMORY_STORES[agent.memory], agent.memory)

    def _tool_round(self, context: int, salesforce: int) -> int:
        """A chat that ends in one or two tool calls (plus the Salesforce ones), then the calls; returns the tokens
        the next chat reads on top of `context`: the calls it wrote and what they returned."""
        rng = self.rng
        tools = [_pick(rng, self.agent.tools) for _ in range(1 + (rng.random() < 0.2))]
        written = self.tokens(self.agent.out_tool) + sum(self.tokens(TOOL_TOKENS[tool][0]) for tool in tools)
        returned = sum(self.tokens(TOOL_TOKENS[tool][1]) for tool in tools)
        query, rows = TOOL_TOKENS["salesforce.query"]
        self.chat(context, written + query * salesforce, final=False)
        for tool in tools + ["salesforce.query"] * salesforce:
            self.tool(tool)
        return written + returned + (query + rows) * salesforce

    def _nightly(self) -> None:
        """The tenant-less batch job: re-embed changed documents, consolidate memories, summarise."""
        rng = self.rng
        if self.plan.nightly == "mem0_reindex":
            for _ in range(rng.randint(16, 24)):
                self.memory("upsert_memory", "mem0")
            return
        for _ in range(rng.randint(3, 4)):
            self.embeddings(int(rng.uniform(40_000, 240_000)))
        for _ in range(rng.randint(2, 3)):
            self.memory("upsert_memory", "mem0")
        self.chat(self.tokens(60_000), self.tokens(2_000), final=True)
