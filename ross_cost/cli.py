"""`ross-cost`: the command line, thin over the same services as the API and the cockpit.

User mistakes end as one sentence on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ross_cost.config import ConfigError
from ross_cost.ingest import IngestResult
from ross_cost.otel.decode import DecodeError
from ross_cost.query import QueryError
from ross_cost.storage import StoreError

if TYPE_CHECKING:
    from ross_cost.services import Services

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="FinOps cockpit for LLM spend: OTel GenAI traces in, 4-layer x 6-dimension cost out.")
export_app = typer.Typer(no_args_is_help=True, help="Export cost data.")
app.add_typer(export_app, name="export")

DB_HELP = "Database URL (default: ROSS_DB_URL, else data/ross-cost.duckdb)."
DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP)]
T = TypeVar("T")
USER_ERRORS = (ConfigError, StoreError, DecodeError, QueryError, FileNotFoundError, IsADirectoryError)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"ross-cost: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except USER_ERRORS as problem:
        raise fail(str(problem).rstrip(".") + ".") from None


def progress(items: Iterable[T], label: str, length: int | None = None) -> ContextManager[Iterable[T]]:
    """A progress bar on an interactive terminal; silence in pipes and logs, so stderr stays for errors."""
    if not sys.stderr.isatty():
        return nullcontext(items)
    return typer.progressbar(items, length=length, label=label, file=sys.stderr)


def _services(db: str | None) -> Services:
    from ross_cost import services  # imported late: keeps --help fast

    return services.current(db)


def print_counts(result: IngestResult, seconds: float, out: Callable[[str], None] = typer.echo) -> None:
    rate = (result.accepted + result.duplicate) / seconds if seconds > 0 else 0.0
    out(f"accepted {result.accepted:,} spans ({result.lines:,} usage lines), "
        f"rejected {result.rejected:,}, duplicate {result.duplicate:,} in {seconds:.1f} s ({rate:,.0f} spans/s)")
    for reason, count in result.reasons.most_common(10):
        out(f"  rejected {count:,} × {reason}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the cockpit, the API and the OTLP receiver.")] = 8501,
    db: DbOption = None,
) -> None:
    """Serve the cockpit at /, the API and the OTLP/HTTP receiver (/v1/traces) in one process."""
    from ross_cost.server import serve as run_server

    with user_errors():
        typer.echo(f"ross-cost: cockpit on http://{host}:{port}/ , OTLP/HTTP receiver on http://{host}:{port}/v1/traces")
        run_server(host, port, db)


@app.command()
def demo(
    days: Annotated[int, typer.Option(min=35, max=730, help="Days of history.")] = 240,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data.")] = 7,
    end: Annotated[str | None, typer.Option(help="Last day + 1 (YYYY-MM-DD); default the demo's fixed anchor.")] = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when the store already has data.")] = False,
    db: DbOption = None,
) -> None:
    """Generate the demo workload as OTLP and ingest it through the real receiver path."""
    from ross_cost import demo as demo_workload

    with user_errors():
        try:
            end_day = date.fromisoformat(end) if end else demo_workload.DEMO_END
        except ValueError:
            raise QueryError("--end", f"{end!r} is not a YYYY-MM-DD date") from None
        svc = _services(db)
        if if_empty and svc.store.line_count() > 0:
            typer.echo("ross-cost: the store already has data; demo not loaded.")
            return
        total, started = IngestResult(), time.perf_counter()
        batches = demo_workload.generate(days=days, seed=seed, end=end_day)
        with progress(batches, f"demo ({days} days, seed {seed})") as bar:
            for result in svc.ingest_bodies(bar, "application/x-protobuf", "demo"):
                total.add(result)
        print_counts(total, time.perf_counter() - started)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="OTLP files: protobuf, OTLP JSON, or JSON lines of requests.")],
    db: DbOption = None,
) -> None:
    """Ingest OTLP trace files and print what was accepted, rejected or already there."""
    with user_errors():
        for path in paths:
            if not path.is_file():
                raise FileNotFoundError(f"{path} is not a readable file")
        svc = _services(db)
        total, started = IngestResult(), time.perf_counter()
        with progress(paths, "ingest", len(paths)) as bar:
            for path in bar:
                for result in svc.ingest_file(path):
                    total.add(result)
        print_counts(total, time.perf_counter() - started)
        if total.accepted == 0 and total.rejected > 0:
            raise typer.Exit(1)


from ross_cost import cli_drift, cli_focus  # noqa: E402, F401 - they register their commands on `app`


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m ross_cost.cli`: run the importable module, where commands registered
    from ross_cost.cli import main as registered_main

    registered_main()
