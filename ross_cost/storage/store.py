"""The Store: the one object services use to reach the database, on DuckDB and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from ross_cost.query import CostQuery, CostRow
from ross_cost.storage import reads, writes
from ross_cost.storage.engine import create_engine, default_url, describe_failure, parse_url, safe_text
from ross_cost.storage.records import StoredContext, StoreError, WriteBatch
from ross_cost.storage.schema import SCHEMA_VERSION, Schema, build_schema


class Store:
    """Schema, bulk writes and aggregate reads over one database (see the storage section of DESIGN.md)."""

    def __init__(self, engine: Engine, schema: Schema, url: str) -> None:
        self.engine = engine
        self.schema = schema
        self.url = url
        self.dialect: str = engine.dialect.name

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Connect and create missing tables; a StoreError (one sentence) when the database is unusable."""
        parsed = parse_url(url if url is not None else default_url())
        engine = create_engine(parsed)
        schema = build_schema(keyed=parsed.get_backend_name() == "postgresql")
        try:
            with engine.begin() as conn:
                schema.metadata.create_all(conn)
                _insert_meta_if_missing(conn, schema, "schema_version", SCHEMA_VERSION)
        except (sa.exc.SQLAlchemyError, OSError) as error:
            engine.dispose()
            raise StoreError(describe_failure(parsed, error)) from None
        except Exception as error:  # the DuckDB driver raises its own errors before SQLAlchemy wraps them
            engine.dispose()
            if type(error).__module__.split(".")[0] not in ("duckdb", "_duckdb", "psycopg"):
                raise
            raise StoreError(describe_failure(parsed, error)) from None
        return cls(engine, schema, safe_text(parsed))

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                return bool(conn.execute(sa.select(1)).scalar_one() == 1)
        except Exception:
            return False

    def existing_contexts(self, trace_ids: Sequence[str]) -> list[StoredContext]:
        with self.engine.connect() as conn:
            return reads.existing_contexts(conn, self.schema, trace_ids)

    def write_batch(self, batch: WriteBatch) -> None:
        """One transaction: new contexts and lines, late dimension fixes, rejections, one ingest_log row."""
        with self.engine.begin() as conn:
            writes.write_batch(conn, self.schema, batch)

    def replace_tenants(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Replace the tenants table with (tenant_id, name, tier) rows; a repeated id keeps its last row."""
        latest = {tenant_id: (tenant_id, name, tier) for tenant_id, name, tier in rows}
        tenants = self.schema.tenants
        with self.engine.begin() as conn:
            conn.execute(tenants.delete())
            if latest:
                conn.execute(
                    tenants.insert(), [{"tenant_id": t, "name": n, "tier": tier} for t, n, tier in latest.values()]
                )

    def get_meta(self, key: str) -> str | None:
        meta = self.schema.meta
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        meta = self.schema.meta
        upsert = postgresql.insert(meta).values(key=key, value=value)
        with self.engine.begin() as conn:
            conn.execute(upsert.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))

    def cost(self, query: CostQuery) -> list[CostRow]:
        with self.engine.connect() as conn:
            return reads.cost_rows(conn, self.schema, query)

    def day_range(self) -> tuple[date, date] | None:
        """First and last day with usage lines; None for an empty store."""
        lines = self.schema.usage_lines
        with self.engine.connect() as conn:
            first, last = conn.execute(sa.select(sa.func.min(lines.c.day), sa.func.max(lines.c.day))).one()
        return None if first is None else (first, last)

    def line_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(self.schema.usage_lines)).scalar_one())

    def __repr__(self) -> str:
        return f"Store({self.url!r})"


def _insert_meta_if_missing(conn: sa.Connection, schema: Schema, key: str, value: str) -> None:
    meta = schema.meta
    conn.execute(postgresql.insert(meta).values(key=key, value=value).on_conflict_do_nothing())
