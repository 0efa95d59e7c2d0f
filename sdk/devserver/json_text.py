"""Compact JSON text for what the devserver writes per request: events, answers, and
the rows of the executions it changed (dataclasses, written field by field).

msgspec writes it ~10x faster than the standard library (an event: 0.5 against 5 us,
three events and two answers a decision round trip). Text holding a lone surrogate
(``"\\ud800"`` sent escaped by a client: JSON allows the escape, UTF-8 cannot carry the
character) is written by the standard library instead, escaped again as it came in.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

__all__ = ["json_text"]

_encode = msgspec.json.Encoder().encode


def json_text(value: Any) -> str:
    """``value`` as compact JSON text (non-ASCII written as itself)."""
    try:
        return _encode(value).decode()
    except UnicodeEncodeError:
        return json.dumps(value, default=vars, separators=(",", ":"))
