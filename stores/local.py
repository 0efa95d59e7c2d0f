"""Local disk: content-addressed files under one root, written atomically."""

from __future__ import annotations

import errno
import os
import tempfile

from swflow.errors import PayloadNotFoundError, PayloadStoreError, UnsafeReferenceError

from .base import DataStore, Ref, check_digest, sha256_hex, verify

__all__ = ["LocalDataStore"]


class LocalDataStore(DataStore):
    """Files under ``root``, named by their sha256 (``root/ab/abcd...``).

    Writes go to a temporary file in the same folder and are renamed into place, so a
    reader never sees a partial payload and concurrent writers of the same content
    cannot clash. A reference can never resolve outside ``root``: its name must be the
    digest it carries, and symlinks inside the store are refused.

    For one machine (development, single-host deployments, tests): processes that
    share payloads must share the folder.

    Args:
        root: folder holding the payloads; created on first write.
        fsync: flush each file to disk before it becomes visible, so a crash cannot
            leave a truncated payload under a valid name. Turn off only for scratch data.
    """

    scheme = "file"

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.root = os.path.abspath(os.fspath(root))
        if "\n" in self.root:
            raise ValueError(f"LocalDataStore root cannot contain a newline: {self.root!r}")
        self.fsync = fsync

    def _path(self, digest: str) -> str:
        return os.path.join(self.root, digest[:2], digest)

    def put(self, data: bytes) -> Ref:
        digest = sha256_hex(data)
        path = self._path(digest)
        ref = Ref(self.scheme, path, len(data), digest)
        try:
            if os.path.getsize(path) == len(data):
                return ref  # content addressed: already there
        except OSError:
            pass
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
            try:
                with open(fd, "wb") as file:
                    file.write(data)
                    if self.fsync:
                        file.flush()
                        os.fsync(file.fileno())
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            raise PayloadStoreError(f"cannot write payload under {self.root}: {exc}") from exc
        return ref

    def get(self, ref: Ref) -> bytes:
        path = self._checked_path(ref)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            raise PayloadNotFoundError(f"no payload at {path}") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UnsafeReferenceError(f"payload {path} is a symlink; refused") from None
            raise PayloadStoreError(f"cannot read payload {path}: {exc}") from exc
        with open(fd, "rb") as file:
            data = file.read()
        return verify(ref, data)

    def _checked_path(self, ref: Ref) -> str:
        """The file ``ref`` names, proven to sit inside this store's root."""
        if ref.scheme != self.scheme:
            raise UnsafeReferenceError(f"LocalDataStore cannot read {ref.scheme!r} references")
        path = self._path(check_digest(ref.sha256))
        if ref.location != path:
            raise UnsafeReferenceError(
                f"reference {ref.location[:200]!r} is not the file {path!r} of this store"
            )
        real_root = os.path.realpath(self.root)
        if os.path.realpath(os.path.dirname(path)) != os.path.join(real_root, ref.sha256[:2]):
            raise UnsafeReferenceError(f"payload folder of {path} leads outside {self.root}")
        return path

    def serves(self, ref: Ref) -> bool:
        return ref.scheme == self.scheme and ref.location.startswith(self.root + os.sep)

    @classmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        digest = check_digest(ref.sha256)
        suffix = os.path.join("", digest[:2], digest)
        root = ref.location.removesuffix(os.sep + suffix)
        if root == ref.location or not os.path.isabs(root):
            raise UnsafeReferenceError(
                f"local reference {ref.location[:200]!r} is not root/{suffix} under an "
                "absolute root"
            )
        return cls(root)

    def __repr__(self) -> str:
        return f"LocalDataStore({self.root!r})"
