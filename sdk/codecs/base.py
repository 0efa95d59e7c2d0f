"""What every codec is: a bytes -> bytes transform between serializer and store."""

from __future__ import annotations

import abc
from typing import ClassVar

from swflow.errors import UnknownCodecError

__all__ = ["Codec", "check_spec_token"]

_SPEC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:/@+=-")


def check_spec_token(text: str, what: str) -> str:
    """``text`` if it can sit in an envelope's codec chain (no space, comma or newline)."""
    if not text or len(text) > 256 or not _SPEC_CHARS.issuperset(text):
        raise ValueError(
            f"{what} {text[:80]!r} must be 1-256 characters of letters, digits and ._:/@+=-"
        )
    return text


class Codec(abc.ABC):
    """Transforms a payload's serialized bytes before they are stored, and back.

    The envelope records each codec that ran as its spec (``name`` or
    ``name:argument``), so a reader undoes the chain from the envelope alone: codecs
    without secrets are rebuilt from their spec, keyed codecs need the reader's keys.
    Codecs are stateless apart from their configuration and safe to share between
    threads.
    """

    name: ClassVar[str]
    """Short registered name, e.g. ``"zstd"``: a key of `swflow.codecs.CODECS`."""

    @abc.abstractmethod
    def encode(self, data: bytes, context: bytes) -> tuple[str, bytes] | None:
        """``(spec, transformed bytes)``, or None when the codec does not pay here.

        ``context`` is what the envelope says before this codec (format, serializer,
        field, the codecs that ran first); a codec that authenticates binds it.
        """

    @abc.abstractmethod
    def decode(self, data: bytes, argument: str, context: bytes) -> bytes:
        """Undo `encode`; ``argument`` is the part of its spec after ``name:``.

        Raises:
            PayloadCodecError: a subclass naming what is wrong with ``data``.
        """

    def reads(self, argument: str) -> bool:
        """True when this configured instance can undo ``name:argument``."""
        return True

    @classmethod
    def for_reading(cls, argument: str) -> Codec:
        """A codec built from its spec alone, for a reader given no instance."""
        if argument:
            raise UnknownCodecError(f"codec {cls.name!r} takes no argument, got {argument!r}")
        return cls()
