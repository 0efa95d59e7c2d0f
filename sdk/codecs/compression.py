"""Compression codecs: zstd (the ``zstandard`` package) and gzip (the standard library).

Both skip payloads below ``min_size`` and payloads they do not shrink: the envelope
then names no compression, and readers do nothing. Decompression is bounded by
``max_size`` so a small hostile frame cannot expand into gigabytes.
"""

from __future__ import annotations

import zlib
from typing import Any, ClassVar

from swflow.errors import CompressedPayloadCorruptError, MissingDependencyError

from .base import Codec

__all__ = ["DEFAULT_MAX_SIZE", "DEFAULT_MIN_SIZE", "CompressionCodec", "GzipCodec", "ZstdCodec"]

DEFAULT_MIN_SIZE = 512
"""Bytes below which compressing does not pay (headers outweigh the savings)."""

DEFAULT_MAX_SIZE = 2**30
"""Largest payload a reader will decompress: the CLI's bound for out-of-band input."""


class CompressionCodec(Codec):
    """What zstd and gzip share: when to compress, and the bound on decompression."""

    levels: ClassVar[range]

    def __init__(
        self, level: int, *, min_size: int = DEFAULT_MIN_SIZE, max_size: int = DEFAULT_MAX_SIZE
    ) -> None:
        if isinstance(level, bool) or not isinstance(level, int) or level not in self.levels:
            raise ValueError(
                f"{self.name} level must be an int in {self.levels.start}..{self.levels.stop - 1}"
            )
        for value, what in ((min_size, "min_size"), (max_size, "max_size")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{what} must be a non-negative int of bytes, got {value!r}")
        self.level = level
        self.min_size = min_size
        self.max_size = max_size

    def encode(self, data: bytes, context: bytes) -> tuple[str, bytes] | None:
        if len(data) < self.min_size:
            return None
        packed = self.compress(data)
        return (self.name, packed) if len(packed) < len(data) else None

    def reads(self, argument: str) -> bool:
        return not argument  # compression specs carry no argument

    def corrupt(self, why: str) -> CompressedPayloadCorruptError:
        return CompressedPayloadCorruptError(f"{self.name} payload {why}")

    def compress(self, data: bytes) -> bytes:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(level={self.level}, min_size={self.min_size})"


class ZstdCodec(CompressionCodec):
    """Zstandard frames with their content size and a checksum (extra ``[zstd]``)."""

    name = "zstd"
    levels = range(1, 23)

    def __init__(
        self, level: int = 3, *, min_size: int = DEFAULT_MIN_SIZE, max_size: int = DEFAULT_MAX_SIZE
    ) -> None:
        super().__init__(level, min_size=min_size, max_size=max_size)
        zstd = _zstandard()
        self._compressor = zstd.ZstdCompressor(level=level, write_checksum=True)
        self._decompressor = zstd.ZstdDecompressor()

    def compress(self, data: bytes) -> bytes:
        return bytes(self._compressor.compress(data))

    def decode(self, data: bytes, argument: str, context: bytes) -> bytes:
        zstd = _zstandard()
        try:
            size = zstd.frame_content_size(data)
        except zstd.ZstdError:
            raise self.corrupt("is not a zstd frame") from None
        if size < 0:
            raise self.corrupt("frame does not declare its size (swflow always writes it)")
        if size > self.max_size:
            raise self.corrupt(f"would expand to {size:,} bytes, past the {self.max_size:,} bound")
        try:
            return bytes(self._decompressor.decompress(data))
        except zstd.ZstdError as exc:
            raise self.corrupt(f"frame is corrupt: {exc}") from None


class GzipCodec(CompressionCodec):
    """Gzip (RFC 1952) from the standard library: no extra, slower and larger than zstd."""

    name = "gzip"
    levels = range(1, 10)

    def __init__(
        self, level: int = 6, *, min_size: int = DEFAULT_MIN_SIZE, max_size: int = DEFAULT_MAX_SIZE
    ) -> None:
        super().__init__(level, min_size=min_size, max_size=max_size)

    def compress(self, data: bytes) -> bytes:
        packer = zlib.compressobj(self.level, wbits=31)  # 31: a gzip header and trailer
        return packer.compress(data) + packer.flush()

    def decode(self, data: bytes, argument: str, context: bytes) -> bytes:
        unpacker = zlib.decompressobj(wbits=31)
        try:
            out = unpacker.decompress(data, self.max_size + 1)
        except zlib.error as exc:
            raise self.corrupt(f"stream is corrupt: {exc}") from None
        if len(out) > self.max_size:
            raise self.corrupt(f"expands past the {self.max_size:,}-byte bound")
        if not unpacker.eof:
            raise self.corrupt("stream is truncated")
        return out


def _zstandard() -> Any:
    try:
        import zstandard
    except ImportError:
        raise MissingDependencyError("zstandard", "zstd", "ZstdCodec") from None
    return zstandard
