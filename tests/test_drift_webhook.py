"""Drift alerts reach a webhook on loopback: Slack-compatible JSON, retried with backoff, exactly once per alert."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from ross_cost import drift_service
from ross_cost.drift_config import DriftConfig, WebhookConfig
from ross_cost.drift_webhook import send
from ross_cost.services import Services, open_services
from ross_cost.storage.drift_store import DriftStore
from tests.drift_store_workload import EPISODE_START, write_days
from tests.webhook_receiver import Receiver, receiving

#: Data up to three weeks after the episode began: its alerts are resolved and within the 30-day lookback.
LOADED_DAYS = range(EPISODE_START + 21)
ALERTS = 3  # the tool layer, sales-cdr's tool series and module M07's


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def config(url: str, **webhook: Any) -> DriftConfig:
    options = {"base_delay": 0.001, "max_delay": 0.01, "scope": "all", **webhook}
    return DriftConfig(webhook=WebhookConfig(url=url, **options))


@pytest.fixture
def services(store_url: str) -> Iterator[Services]:
    opened = open_services(store_url)
    write_days(opened.store, LOADED_DAYS)
    try:
        yield opened
    finally:
        opened.close()


def test_a_failing_receiver_is_retried_with_exponential_backoff_until_it_accepts(receiver: Receiver) -> None:
    receiver.fail_first = 3
    waits: list[float] = []
    settings = WebhookConfig(url=receiver.url, attempts=5, base_delay=0.01, max_delay=1)
    result = send(receiver.url, {"text": "hi"}, "key-1", settings, sleep=waits.append)
    assert (result.delivered, result.attempts) == (True, 4)
    assert waits == [0.01, 0.02, 0.04]
    assert len(receiver.requests) == 4 and receiver.accepted == [{"text": "hi"}]


def test_giving_up_after_the_last_attempt_reports_the_last_error(receiver: Receiver) -> None:
    receiver.fail_first = 10
    result = send(receiver.url, {"text": "hi"}, "k", WebhookConfig(url=receiver.url, attempts=3, base_delay=0))
    assert (result.delivered, result.attempts) == (False, 3) and "500" in (result.error or "")
    assert len(receiver.requests) == 3


def test_a_client_error_is_not_retried(receiver: Receiver) -> None:
    receiver.fail_first, receiver.fail_status = 10, 404
    result = send(receiver.url, {"text": "hi"}, "k", WebhookConfig(url=receiver.url, attempts=4, base_delay=0))
    assert (result.delivered, result.attempts) == (False, 1) and len(receiver.requests) == 1


def test_each_alert_is_delivered_exactly_once_across_repeated_evaluations(
    services: Services, receiver: Receiver
) -> None:
    receiver.fail_first = 1  # the first POST fails and is retried within the same evaluation
    _, first = drift_service.run(services, config=config(receiver.url), deliver=True)
    assert len(first) == ALERTS and all(o.delivered for o in first)
    _, second = drift_service.run(services, config=config(receiver.url), deliver=True)
    report, third = drift_service.run(services, config=config(receiver.url), deliver=True)
    assert second == [] and third == []
    assert len(receiver.accepted) == ALERTS and len(receiver.requests) == ALERTS + 1
    keys = [headers["idempotency-key"] for headers, _ in receiver.requests[1:]]
    assert len(set(keys)) == ALERTS
    assert all(a.delivery and a.delivery.delivered_at for a in report.alerts)
    assert sorted(a.delivery.attempts for a in report.alerts if a.delivery) == [1, 1, 2]


def test_a_failed_delivery_stays_pending_and_is_retried_on_the_next_evaluation(
    services: Services, receiver: Receiver
) -> None:
    receiver.fail_first = 2 * ALERTS  # two attempts per alert, all failing
    _, first = drift_service.run(services, config=config(receiver.url, attempts=2), deliver=True)
    assert len(first) == ALERTS and not any(o.delivered for o in first)
    stored = drift_service.stored_alerts(services)
    assert all(a.delivered_at is None and a.delivery_attempts == 2 and "500" in (a.last_error or "") for a in stored)
    _, second = drift_service.run(services, config=config(receiver.url, attempts=2), deliver=True)
    assert len(second) == ALERTS and all(o.delivered for o in second)
    assert len(receiver.accepted) == ALERTS
    assert all(a.last_error is None and a.delivered_at for a in drift_service.stored_alerts(services))


def test_an_alert_claimed_by_another_evaluation_is_not_sent_again(services: Services, receiver: Receiver) -> None:
    drift_service.run(services, config=config(receiver.url), deliver=False)
    store = DriftStore.on(services.store.engine)
    claimed = store.pending_delivery(date.min)
    assert store.claim_delivery(claimed[0].series_key, claimed[0].first_day, drift_service._now())
    _, outcomes = drift_service.run(services, config=config(receiver.url), deliver=True)
    assert len(outcomes) == ALERTS - 1 and len(receiver.accepted) == ALERTS - 1
    assert not store.claim_delivery(claimed[0].series_key, claimed[0].first_day, drift_service._now())
    later = drift_service._now() + timedelta(minutes=10)  # a claim from a process that died is taken over
    assert store.claim_delivery(claimed[0].series_key, claimed[0].first_day, later)


def test_old_resolved_alerts_are_history_not_notifications(services: Services, receiver: Receiver) -> None:
    _, outcomes = drift_service.run(services, config=config(receiver.url, lookback_days=3), deliver=True)
    assert outcomes == [] and receiver.requests == []


def test_the_layers_scope_posts_only_layer_alerts(services: Services, receiver: Receiver) -> None:
    _, outcomes = drift_service.run(services, config=config(receiver.url, scope="layers"), deliver=True)
    assert [o.label for o in outcomes] == ["tool"] and len(receiver.accepted) == 1


def test_the_payload_is_slack_compatible_json(services: Services, receiver: Receiver) -> None:
    drift_service.run(services, config=config(receiver.url, scope="layers"), deliver=True)
    (headers, body), = receiver.requests
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert set(payload) == {"text", "blocks"}
    assert payload["text"].startswith("Tool spend ran ") and "sales-cdr drove" in payload["text"]
    kinds = [block["type"] for block in payload["blocks"]]
    assert kinds[0] == "header" and kinds[-1] == "context" and set(kinds) <= {"header", "section", "context"}
    header = payload["blocks"][0]["text"]
    assert header["type"] == "plain_text" and len(header["text"]) <= 150
    for block in payload["blocks"][1:-1]:
        texts = [block["text"]] if "text" in block else block["fields"]
        assert len(texts) <= 10 and all(t["type"] == "mrkdwn" and 0 < len(t["text"]) <= 3000 for t in texts)
    flat = json.dumps(payload)
    assert "First day over" in flat and "Excess" in flat and "sales-cdr" in flat
