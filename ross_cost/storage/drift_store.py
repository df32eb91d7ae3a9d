"""Drift alerts with their lifecycle, on DuckDB and PostgreSQL: one row per (series, first day over).

The table lives on its own MetaData and is created on first use, so the core schema does not change.
Re-evaluating upserts the lifecycle columns and never touches the delivery columns; a delivery is claimed
before the webhook is called (a lease, so two evaluations cannot both send) and recorded after it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from ross_cost.storage.schema import money

OPEN, RESOLVED, WITHDRAWN = "open", "resolved", "withdrawn"
#: A claim older than this is taken to be from a process that died mid-delivery.
CLAIM_LEASE = timedelta(minutes=5)

metadata = sa.MetaData()
drift_alerts = sa.Table(
    "drift_alerts",
    metadata,
    sa.Column("series_key", sa.Text(), primary_key=True),  # canonical JSON of the (dimension, value) pairs
    sa.Column("first_day", sa.Date(), primary_key=True),
    sa.Column("layer", sa.String(16), nullable=False),
    sa.Column("series", sa.Text(), nullable=False),  # JSON object {"layer": ..., "agent_slug": ...}
    sa.Column("fired_on", sa.Date(), nullable=False),
    sa.Column("last_over_day", sa.Date(), nullable=False),
    sa.Column("resolved_on", sa.Date(), nullable=True),
    sa.Column("days_sustained", sa.Integer(), nullable=False),
    sa.Column("excess", money(), nullable=False),
    sa.Column("baseline_total", money(), nullable=False),
    sa.Column("peak_ratio", sa.Numeric(12, 4), nullable=False),
    sa.Column("explanation", sa.Text(), nullable=False),  # JSON: drivers and the per-dimension breakdown
    sa.Column("narrative", sa.Text(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("first_seen_at", sa.DateTime(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.Column("delivered_at", sa.DateTime(), nullable=True),
    sa.Column("delivery_attempts", sa.Integer(), nullable=False),
    sa.Column("delivery_claimed_at", sa.DateTime(), nullable=True),
    sa.Column("last_error", sa.Text(), nullable=True),
)
_LIFECYCLE = (
    "layer", "series", "fired_on", "last_over_day", "resolved_on", "days_sustained", "excess", "baseline_total",
    "peak_ratio", "explanation", "narrative", "status", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class AlertRecord:
    """What an evaluation knows about one alert; explanation is JSON text."""

    series_key: str
    first_day: date
    layer: str
    series: str
    fired_on: date
    last_over_day: date
    resolved_on: date | None
    days_sustained: int
    excess: Decimal
    baseline_total: Decimal
    peak_ratio: Decimal
    explanation: str
    narrative: str
    status: str


@dataclass(frozen=True)
class StoredAlert(AlertRecord):
    """A stored alert: the evaluation's record plus its delivery state."""

    first_seen_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    delivery_attempts: int
    delivery_claimed_at: datetime | None
    last_error: str | None


