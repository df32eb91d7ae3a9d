"""Turn a database URL into a working SQLAlchemy engine, or into one sentence saying why not."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from ross_cost.storage.records import StoreError

SUPPORTED = ("duckdb", "postgresql")
_URL_HINT = "use duckdb:///path/to/file.duckdb or postgresql+psycopg://user@host/db"
#: Seconds to wait for a PostgreSQL server before calling it unreachable (libpq waits forever by default).
CONNECT_TIMEOUT = 5


def default_url() -> str:
    """ROSS_DB_URL, else the embedded DuckDB file under <repo>/data/."""
    env = os.environ.get("ROSS_DB_URL", "").strip()
    if env:
        return env
    repo = Path(__file__).resolve().parents[2]
    return f"duckdb:///{repo / 'data' / 'ross-cost.duckdb'}"


def parse_url(raw: str) -> URL:
    """Parse and normalise: `postgres://` and `postgresql://` (as Supabase hands them out) mean psycopg 3."""
    try:
        url = sa.make_url(raw)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(f"{raw!r} is not a database URL; {_URL_HINT}.") from None
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    backend = url.get_backend_name()
    if backend not in SUPPORTED:
        raise StoreError(f"Database type {backend!r} is not supported; {_URL_HINT}.")
    if backend == "postgresql" and url.get_driver_name() != "psycopg":
        raise StoreError(f"PostgreSQL driver {url.get_driver_name()!r} is not supported; {_URL_HINT}.")
    return url


def safe_text(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def one_sentence(reason: str) -> str:
    """The first line of a driver message, cut at its first full stop, without a trailing period."""
    lines = [line.strip() for line in reason.strip().splitlines() if line.strip()]
    first = lines[0] if lines else "unknown error"
    first = first.split(". ", 1)[0].rstrip(" .")
    return first


def describe_failure(url: URL, error: BaseException) -> str:
    """One sentence for a failure to open or reach the database."""
    reason = str(getattr(error, "orig", None) or error)
    where = safe_text(url)
    if url.get_backend_name() == "duckdb":
        path = url.database or ":memory:"
        if "lock" in reason.lower():
            return (
                f"The DuckDB file {path} is in use by another process (DuckDB allows one process per file); "
                "stop that process or point --db / ROSS_DB_URL elsewhere."
            )
        if "not a valid duckdb" in reason.lower() or "database file" in reason.lower():
            return f"The file {path} exists but is not a DuckDB database; point --db / ROSS_DB_URL elsewhere."
        return f"Cannot open the DuckDB file {path}: {one_sentence(reason)}."
    return f"Cannot connect to the database at {where}: {one_sentence(reason)}."


def create_engine(url: URL) -> Engine:
    """An engine for a parsed URL; the DuckDB file's folder is created if missing."""
    if url.get_backend_name() == "duckdb":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("md:"):
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"Cannot create the folder for the DuckDB file {database}: {error.strerror}."
                ) from None
        return sa.create_engine(url)
    connect_args: dict[str, object] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
