"""Paging: opaque nextPageToken values that carry an offset, and raw event pages."""

from __future__ import annotations

import base64
import json
from typing import Any

from .faults import Fault

__all__ = ["RawEvents", "decode_token", "encode_token", "page", "page_size", "token_number"]


class RawEvents(list[str]):
    """A history page's events as stored JSON text, spliced into the response unparsed."""


def encode_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def decode_token(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, UnicodeDecodeError):
        raise Fault("ValidationException", "Invalid nextPageToken") from None
    if not isinstance(state, dict):
        raise Fault("ValidationException", "Invalid nextPageToken")
    return state


def token_number(state: dict[str, Any], key: str, minimum: int = 0) -> int:
    """A whole number a token carries; anything else is a token we never issued."""
    value = state.get(key)
    if type(value) is not int or value < minimum:
        raise Fault("ValidationException", "Invalid nextPageToken")
    return value


def page_size(p: dict[str, Any]) -> int:
    return int(p.get("maximumPageSize") or 1000)


def page(items: list[Any], p: dict[str, Any]) -> tuple[list[Any], dict[str, str]]:
    """One page of ``items`` and, when more follow, ``{"nextPageToken": ...}``."""
    token = p.get("nextPageToken")
    offset = token_number(decode_token(token), "offset") if token else 0
    size = page_size(p)
    chunk = items[offset : offset + size]
    if offset + size < len(items):
        return chunk, {"nextPageToken": encode_token({"offset": offset + size})}
    return chunk, {}