class DriftStore:
    """The drift_alerts table on one engine; get it with `DriftStore.on(engine)` (created once per engine)."""

    _created: ClassVar[weakref.WeakKeyDictionary[Engine, DriftStore]] = weakref.WeakKeyDictionary()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: Serialises this process's writes: DuckDB aborts concurrent updates of one row instead of waiting.
        self.write_lock = threading.Lock()

    @classmethod
    def on(cls, engine: Engine) -> DriftStore:
        with cls._lock:
            found = cls._created.get(engine)
            if found is None:
                with engine.begin() as conn:
                    metadata.create_all(conn)
                found = cls._created[engine] = cls(engine)
            return found

    def upsert(self, records: Sequence[AlertRecord], now: datetime) -> None:
        """Insert new alerts, update the lifecycle of known ones; delivery columns are never overwritten."""
        if not records:
            return
        rows = [
            {**_record_dict(r), "first_seen_at": now, "updated_at": now, "delivery_attempts": 0} for r in records
        ]
        insert = postgresql.insert(drift_alerts)
        statement = insert.on_conflict_do_update(
            index_elements=[drift_alerts.c.series_key, drift_alerts.c.first_day],
            set_={name: insert.excluded[name] for name in _LIFECYCLE},
        )
        with self.write_lock, self.engine.begin() as conn:
            conn.execute(statement, rows)

    def withdraw_missing(
        self, series_keys: Iterable[str], since: date, keep: set[tuple[str, date]], now: datetime
    ) -> int:
        """Mark stored alerts of these series from `since` on that the evaluation no longer finds (late data
        moved or erased the episode): they stay visible as withdrawn and are not delivered."""
        keys = sorted(set(series_keys))
        if not keys:
            return 0
        t = drift_alerts.c
        with self.write_lock, self.engine.begin() as conn:
            found = conn.execute(
                sa.select(t.series_key, t.first_day).where(
                    t.series_key.in_(keys), t.first_day >= since, t.status != WITHDRAWN
                )
            ).all()
            gone = [(k, d) for k, d in found if (k, d) not in keep]
            for key, first_day in gone:
                conn.execute(
                    drift_alerts.update()
                    .where(t.series_key == key, t.first_day == first_day)
                    .values(status=WITHDRAWN, updated_at=now)
                )
        return len(gone)

    def alerts(self, series_keys: Iterable[str] | None = None, include_withdrawn: bool = False) -> list[StoredAlert]:
        """Stored alerts, newest first day first (optionally of some series only)."""
        t = drift_alerts.c
        select = sa.select(drift_alerts).order_by(t.first_day.desc(), t.series_key)
        if series_keys is not None:
            select = select.where(t.series_key.in_(sorted(set(series_keys))))
        if not include_withdrawn:
            select = select.where(t.status != WITHDRAWN)
        with self.engine.connect() as conn:
            return [_stored(row._mapping) for row in conn.execute(select)]

    def pending_delivery(self, fired_since: date) -> list[StoredAlert]:
        """Undelivered alerts that are open or fired on or after `fired_since`, oldest first."""
        t = drift_alerts.c
        select = (
            sa.select(drift_alerts)
            .where(
                t.delivered_at.is_(None),
                t.status != WITHDRAWN,
                sa.or_(t.status == OPEN, t.fired_on >= fired_since),
            )
            .order_by(t.fired_on, t.series_key)
        )
        with self.engine.connect() as conn:
            return [_stored(row._mapping) for row in conn.execute(select)]

    def claim_delivery(self, series_key: str, first_day: date, now: datetime) -> bool:
        """Take the right to deliver one alert: True for exactly one caller while it is undelivered."""
        t = drift_alerts.c
        statement = (
            drift_alerts.update()
            .where(
                t.series_key == series_key,
                t.first_day == first_day,
                t.delivered_at.is_(None),
                sa.or_(t.delivery_claimed_at.is_(None), t.delivery_claimed_at < now - CLAIM_LEASE),
            )
            .values(delivery_claimed_at=now)
        )
        with self.write_lock, self.engine.begin() as conn:
            return bool(conn.execute(statement).rowcount == 1)

    def finish_delivery(
        self, series_key: str, first_day: date, attempts: int, delivered_at: datetime | None, error: str | None
    ) -> None:
        """Record a claimed delivery's outcome and release the claim; a failure leaves it pending."""
        t = drift_alerts.c
        statement = (
            drift_alerts.update()
            .where(t.series_key == series_key, t.first_day == first_day)
            .values(
                delivered_at=delivered_at,
                delivery_attempts=t.delivery_attempts + attempts,
                delivery_claimed_at=None,
                last_error=error,
            )
        )
        with self.write_lock, self.engine.begin() as conn:
            conn.execute(statement)


def _record_dict(record: AlertRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in AlertRecord.__dataclass_fields__}


def _stored(row: Any) -> StoredAlert:
    return StoredAlert(**{name: row[name] for name in StoredAlert.__dataclass_fields__})
