"""The one table of codecs, and codec chains in envelopes resolved through it."""

from __future__ import annotations

from swflow.errors import UnknownCodecError

from .aes_gcm import AesGcmCodec
from .base import Codec
from .compression import GzipCodec, ZstdCodec

__all__ = ["CODECS", "codec_class", "register_codec"]

CODECS: dict[str, type[Codec]] = {
    ZstdCodec.name: ZstdCodec,
    GzipCodec.name: GzipCodec,
    AesGcmCodec.name: AesGcmCodec,
}
"""Name -> class. Each imports its third-party library only when instantiated."""


def register_codec(cls: type[Codec]) -> type[Codec]:
    """Make ``cls`` readable by name from envelopes (``cls.name``); usable as a decorator.

    Raises:
        ValueError: another class is registered under that name.
    """
    known = CODECS.get(cls.name)
    if known is not None and known is not cls:
        raise ValueError(f"codec name {cls.name!r} is taken by {known.__qualname__}")
    CODECS[cls.name] = cls
    return cls


def codec_class(name: str) -> type[Codec]:
    """The codec class registered as ``name``, else `UnknownCodecError`."""
    cls = CODECS.get(name)
    if cls is None:
        known = ", ".join(sorted(CODECS))
        raise UnknownCodecError(f"no codec is registered as {name!r} (known: {known})")
    return cls
