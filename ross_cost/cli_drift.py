"""`ross-cost drift` (filled in by the drift issue)."""

from __future__ import annotations
