"""The checksums a reference can name: one table, sha256 by default, BLAKE3 by choice.

Every stored payload carries a 256-bit digest that reads verify. sha256 is the default
every swflow reads; BLAKE3 (``pip install 'swflow[blake3]'``) hashes large payloads
several times faster (SIMD, and both halves of a payload on two cores), which is most
of a verified read from a local disk. A store writes the one it is configured with;
any store verifies a reference by the digest the reference names, so a store switched
to BLAKE3 still reads every sha256 reference it wrote before.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any, Protocol

from swflow.errors import MissingDependencyError, UnsafeReferenceError

__all__ = ["DEFAULT_DIGEST", "DIGESTS", "Hasher", "check_digest_name", "digest_hex", "hasher"]

DEFAULT_DIGEST = "sha256"
_THREADED = 2**20  # BLAKE3 splits inputs at least this large across the machine's cores


class Hasher(Protocol):
    """What a running digest offers (hashlib's and blake3's objects alike)."""

    def update(self, data: Any, /) -> Any: ...

    def hexdigest(self) -> str: ...


def _sha256(size: int) -> Hasher:
    return hashlib.sha256()


def _blake3(size: int) -> Hasher:
    try:
        from blake3 import blake3
    except ImportError:
        raise MissingDependencyError("blake3", "blake3", "the BLAKE3 payload digest") from None
    threads = min(os.cpu_count() or 1, 8) if size >= _THREADED else 1
    return blake3(max_threads=threads)


DIGESTS: dict[str, Callable[[int], Hasher]] = {"sha256": _sha256, "blake3": _blake3}
"""Digest name -> a new hasher for a payload of about that many bytes."""


def check_digest_name(name: str) -> str:
    """``name`` if swflow computes that digest, else `UnsafeReferenceError`."""
    if name not in DIGESTS:
        known = ", ".join(DIGESTS)
        raise UnsafeReferenceError(f"unknown payload digest {name[:40]!r}; swflow has {known}")
    return name


def hasher(name: str, size: int = 0) -> Hasher:
    """A new running digest ``name`` for a payload of about ``size`` bytes."""
    return DIGESTS[check_digest_name(name)](size)


def digest_hex(name: str, data: bytes | memoryview) -> str:
    """The lowercase hex digest ``name`` of ``data``."""
    running = hasher(name, len(data))
    running.update(data)
    return running.hexdigest()
