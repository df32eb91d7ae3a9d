"""Shared fixtures: a throwaway PostgreSQL cluster for the session, and a fresh Store per test on each engine.

The cluster is started here (initdb + pg_ctl on a free loopback port, socket in its own temp folder) and
stopped and deleted at the end, even when tests fail. Without PostgreSQL binaries the PostgreSQL cases
skip, unless CI=true or ROSS_REQUIRE_PG=1 asks for them to fail instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ross_cost.storage import Store

ENGINES = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_required() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get("ROSS_REQUIRE_PG") == "1"


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    preferred = [p for p in found if Path(p).parts[-3] == "15"]
    chosen = preferred or found[-1:]
    return Path(chosen[0]).parent if chosen else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of the `postgres` database of a throwaway PostgreSQL cluster (superuser, trust auth)."""
    bindir = _pg_bindir()
    if bindir is None:
        reason = "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb)"
        if _pg_required():
            pytest.fail(f"{reason}, and CI / ROSS_REQUIRE_PG requires PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root = Path(tempfile.mkdtemp(prefix="ross-pg-"))
    data = root / "data"
    try:
        if as_postgres:
            shutil.chown(root, "postgres", "postgres")
        _run(
            [
                *as_postgres,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run(
            [
                *as_postgres,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "server.log"),
                "-w",
                "-t",
                "30",
                "-o",
                options,
                "start",
            ]
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database: a DuckDB file in tmp_path, or a new PostgreSQL database dropped after."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'store.duckdb'}"
        return
    admin_url = sa.make_url(request.getfixturevalue("pg_url"))
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh empty Store on each engine (the test runs once per engine)."""
    opened = Store.open(store_url)
    try:
        yield opened
    finally:
        opened.close()
