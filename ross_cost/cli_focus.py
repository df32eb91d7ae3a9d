"""`ross-cost export focus` (filled in by the FOCUS issue)."""

from __future__ import annotations
