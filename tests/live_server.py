"""Start `ross-cost serve` as a real subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    db_url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def live_server(db_path: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[LiveServer]:
    port = free_port()
    db_url = f"duckdb:///{db_path}"
    log = db_path.with_suffix(".log")
    full_env = {**os.environ, "ROSS_DB_URL": db_url, **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ross_cost.cli", "serve", "--port", str(port)],
            cwd=REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy after {timeout} s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield LiveServer(base, db_url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
