"""Drift settings from the environment: the rule (threshold, window, duration ...) and the webhook.

Every value has the issue's default, so nothing needs setting; a bad value is a ConfigError naming the
variable, raised when the drift use cases start, not on the first alert.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar
from urllib.parse import urlsplit

from ross_cost.config import ConfigError
from ross_cost.drift import DriftSettings

T = TypeVar("T")
WEBHOOK_SCOPES = ("all", "layers")


@dataclass(frozen=True)
class WebhookConfig:
    """Where and how alerts are posted. No URL, no delivery."""

    url: str | None = None
    attempts: int = 4  # HTTP attempts per evaluation; a failed alert is tried again on the next evaluation
    base_delay: float = 0.5  # seconds before the 2nd attempt; doubles after each failure
    max_delay: float = 30.0  # ceiling on one wait, Retry-After included
    timeout: float = 10.0  # seconds per request
    #: Alerts still open, or fired within this many days of as_of, are delivered; older ones are history.
    lookback_days: int = 30
    #: "all" posts every drifting series (layer, layer x agent, layer x module); "layers" only the four layers.
    scope: str = "layers"  # one message per layer episode; "all" adds every agent and module series

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ConfigError("ROSS_DRIFT_WEBHOOK_ATTEMPTS must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.timeout <= 0:
            raise ConfigError("webhook delays must not be negative and the timeout must be positive")
        if self.lookback_days < 0:
            raise ConfigError("ROSS_DRIFT_WEBHOOK_LOOKBACK_DAYS must not be negative")
        if self.url is not None and urlsplit(self.url).scheme not in ("http", "https"):
            raise ConfigError(f"ROSS_DRIFT_WEBHOOK_URL must be an http(s) URL, got {self.url!r}")
        if self.scope not in WEBHOOK_SCOPES:
            raise ConfigError(f"ROSS_DRIFT_WEBHOOK_SCOPE must be one of {', '.join(WEBHOOK_SCOPES)}")


@dataclass(frozen=True)
class DriftConfig:
    """The rule, how much history to load, and the webhook."""

    settings: DriftSettings = field(default_factory=DriftSettings)
    #: Days of history loaded before as_of: enough for the baseline and for an episode's whole lifecycle.
    history_days: int = 400
    webhook: WebhookConfig = field(default_factory=WebhookConfig)

    def __post_init__(self) -> None:
        minimum = self.settings.window_days + self.settings.sustain_days
        if self.history_days < minimum:
            raise ConfigError(f"ROSS_DRIFT_HISTORY_DAYS must be at least window + duration ({minimum} days)")


def _read(env: Mapping[str, str], name: str, parse: Callable[[str], T], default: T, what: str) -> T:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except (ValueError, InvalidOperation):
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None


def _ratio(raw: str) -> Decimal:
    """'0.2', '20%' or '20 %' -> Decimal('0.2')."""
    text = raw.replace(" ", "")
    if text.endswith("%"):
        return Decimal(text[:-1]) / 100
    return Decimal(text)


def _money(raw: str) -> Decimal:
    return Decimal(raw.lstrip("$"))


def load_config(env: Mapping[str, str] | None = None) -> DriftConfig:
    """Read ROSS_DRIFT_* variables (README, "Drift"); unset ones keep their defaults."""
    env = os.environ if env is None else env
    base, hook = DriftSettings(), WebhookConfig()
    days = "a whole number of days"
    threshold = _read(env, "ROSS_DRIFT_THRESHOLD", _ratio, base.threshold, "a ratio such as 0.20 or 20%")
    window = _read(env, "ROSS_DRIFT_WINDOW_DAYS", int, base.window_days, days)
    sustain = _read(env, "ROSS_DRIFT_SUSTAIN_DAYS", int, base.sustain_days, days)
    resolve = _read(env, "ROSS_DRIFT_RESOLVE_DAYS", int, base.resolve_days, days)
    floor = _read(env, "ROSS_DRIFT_MIN_DAILY_SPEND", _money, base.min_daily_spend, "dollars a day, such as 1.00")
    history = _read(env, "ROSS_DRIFT_MIN_HISTORY_DAYS", int, base.min_history_days, days)
    method = env.get("ROSS_DRIFT_METHOD", "").strip() or base.method
    try:
        settings = DriftSettings(threshold, window, sustain, resolve, floor, method, history)
    except ValueError as problem:
        raise ConfigError(f"drift settings (ROSS_DRIFT_*): {problem}") from None
    webhook = WebhookConfig(
        url=env.get("ROSS_DRIFT_WEBHOOK_URL", "").strip() or None,
        attempts=_read(env, "ROSS_DRIFT_WEBHOOK_ATTEMPTS", int, hook.attempts, "a whole number"),
        base_delay=_read(env, "ROSS_DRIFT_WEBHOOK_BACKOFF_SECONDS", float, hook.base_delay, "seconds"),
        max_delay=_read(env, "ROSS_DRIFT_WEBHOOK_MAX_DELAY_SECONDS", float, hook.max_delay, "seconds"),
        timeout=_read(env, "ROSS_DRIFT_WEBHOOK_TIMEOUT_SECONDS", float, hook.timeout, "seconds"),
        lookback_days=_read(env, "ROSS_DRIFT_WEBHOOK_LOOKBACK_DAYS", int, hook.lookback_days, days),
        scope=env.get("ROSS_DRIFT_WEBHOOK_SCOPE", "").strip() or hook.scope,
    )
    loaded = _read(env, "ROSS_DRIFT_HISTORY_DAYS", int, DriftConfig.history_days, days)
    return DriftConfig(settings, loaded, webhook)
