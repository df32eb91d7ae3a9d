"""The `ross-cost` command line end to end, as a user runs it: real subprocesses, a temp DuckDB file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "otlp"


def cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--db", f"duckdb:///{db}"] if db is not None else []
    return subprocess.run([sys.executable, "-m", "ross_cost.cli", *args, *extra], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=False)


def counts(output: str) -> dict[str, int]:
    found = re.search(r"accepted ([\d,]+) spans .* rejected ([\d,]+), duplicate ([\d,]+)", output)
    assert found, output
    accepted, rejected, duplicate = (int(g.replace(",", "")) for g in found.groups())
    return {"accepted": accepted, "rejected": rejected, "duplicate": duplicate}


def test_ingest_reads_protobuf_json_and_collector_jsonl_files(tmp_path: Path) -> None:
    files = [FIXTURES / name for name in ("sdk_genai.pb", "sdk_genai.json", "sdk_genai.json.gz",
                                          "collector_export.jsonl")]
    first = cli("ingest", *map(str, files), db=tmp_path / "a.duckdb")
    assert first.returncode == 0, first.stderr
    got = counts(first.stdout)
    assert got["accepted"] > 0
    assert got["duplicate"] > 0  # the .pb, .json and .json.gz fixtures hold the same spans


def test_ingesting_the_same_file_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    first = counts(cli("ingest", str(FIXTURES / "sdk_genai.pb"), db=db).stdout)
    second = counts(cli("ingest", str(FIXTURES / "sdk_genai.pb"), db=db).stdout)
    assert second == {"accepted": 0, "rejected": 0, "duplicate": first["accepted"]}


@pytest.mark.parametrize(("args", "message"), [
    (("ingest", "/nonexistent/file.pb"), "is not a readable file"),
    (("ingest", "--db", "mysql://x@y/z", str(FIXTURES / "sdk_genai.pb")), "not supported"),
    (("demo", "--end", "tomorrow"), "not a YYYY-MM-DD date"),
])
def test_user_mistakes_are_one_line_on_stderr_with_a_non_zero_exit(tmp_path: Path, args: tuple[str, ...],
                                                                   message: str) -> None:
    done = cli(*args, db=None if "--db" in args else tmp_path / "c.duckdb")
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr


def test_a_file_that_is_not_otlp_is_reported_not_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pb"
    junk.write_bytes(b"\x0a\xff\xff\xff garbage")
    done = cli("ingest", str(junk), db=tmp_path / "d.duckdb")
    assert done.returncode != 0 and "Traceback" not in done.stderr and done.stderr.startswith("ross-cost: ")


@pytest.mark.slow
def test_demo_loads_through_the_ingest_path_and_rerunning_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    first = cli("demo", "--days", "40", db=db)
    assert first.returncode == 0, first.stderr
    loaded = counts(first.stdout)
    assert loaded["accepted"] > 10_000 and loaded["rejected"] == 0
    again = counts(cli("demo", "--days", "40", db=db).stdout)
    assert again["accepted"] == 0 and again["duplicate"] == loaded["accepted"]
    skipped = cli("demo", "--if-empty", db=db)
    assert skipped.returncode == 0 and "already has data" in skipped.stdout
