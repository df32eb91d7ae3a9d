"""Delivering drift alerts to a webhook: Slack-compatible JSON, retried with backoff, never twice per alert.

Each pending alert is claimed in drift_alerts before the POST and marked delivered after it, so a second
evaluation (or a second process) does not resend it, and a failed one stays pending for the next evaluation.
Only 2xx counts as delivered; 408, 429, 5xx and network errors are retried, other 4xx are not (the payload
or the URL is wrong, repeating it now will not help).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ross_cost.drift_config import WebhookConfig
from ross_cost.drift_explain import money, percent
from ross_cost.drift_views import Explanation, series_label
from ross_cost.storage.drift_store import DriftStore, StoredAlert

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
_DIMENSION_NAMES = {"agent_slug": "agent", "module_id": "module", "model": "model", "tenant_id": "tenant",
                    "channel": "channel"}  # fmt: skip


@dataclass(frozen=True)
class SendResult:
    delivered: bool
    attempts: int
    error: str | None = None


@dataclass(frozen=True)
class DeliveryOutcome:
    series_key: str
    first_day: date
    label: str
    delivered: bool
    attempts: int
    error: str | None


#: (url, JSON payload, idempotency key, settings) -> what happened; the default is `send`.
Poster = Callable[[str, dict[str, Any], str, WebhookConfig], SendResult]


def slack_payload(alert: StoredAlert) -> dict[str, Any]:
    """{"text": ..., "blocks": [...]}: the narrative as the notification text, then the numbers and drivers."""
    series = {str(k): str(v) for k, v in json.loads(alert.series).items()}
    label = series_label(tuple(series.items()))
    explanation = Explanation.from_json(alert.explanation) if alert.explanation else None
    narrative = alert.narrative or f"Cost drift on {label} from {alert.first_day.isoformat()}."
    over = percent(alert.excess / alert.baseline_total) if alert.baseline_total else "n/a"
    fields = [
        ("Series", label),
        ("Status", alert.status),
        ("First day over", alert.first_day.isoformat()),
        ("Fired on", alert.fired_on.isoformat()),
        ("Days sustained", str(alert.days_sustained)),
        ("Excess", f"+{money(alert.excess)} ({over} over baseline)"),
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Cost drift: {label}"[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": narrative[:3000]}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{name}*\n{value}"} for name, value in fields]},
    ]
    if explanation and explanation.drivers:
        lines = [
            f"• {_DIMENSION_NAMES.get(d.dimension, d.dimension)} `{d.value}`: +{money(d.excess)} "
            f"({percent(d.share)} of the rise)"
            for d in explanation.drivers
        ]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Drivers*\n" + "\n".join(lines)[:2900]}})
    blocks.append({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"ross-cost genai_4layer_drift · alert {idempotency_key(alert)}"}],
    })
    return {"text": narrative, "blocks": blocks}


def idempotency_key(alert: StoredAlert) -> str:
    """Stable per alert, sent as the Idempotency-Key header for receivers that deduplicate."""
    pairs = json.loads(alert.series)
    return "/".join(f"{k}={v}" for k, v in pairs.items()) + f"@{alert.first_day.isoformat()}"


def send(
    url: str, payload: dict[str, Any], key: str, config: WebhookConfig, sleep: Callable[[float], None] = time.sleep
) -> SendResult:
    """POST the payload, retrying with exponential backoff (base_delay, 2x, 4x ...; Retry-After honoured)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return SendResult(False, 0, f"not an http(s) URL: {url!r}")
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "ross-cost drift", "Idempotency-Key": key}
    error = "not attempted"
    for attempt in range(1, config.attempts + 1):
        wait = config.base_delay * 2 ** (attempt - 1)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=config.timeout) as response:
                response.read()
            return SendResult(True, attempt)
        except urllib.error.HTTPError as problem:
            error = f"HTTP {problem.code} {problem.reason}"
            if problem.code not in RETRYABLE:
                return SendResult(False, attempt, error)
            wait = max(wait, _retry_after(problem.headers.get("Retry-After")))
        except (urllib.error.URLError, OSError) as problem:
            error = f"{type(problem).__name__}: {getattr(problem, 'reason', problem)}"
        if attempt < config.attempts:
            sleep(min(wait, config.max_delay))
    return SendResult(False, config.attempts, error)


def deliver_pending(
    store: DriftStore,
    config: WebhookConfig,
    as_of: date,
    post: Poster | None = None,
    now: Callable[[], datetime] | None = None,
) -> list[DeliveryOutcome]:
    """Deliver every undelivered alert that is open or fired within the lookback, each at most once."""
    if not config.url:
        return []
    post = post or send
    clock = now or _utc_now
    outcomes = []
    for alert in store.pending_delivery(as_of - timedelta(days=config.lookback_days)):
        if config.scope == "layers" and set(json.loads(alert.series)) != {"layer"}:
            continue
        if not store.claim_delivery(alert.series_key, alert.first_day, clock()):
            continue  # another evaluation holds it
        try:
            result = post(config.url, slack_payload(alert), idempotency_key(alert), config)
        except Exception as problem:  # a bug in a custom poster must not leave the claim held
            result = SendResult(False, 1, f"{type(problem).__name__}: {problem}")
        delivered_at = clock() if result.delivered else None
        store.finish_delivery(alert.series_key, alert.first_day, result.attempts, delivered_at, result.error)
        label = series_label(tuple(json.loads(alert.series).items()))
        outcomes.append(
            DeliveryOutcome(alert.series_key, alert.first_day, label, result.delivered, result.attempts, result.error)
        )
    return outcomes


def _retry_after(raw: str | None) -> float:
    try:
        return max(0.0, float(raw)) if raw else 0.0
    except ValueError:
        return 0.0  # an HTTP date: fall back to our own backoff


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
