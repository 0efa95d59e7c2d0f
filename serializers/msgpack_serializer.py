"""msgpack: compact binary, with real bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from swflow.errors import DeserializationError

from .base import Serializer, ValueRules, is_utf8_text

__all__ = ["MsgpackSerializer"]

_MAX_DEPTH = 1_000  # the packer's own limit lies just above
_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1
_HINTS = {
    "int": "msgpack integers range from -2**63 to 2**64-1: pass larger ones as str",
    "set": "msgpack has no sets: pass a sorted list",
    "str": "the string holds a lone surrogate (U+D800-U+DFFF), which is not valid UTF-8",
    "frozenset": "msgpack has no sets: pass a sorted list",
    "datetime": "msgpack timestamps need a timezone-aware datetime (naive times are ambiguous)",
}


def _accepts(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return _INT_MIN <= value <= _INT_MAX
    if isinstance(value, str):
        return is_utf8_text(value)
    if isinstance(value, datetime):
        return value.tzinfo is not None and value.utcoffset() is not None
    return value is None or isinstance(
        value, bool | float | bytes | bytearray | list | tuple | dict
    )


def _accepts_key(key: Any) -> bool:
    if isinstance(key, tuple):
        return all(_accepts_key(item) for item in key)
    return key is None or (_accepts(key) and not isinstance(key, list | dict))


def _hashable(key: Any) -> Any:
    return tuple(_hashable(item) for item in key) if isinstance(key, list) else key


def _pairs_with_tuple_keys(pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
    return {_hashable(key): value for key, value in pairs}


def _refuse_extension(code: int, data: bytes) -> NoReturn:
    raise ValueError(f"extension type {code} is not used by swflow")


_RULES = ValueRules("MsgpackSerializer", _accepts, _accepts_key, _MAX_DEPTH, _HINTS)


class MsgpackSerializer(Serializer):
    """Binary msgpack (bin type on, so ``bytes`` and ``str`` stay apart).

    Accepts ``None``, ``bool``, ``int`` from -2**63 to 2**64-1, ``float`` (NaN and
    Infinity included), ``str``, ``bytes``/``bytearray`` (both come back as ``bytes``),
    ``list``, ``tuple`` (comes back as a list) and ``dict`` with ``str``, ``bytes``,
    ``int``, ``float``, ``bool``, ``None`` or ``tuple`` keys (tuple keys stay tuples),
    nested up to 1,000 levels, and timezone-aware ``datetime`` (msgpack's timestamp
    type; it comes back as the same instant in UTC). Refused with
    `SerializationError`: larger integers, naive datetimes, sets and any other type.
    Decoding refuses every other msgpack extension type: swflow never writes them.
    """

    name = "msgpack"

    def __init__(self) -> None:
        import msgpack

        self._packer_options = {"use_bin_type": True, "datetime": True}
        self._msgpack = msgpack

    def dumps(self, value: Any) -> bytes:
        try:
            packed: bytes = self._msgpack.packb(value, **self._packer_options)
        except (TypeError, ValueError, OverflowError) as exc:
            raise _RULES.refusal(value, exc) from None
        return packed

    def loads(self, data: bytes) -> Any:
        options: dict[str, Any] = {
            "raw": False,
            "strict_map_key": False,
            "use_list": True,
            "ext_hook": _refuse_extension,
            "timestamp": 3,  # datetime in UTC: what dumps took
        }
        try:
            try:
                return self._msgpack.unpackb(data, **options)
            except TypeError:  # a tuple key came back as an unhashable list: slow path
                return self._msgpack.unpackb(
                    data, object_pairs_hook=_pairs_with_tuple_keys, **options
                )
        except Exception as exc:  # msgpack raises a zoo: ValueError, TypeError, StackError...
            raise DeserializationError(
                f"msgpack payload cannot be decoded: {type(exc).__name__}: {exc}",
                serializer=self.name,
            ) from None
