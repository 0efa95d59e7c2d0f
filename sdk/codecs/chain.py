"""A chain of codecs: applied in order on write, undone in reverse on read."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from swflow.errors import UnknownCodecError

from .base import Codec

__all__ = ["NO_CODECS", "decode_chain", "encode_chain", "parse_chain"]

NO_CODECS = "-"
"""What an envelope's chain field holds when every codec skipped the payload."""


def _context(prefix: str, specs: Sequence[str]) -> bytes:
    return f"{prefix}\n{','.join(specs)}".encode()


def encode_chain(codecs: Sequence[Codec], data: bytes, prefix: str) -> tuple[list[str], bytes]:
    """The specs of the codecs that ran, and the bytes they made.

    ``prefix`` is the envelope's fixed part (format, serializer, field): each codec
    sees it and the specs before its own as its context.
    """
    specs: list[str] = []
    for codec in codecs:
        done = codec.encode(data, _context(prefix, specs))
        if done is not None:
            spec, data = done
            specs.append(spec)
    return specs, data


def parse_chain(text: str) -> list[tuple[str, str]]:
    """``[(name, argument), ...]`` of an envelope's chain field."""
    if text == NO_CODECS:
        return []
    parts = [spec.partition(":") for spec in text.split(",")]
    if any(not name for name, _, _ in parts):
        raise UnknownCodecError(f"malformed codec chain {text[:200]!r}")
    return [(name, argument) for name, _, argument in parts]


def decode_chain(
    chain: Sequence[tuple[str, str]],
    data: bytes,
    prefix: str,
    reader: Callable[[str, str], Codec],
) -> bytes:
    """Undo ``chain`` (as `parse_chain` gives it); ``reader(name, argument)`` picks codecs."""
    specs = [f"{name}:{argument}" if argument else name for name, argument in chain]
    for index in range(len(chain) - 1, -1, -1):
        name, argument = chain[index]
        data = reader(name, argument).decode(data, argument, _context(prefix, specs[:index]))
    return data
