"""Reading the project's data files (price book, tenants) and settings from the environment: I/O at the edge."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import yaml

from ross_cost.price_book import PriceBook, PriceBookError, parse_price_book

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
VALID_TIERS = ("enterprise", "growth", "starter")


class ConfigError(ValueError):
    """A data file or setting is wrong; the message is one sentence naming the file."""


def price_book_path() -> Path:
    return Path(os.environ.get("ROSS_PRICE_BOOK", DATA / "price_book.yaml"))


def tenants_path() -> Path:
    return Path(os.environ.get("ROSS_TENANTS", DATA / "tenants.csv"))


def load_price_book(path: Path | None = None) -> PriceBook:
    path = path or price_book_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read the price book {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"the price book {path} is not valid YAML: {error}") from None
    try:
        return parse_price_book(raw)
    except PriceBookError as error:
        raise ConfigError(f"price book {path}: {error}") from None


def load_tenants(path: Path | None = None) -> list[tuple[str, str, str]]:
    """(tenant_id, name, tier) rows; a missing file means no tenant metadata (tiers show as unattributed)."""
    path = path or tenants_path()
    if not path.exists():
        return []
    rows: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"tenant_id", "name", "tier"} <= set(reader.fieldnames):
            raise ConfigError(f"{path}: the header must have tenant_id, name and tier")
        for number, row in enumerate(reader, start=2):
            tenant, name, tier = ((row[k] or "").strip() for k in ("tenant_id", "name", "tier"))
            if not tenant or tier not in VALID_TIERS:
                raise ConfigError(f"{path} line {number}: needs a tenant_id and a tier among {', '.join(VALID_TIERS)}")
            rows.append((tenant, name or tenant, tier))
    return rows


def max_body_bytes() -> int:
    raw = os.environ.get("ROSS_MAX_BODY_BYTES", str(16 * 1024 * 1024))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"ROSS_MAX_BODY_BYTES must be a whole number of bytes, got {raw!r}") from None
    if value <= 0:
        raise ConfigError("ROSS_MAX_BODY_BYTES must be positive")
    return value


def ingest_token() -> str | None:
    """When set, POST /v1/traces needs `Authorization: Bearer <token>`."""
    return os.environ.get("ROSS_INGEST_TOKEN") or None
