"""Local disk: content-addressed files under one root, written atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from typing import BinaryIO

from swflow.errors import (
    PayloadCorruptError,
    PayloadNotFoundError,
    PayloadStoreError,
    UnsafeReferenceError,
)

from .base import DataStore, PipelinedDigest, Ref, check_digest, verify
from .digests import DEFAULT_DIGEST, digest_hex

__all__ = ["LocalDataStore"]

_CHUNK = 8 * 2**20  # above this, hashing runs beside the I/O on a helper thread
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class LocalDataStore(DataStore):
    """Files under ``root``, named by their digest (``root/ab/abcd...``).

    Writes go to a temporary file under ``root`` and are renamed into place, so a
    reader never sees a partial payload and concurrent writers of the same content
    cannot clash. Payloads over 8 MiB are hashed on a helper thread while they are
    written, so the checksum costs no second pass; a repeated put of such a payload
    rewrites the same bytes under the same name. A reference can never resolve outside
    ``root``: its name must be the digest it carries, and symlinks inside the store are
    refused.

    For one machine (development, single-host deployments, tests): processes that
    share payloads must share the folder.

    Args:
        root: folder holding the payloads; created on first write.
        fsync: flush each file to disk before it becomes visible, so a crash cannot
            leave a truncated payload under a valid name. Turn off only for scratch data.
        digest: the checksum new references carry, ``"sha256"`` or ``"blake3"``
            (faster on large payloads; ``pip install 'swflow[blake3]'``, and every
            process that reads them needs it too). References of either are read.
    """

    scheme = "file"

    def __init__(
        self, root: str | os.PathLike[str], *, fsync: bool = True, digest: str = DEFAULT_DIGEST
    ) -> None:
        self.root = os.path.abspath(os.fspath(root))
        if "\n" in self.root:
            raise ValueError(f"LocalDataStore root cannot contain a newline: {self.root!r}")
        self.fsync = fsync
        self._use_digest(digest)

    def _path(self, digest: str) -> str:
        return os.path.join(self.root, digest[:2], digest)

    def put(self, data: bytes) -> Ref:
        if len(data) <= _CHUNK:
            digest = digest_hex(self.algorithm, data)
            if self._holds(digest, len(data)):
                return self._ref(digest, len(data))  # content addressed: already there
        else:
            digest = ""  # large: hashed while the temporary file is written
        try:
            os.makedirs(self.root, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
            try:
                with open(fd, "wb") as file:
                    if digest:
                        file.write(data)
                    else:
                        digest = self._write_hashing(file, data)
                    if self.fsync:
                        file.flush()
                        os.fsync(file.fileno())
                path = self._path(digest)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise PayloadStoreError(f"cannot write payload under {self.root}: {exc}") from exc
        return self._ref(digest, len(data))

    def _write_hashing(self, file: BinaryIO, data: bytes) -> str:
        digest = PipelinedDigest(self.algorithm)
        view = memoryview(data)
        for start in range(0, len(data), _CHUNK):
            chunk = view[start : start + _CHUNK]
            digest.feed(chunk)
            file.write(chunk)
        return digest.hexdigest()

    def _holds(self, digest: str, size: int) -> bool:
        try:
            return os.path.getsize(self._path(digest)) == size
        except OSError:
            return False

    def _ref(self, digest: str, size: int) -> Ref:
        return Ref(self.scheme, self._path(digest), size, digest, self.algorithm)

    def get(self, ref: Ref) -> bytes:
        path = self._checked_path(ref)
        try:  # never follow a link, never block on a FIFO or a device
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
        except FileNotFoundError:
            raise PayloadNotFoundError(f"no payload at {path}") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UnsafeReferenceError(f"payload {path} is a symlink; refused") from None
            raise PayloadStoreError(f"cannot read payload {path}: {exc}") from exc
        with open(fd, "rb", buffering=0) as file:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode):
                raise UnsafeReferenceError(f"payload {path} is not a regular file; refused")
            if found.st_size != ref.size:  # checked before one byte is read
                raise PayloadCorruptError(
                    f"payload at {path} has {found.st_size:,} bytes, the reference says "
                    f"{ref.size:,}: refused unread"
                )
            data = file.read(ref.size + 1)  # +1: a file that grew since is caught below
        return verify(ref, data)  # chunked reads hashed on a helper thread measured no faster

    def _checked_path(self, ref: Ref) -> str:
        """The file ``ref`` names, proven to sit inside this store's root."""
        if ref.scheme != self.scheme:
            raise UnsafeReferenceError(f"LocalDataStore cannot read {ref.scheme!r} references")
        path = self._path(check_digest(ref))
        if ref.location != path:
            raise UnsafeReferenceError(
                f"reference {ref.location[:200]!r} is not the file {path!r} of this store"
            )
        real_root = os.path.realpath(self.root)
        if os.path.realpath(os.path.dirname(path)) != os.path.join(real_root, ref.digest[:2]):
            raise UnsafeReferenceError(f"payload folder of {path} leads outside {self.root}")
        return path

    def serves(self, ref: Ref) -> bool:
        return ref.scheme == self.scheme and ref.location.startswith(self.root + os.sep)

    @classmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        digest = check_digest(ref)
        suffix = os.path.join("", digest[:2], digest)
        root = ref.location.removesuffix(os.sep + suffix)
        if root == ref.location or not os.path.isabs(root):
            raise UnsafeReferenceError(
                f"local reference {ref.location[:200]!r} is not root/{suffix} under an "
                "absolute root"
            )
        return cls(root)

    def __repr__(self) -> str:
        digest = "" if self.algorithm == DEFAULT_DIGEST else f", digest={self.algorithm!r}"
        return f"LocalDataStore({self.root!r}{digest})"
