"""JSON: the default, human-readable in the SWF console."""

from __future__ import annotations

import json
import math
from typing import Any

from swflow.errors import DeserializationError

from .base import Serializer, ValueRules, is_utf8_text

__all__ = ["JsonSerializer", "has_surrogate_escape", "strict_json_decoder"]

_MAX_DEPTH = 900  # reported depth; the C encoder stops near the recursion limit (1,000)
_HINTS = {
    "bytes": "JSON has no bytes: use MsgpackSerializer, or base64 the value yourself",
    "bytearray": "JSON has no bytes: use MsgpackSerializer, or base64 the value yourself",
    "set": "JSON has no sets: pass a sorted list",
    "frozenset": "JSON has no sets: pass a sorted list",
    "float": "JSON has no NaN or Infinity: use None or MsgpackSerializer",
    "str": "the string holds a lone surrogate (U+D800-U+DFFF), which is not valid UTF-8",
}


def _accepts(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return is_utf8_text(value)
    return value is None or isinstance(value, bool | int | list | tuple | dict)


def _accepts_key(key: Any) -> bool:
    if isinstance(key, str):
        return is_utf8_text(key)
    return key is None or isinstance(key, int | float | bool)


_RULES = ValueRules("JsonSerializer", _accepts, _accepts_key, _MAX_DEPTH, _HINTS)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text[:40]} overflows a float")
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:100]!r}")
            seen.add(key)
    return out


def strict_json_decoder() -> json.JSONDecoder:
    """A decoder symmetric with the encoder: what it refuses to write is refused here.

    ``NaN``, ``Infinity``, numbers that overflow to infinity and duplicate keys are
    refused; lone surrogates are caught by `check_surrogates` (escapes only).
    """
    return json.JSONDecoder(
        parse_constant=_no_constants, parse_float=_finite, object_pairs_hook=_unique_keys
    )


def has_surrogate_escape(text: str) -> bool:
    """True when ``text`` holds a ``\\uD800``-``\\uDFFF`` escape (a pair or a lone half)."""
    return "\\ud" in text or "\\uD" in text


def check_surrogates(value: Any) -> None:
    """ValueError if a decoded string holds a lone surrogate (UTF-8 cannot carry it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_utf8_text(item):
                raise ValueError("a string holds a lone surrogate (\\uD800-\\uDFFF)")
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class JsonSerializer(Serializer):
    """Compact UTF-8 JSON through the standard library's C encoder.

    Accepts ``None``, ``bool``, ``int`` (any size), finite ``float``, ``str``, ``list``,
    ``tuple`` and ``dict``, nested up to about 900 levels (Python's recursion limit).
    It follows JSON's own rules, so some values come back changed: tuples come back as
    lists, and non-string dict keys (``int``, ``float``, ``bool``, ``None``) come back
    as strings, as JSON allows only string keys. Refused with `SerializationError`:
    ``bytes`` (use msgpack), sets, NaN and Infinity (not JSON), strings holding lone
    surrogates, circular references and any other type.
    """

    name = "json"
    is_text = True

    def __init__(self) -> None:
        self._encoder = json.JSONEncoder(
            ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=True
        )
        self._decoder = strict_json_decoder()

    def dumps(self, value: Any) -> bytes:
        try:
            return self._encoder.encode(value).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:
            raise _RULES.refusal(value, exc) from None

    def loads(self, data: bytes | str) -> Any:
        try:
            text = data if isinstance(data, str) else bytes(data).decode("utf-8")
            value = self._decoder.decode(text)
            if has_surrogate_escape(text):  # rare: only escapes can make a lone one
                check_surrogates(value)
            return value
        except UnicodeDecodeError as exc:
            raise DeserializationError(
                f"JSON payload is not UTF-8: {exc.reason} at byte {exc.start}", serializer=self.name
            ) from None
        except json.JSONDecodeError as exc:
            raise DeserializationError(
                f"JSON payload is not valid JSON: {exc.msg} at line {exc.lineno} "
                f"column {exc.colno}",
                serializer=self.name,
            ) from None
        except RecursionError:
            raise DeserializationError(
                "JSON payload is nested too deeply to decode", serializer=self.name
            ) from None
        except ValueError as exc:  # NaN, Infinity, overflow, duplicate keys, lone surrogates
            raise DeserializationError(
                f"JSON payload is not valid JSON: {exc}", serializer=self.name
            ) from None
