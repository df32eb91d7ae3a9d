"""`ross-cost export focus`: FOCUS 1.3 rows for [start, end), the same bytes as GET /api/finops/focus/v1.3.

Writes to stdout or, with -o, to a file that appears only once the export is complete. What was exported, and
the usage left out for want of a price, go to stderr; a user mistake is one sentence there.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from ross_cost.cli import DbOption, _services, export_app, fail, user_errors
from ross_cost.query import QueryError

if TYPE_CHECKING:
    from ross_cost.focus.services import FocusExport

SUFFIX_FORMATS = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json"}


def parse_day(raw: str | None, option: str) -> date:
    if not raw:
        raise QueryError(option, "is required (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise QueryError(option, f"{raw!r} is not a YYYY-MM-DD date") from None


def parse_filters(raw: list[str]) -> dict[str, list[str]]:
    """`KEY=VALUE[,VALUE...]` options, repeatable; values of one key add up (OR), as in the cockpit."""
    filters: dict[str, list[str]] = {}
    for item in raw:
        key, sep, values = item.partition("=")
        parsed = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key.strip() or not parsed:
            raise QueryError("--filter", f"{item!r} is not KEY=VALUE[,VALUE...]")
        filters.setdefault(key.strip(), []).extend(parsed)
    return filters


@contextmanager
def cli_names() -> Iterator[None]:
    """Name options as the command line spells them (`--end: must be after start`)."""
    try:
        yield
    except QueryError as problem:
        message = str(problem).removeprefix(f"{problem.parameter}: ")
        name = problem.parameter if problem.parameter.startswith("-") else f"--{problem.parameter}"
        if name.removeprefix("--") not in ("start", "end", "format", "filter", "group_by", "granularity"):
            name = f"--filter {problem.parameter}"
        raise QueryError(name, message) from None


@export_app.command("focus")
def focus(
    start: Annotated[str | None, typer.Option(help="First day, included (YYYY-MM-DD, UTC).")] = None,
    end: Annotated[str | None, typer.Option(help="Day after the last one, excluded (YYYY-MM-DD).")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, ndjson or json (default: from -o's suffix, else csv).")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="KEY=VALUE[,VALUE...], repeatable: the cockpit's filters (layer, tenant_id, agent_slug, module_id, "
            "model, provider, channel, tenant_tier, tool_name, memory_layer, line_kind).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export FOCUS 1.3 cost and usage rows for [start, end), as the endpoint serves them."""
    from ross_cost.focus.services import focus_query, open_export  # noqa: PLC0415 - keeps --help fast

    with user_errors():
        with cli_names():
            suffix_format = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
            chosen = (fmt or suffix_format or "csv").strip().lower()
            query = focus_query(parse_day(start, "start"), parse_day(end, "end"), parse_filters(filters or []))
            if output is not None and output.is_dir():
                raise IsADirectoryError(f"{output} is a folder; give -o a file name")
            started = time.perf_counter()
            export = open_export(_services(db), query, chosen)
        if output is None:
            _to_stdout(export)
        else:
            _to_file(export, output)
        _summary(export, output, time.perf_counter() - started)


def _to_file(export: FocusExport, output: Path) -> None:
    """Write next to the target, then rename: a failed export leaves no half-written file."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as handle:
            _write(export, handle)
        partial.replace(output)
    except OSError as problem:
        raise fail(f"cannot write {output}: {problem.strerror or problem}.") from None
    finally:
        partial.unlink(missing_ok=True)


def _to_stdout(export: FocusExport) -> None:
    try:
        _write(export, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def _write(export: FocusExport, handle: IO[bytes]) -> None:
    chunks = export.chunks()
    try:
        for chunk in chunks:
            handle.write(chunk)
    finally:
        chunks.close()  # stops the export's threads and frees the connection if writing failed


def _summary(export: FocusExport, output: Path | None, seconds: float) -> None:
    tally = export.tally
    where = str(output) if output is not None else "stdout"
    typer.echo(
        f"ross-cost: {tally.rows:,} FOCUS 1.3 rows ({export.fmt}) for {export.query.start} to {export.query.end} "
        f"(end excluded) to {where} in {seconds:.1f} s; EffectiveCost total {tally.effective_cost:f} "
        f"{export.settings.billing_currency}.",
        err=True,
    )
    quantity = ", ".join(f"{q:,} {unit}" for unit, q in sorted(tally.unpriced_quantity.items()))
    reasons = ", ".join(f"{reason} ×{lines:,}" for reason, lines in sorted(tally.unpriced_reasons.items()))
    detail = f" ({quantity}; {reasons}): counted, not exported" if tally.unpriced_lines else ""
    typer.echo(f"ross-cost: {tally.unpriced_lines:,} unpriced usage lines left out{detail}.", err=True)
