"""Amazon S3 through s3fs: content-addressed objects under a prefix."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

from swflow.errors import (
    MissingDependencyError,
    PayloadCorruptError,
    PayloadNotFoundError,
    PayloadStoreError,
    UnsafeReferenceError,
)

from .base import DataStore, PipelinedDigest, Ref, check_digest, verify
from .digests import DEFAULT_DIGEST, digest_hex

__all__ = ["S3DataStore"]

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_CHECKSUMS_WHEN_REQUIRED = {
    "request_checksum_calculation": "when_required",
    "response_checksum_validation": "when_required",
}
_READ_CHUNK = 4 * 2**20
# Reads of objects over _PART fetch parts of that size, _PARTS_AT_ONCE at a time: one S3
# stream tops out well below a host's bandwidth. Below it one GET is faster: moto's server
# copies the whole object for every ranged GET (8 MB parts of 50 MB: 32-40% of one
# stream's speed, measured), and a smaller payload gains little from parallel streams.
_PART = 64 * 2**20
_PARTS_AT_ONCE = 4
# One PUT up to this size; beyond it s3fs uploads parts concurrently.
_SINGLE_PUT_LIMIT = 256 * 2**20


class S3DataStore(DataStore):
    """Objects in ``bucket`` named ``prefix + digest``, through s3fs.

    Credentials, region and endpoint come from the usual AWS chain (``AWS_PROFILE``,
    ``AWS_ENDPOINT_URL_S3``, ...), or from ``s3fs_options`` (passed to
    ``s3fs.S3FileSystem``, e.g. ``client_kwargs={"endpoint_url": ...}``). A reader that
    meets an ``s3://`` reference without a configured store for that bucket uses the
    default chain.

    Every payload carries a digest that reads verify, so botocore's per-request CRC32
    checksums are off by default (``config_kwargs`` in ``s3fs_options`` turns them on).

    Args:
        bucket: an existing bucket.
        prefix: key prefix, e.g. ``"results/"``.
        digest: the checksum new references carry, ``"sha256"`` or ``"blake3"`` (see
            `LocalDataStore`). References of either are read.
        **s3fs_options: options for ``s3fs.S3FileSystem``.
    """

    scheme = "s3"

    def __init__(
        self, bucket: str, prefix: str = "", *, digest: str = DEFAULT_DIGEST, **s3fs_options: Any
    ) -> None:
        if not _BUCKET.match(bucket):
            raise ValueError(f"S3DataStore: {bucket!r} is not a valid S3 bucket name")
        if prefix.startswith("/") or "\n" in prefix:
            raise ValueError(
                f"S3DataStore: prefix {prefix!r} must not start with / or hold newlines"
            )
        self.bucket = bucket
        self.prefix = prefix
        self._use_digest(digest)
        options: dict[str, Any] = {"skip_instance_cache": True, **s3fs_options}
        # swflow verifies a digest of every payload end to end, so botocore's own CRC32 of
        # each body is redundant work (a third of the upload time): on only when required.
        options["config_kwargs"] = {**_CHECKSUMS_WHEN_REQUIRED, **options.get("config_kwargs", {})}
        self.s3fs_options = options
        self._fs: Any = None
        self._lock = threading.Lock()

    @property
    def filesystem(self) -> Any:
        """The s3fs filesystem, created on first use."""
        with self._lock:
            if self._fs is None:
                try:
                    import s3fs
                except ImportError:
                    raise MissingDependencyError("s3fs", "s3", "S3DataStore") from None
                self._fs = s3fs.S3FileSystem(**self.s3fs_options)
            return self._fs

    def _key(self, digest: str) -> str:
        return f"{self.prefix}{digest}"

    def put(self, data: bytes) -> Ref:
        digest = digest_hex(self.algorithm, data)
        key = self._key(digest)
        try:
            self.filesystem.pipe_file(
                f"{self.bucket}/{key}", data, chunksize=_SINGLE_PUT_LIMIT // 2
            )
        except FileNotFoundError as exc:
            raise PayloadNotFoundError(f"S3 bucket {self.bucket!r} does not exist: {exc}") from exc
        except MissingDependencyError:
            raise
        except Exception as exc:
            raise PayloadStoreError(f"cannot write s3://{self.bucket}/{key}: {exc}") from exc
        return Ref(self.scheme, f"s3://{self.bucket}/{key}", len(data), digest, self.algorithm)

    def get(self, ref: Ref) -> bytes:
        key = self._checked_key(ref)
        filesystem = self.filesystem
        try:
            from fsspec.asyn import sync

            data, digest = sync(filesystem.loop, self._read_hashing, filesystem, key, ref)
        except FileNotFoundError as exc:
            raise PayloadNotFoundError(f"no payload at {ref.location} ({exc})") from None
        except (PayloadCorruptError, MissingDependencyError):
            raise
        except Exception as exc:
            raise PayloadStoreError(f"cannot read {ref.location}: {exc}") from exc
        return verify(ref, data, digest)

    async def _read_hashing(self, filesystem: Any, key: str, ref: Ref) -> tuple[bytes, str]:
        """The object in parts fetched concurrently, hashed in order as they arrive.

        The first ranged GET brings the first part and the object's size (checked before
        anything else is read) and ETag; the other parts are GETs of the same ETag
        (``IfMatch``), at most `_PARTS_AT_ONCE` in flight. Ranges bound what a longer
        object could make us download. The digest the reference names runs on a helper
        thread (`PipelinedDigest`) while later parts download. Runs on s3fs's event loop;
        ``_call_s3`` maps S3 errors to OSErrors as ``cat_file`` does.
        """
        size = ref.size
        first_end = min(size, _PART) - 1 if size > _PART else size  # +1 byte: longer is caught
        digest = PipelinedDigest(ref.algorithm)
        try:
            first, etag = await self._part(
                filesystem, key, 0, first_end, size=size, etag=None, digest=digest
            )
            if size <= _PART:
                return first, digest.hexdigest()
            starts = range(_PART, size, _PART)
            gate = asyncio.Semaphore(_PARTS_AT_ONCE)

            async def part(start: int) -> bytes:
                async with gate:
                    end = min(start + _PART, size) - 1
                    return (await self._part(filesystem, key, start, end, size=size, etag=etag))[0]

            parts: list[bytes] = [first]
            tasks = [asyncio.ensure_future(part(start)) for start in starts]
            try:
                for task in tasks:  # in order: each is hashed as soon as those before it are
                    parts.append(await task)
                    digest.feed(parts[-1])
            finally:
                for task in tasks:
                    task.cancel()
            return b"".join(parts), digest.hexdigest()
        finally:
            digest.close()

    async def _part(
        self,
        filesystem: Any,
        key: str,
        start: int,
        end: int,
        *,
        size: int,
        etag: str | None,
        digest: PipelinedDigest | None = None,
    ) -> tuple[bytes, str | None]:
        """Bytes ``start..end`` of the object (its ETag with them), which must be ``size``
        bytes long; fed to ``digest`` chunk by chunk as they arrive, if given."""
        ranged = {"Range": f"bytes={start}-{end}"} if size else {}
        if etag is not None:
            ranged["IfMatch"] = etag  # every part from one version of the object
        response = await filesystem._call_s3("get_object", Bucket=self.bucket, Key=key, **ranged)
        body = response["Body"]
        chunks = []
        try:
            total = _object_size(response)
            if total != size:
                raise PayloadCorruptError(
                    f"payload at s3://{self.bucket}/{key} has {total:,} bytes, the reference "
                    f"says {size:,}: refused unread"
                )
            read, limit = 0, end - start + 1
            while read <= limit and (chunk := await body.read(_READ_CHUNK)):
                read += len(chunk)
                chunks.append(chunk)
                if digest is not None:
                    digest.feed(chunk)
        finally:
            body.close()
        return b"".join(chunks) if len(chunks) != 1 else chunks[0], response.get("ETag")

    def _checked_key(self, ref: Ref) -> str:
        key = self._key(check_digest(ref))
        if ref.scheme != self.scheme or ref.location != f"s3://{self.bucket}/{key}":
            raise UnsafeReferenceError(
                f"reference {ref.location[:200]!r} is not object {key!r} of bucket {self.bucket!r}"
            )
        return key

    def serves(self, ref: Ref) -> bool:
        return ref.scheme == self.scheme and ref.location.startswith(
            f"s3://{self.bucket}/{self.prefix}"
        )

    @classmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        digest = check_digest(ref)
        bucket, _, key = ref.location.removeprefix("s3://").partition("/")
        if not ref.location.startswith("s3://") or not key.endswith(digest):
            raise UnsafeReferenceError(
                f"{ref.location[:200]!r} is not an s3://bucket/key reference"
            )
        try:
            return cls(bucket, key.removesuffix(digest))
        except ValueError as exc:
            raise UnsafeReferenceError(str(exc)) from None

    def __repr__(self) -> str:
        digest = "" if self.algorithm == DEFAULT_DIGEST else f", digest={self.algorithm!r}"
        return f"S3DataStore(bucket={self.bucket!r}, prefix={self.prefix!r}{digest})"


def _object_size(response: dict[str, Any]) -> int:
    """The whole object's size: from ``Content-Range`` on a ranged GET, else its length."""
    content_range = response.get("ContentRange") or ""
    total = content_range.rpartition("/")[2]
    return int(total) if total.isdigit() else int(response.get("ContentLength", -1))
