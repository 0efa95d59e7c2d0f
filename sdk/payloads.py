"""The payload envelope and the codec: value <-> serializer <-> store <-> SWF field.

Every input, result, marker detail, signal input and control value that swflow puts in
an SWF field is an *envelope*: one header line, then the location::

    swflow/1 json inline 13 -
    {"rows":[1,2]}

    swflow/1 msgpack s3 52428800 9f86d0...
    s3://swf-data/results/9f86d0...

The header names the format version, the serializer spec, the reference scheme, the
payload size in bytes and its sha256 (``-`` for inline payloads, which SWF keeps
intact). Inline payloads follow the header as text (``inline``) or base64 (``base64``),
so an inline JSON payload stays readable in the SWF console. Text that does not start
with ``swflow/`` is read as plain JSON, as a workflow started from the AWS console
would send it.

Readers follow the envelope, writers follow the configuration: decoding never needs
the writer's decorator, so changing a decorator's store does not break running
workflows.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from swflow.errors import (
    DeserializationError,
    PayloadCorruptError,
    PayloadTooLargeError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
)
from swflow.serializers import JsonSerializer, Serializer, serializer_from_spec
from swflow.serializers.json_serializer import has_surrogate_escape, strict_json_decoder
from swflow.stores import DataStore, InlineDataStore, Ref, store_class
from swflow.swf.limits import DATA

__all__ = [
    "ENVELOPE_VERSION",
    "Channel",
    "Envelope",
    "PayloadCodec",
    "decode",
    "default_codec",
    "encode",
    "parse_envelope",
]

log = logging.getLogger("swflow.payloads")

ENVELOPE_VERSION = 1
_MAGIC = "swflow/"
_HEADER_START = f"{_MAGIC}{ENVELOPE_VERSION} "
_NO_DIGEST = "-"
_UTF8_MAX_BYTES_PER_CHAR = 4
DEFAULT_CACHE_BYTES = 64 * 2**20
_INLINE_JSON = f"{_HEADER_START}json inline "
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Channel:
    """A serializer and a store: how one kind of payload (an input, a result) is written."""

    serializer: Serializer
    store: DataStore

    def __post_init__(self) -> None:
        if not isinstance(self.serializer, Serializer):
            raise TypeError(f"expected a Serializer instance, got {self.serializer!r}")
        if not isinstance(self.store, DataStore):
            raise TypeError(f"expected a DataStore instance, got {self.store!r}")

    @classmethod
    def default(cls) -> Channel:
        """JSON, inline: readable in the SWF console."""
        return cls(JsonSerializer(), InlineDataStore())


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed envelope: which serializer reads the bytes, and where they are.

    Attributes:
        serializer: the serializer spec, e.g. ``"json"`` or ``"protobuf:pkg.Msg"``.
        ref: where the bytes are; for inline payloads, the bytes themselves.
        legacy: true for plain JSON written without an envelope.
    """

    serializer: str
    ref: Ref
    legacy: bool = False

    def to_text(self) -> str:
        """The envelope as it travels in an SWF field."""
        ref = self.ref
        if self.legacy:
            return ref.location
        digest = ref.sha256 or _NO_DIGEST
        return f"{_HEADER_START}{self.serializer} {ref.scheme} {ref.size} {digest}\n{ref.location}"

    def describe(self) -> str:
        """One line for people: ``json/inline 13 B``."""
        where = "" if self.ref.inline else f" at {self.ref.location}"
        return f"{self.serializer}/{self.ref.scheme} {self.ref.size:,} B{where}"


def parse_envelope(text: str) -> Envelope:
    """Read an envelope's header without fetching or decoding anything.

    Raises:
        PayloadCorruptError: a malformed header.
        UnsupportedEnvelopeError: an envelope from a newer swflow.
    """
    if not text.startswith(_MAGIC):
        return Envelope(JsonSerializer.name, Ref("inline", text, _utf8_size(text)), legacy=True)
    header, newline, location = text.partition("\n")
    fields = header.split(" ")
    if not newline or len(fields) != 5:
        raise PayloadCorruptError(f"malformed swflow envelope header {header[:200]!r}")
    version, spec, scheme, size, digest = fields
    if version != f"{_MAGIC}{ENVELOPE_VERSION}":
        number = version.removeprefix(_MAGIC)
        if number.isdigit() and int(number) > ENVELOPE_VERSION:
            raise UnsupportedEnvelopeError(
                f"payload envelope version {number} was written by a newer swflow; this one "
                f"reads version {ENVELOPE_VERSION}: upgrade swflow"
            )
        raise PayloadCorruptError(f"malformed swflow envelope version {version[:40]!r}")
    if not (size.isascii() and size.isdigit()) or not spec or not scheme:
        raise PayloadCorruptError(f"malformed swflow envelope header {header[:200]!r}")
    if digest != _NO_DIGEST and not (len(digest) == 64 and _HEX.issuperset(digest)):
        raise PayloadCorruptError(f"envelope checksum {digest[:80]!r} is not a sha256 or -")
    sha256 = "" if digest == _NO_DIGEST else digest
    return Envelope(spec, Ref(scheme, location, int(size), sha256))


def _utf8_size(text: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise PayloadCorruptError(
            f"payload text holds a lone surrogate at character {exc.start}: not valid UTF-8"
        ) from None


class PayloadCodec:
    """Encodes values into envelopes and decodes them back, with a read cache.

    Out-of-band reads go through a bounded LRU cache keyed by the (immutable)
    reference and bounded by bytes; payloads written through this codec enter it too,
    so a process reading back what it wrote does not fetch it again. The cache holds
    bytes, never decoded values, so callers can never share a mutable result.

    Thread-safe.

    Args:
        cache_bytes: bound of the read cache; 0 disables it.
        stores: stores this process trusts to read references from (matching
            bucket/root), besides those of the decorators it serves and those it
            writes through, which are added automatically. A reference into any other
            store raises `UnsafeReferenceError` (docs/payloads.md).
    """

    def __init__(
        self, *, cache_bytes: int = DEFAULT_CACHE_BYTES, stores: tuple[DataStore, ...] = ()
    ) -> None:
        self._lock = threading.Lock()
        self.bytes_fetched = 0  # read from out-of-band stores (not the cache): for audits
        self._cache: LRUCache[Ref, bytes] | None = (
            LRUCache(maxsize=cache_bytes, getsizeof=len) if cache_bytes > 0 else None
        )
        self._stores: list[DataStore] = []
        self._known: set[int] = set()  # ids of registered stores, for the fast path
        self._serializers: dict[str, Serializer] = {}
        self._inline = InlineDataStore()
        self._raw_json = strict_json_decoder().raw_decode
        for store in stores:
            self.register_store(store)

    def register_store(self, store: DataStore) -> None:
        """Read references that ``store`` serves with this configured instance.

        Cheap to repeat (the replay calls it for every task it meets), so the stores
        that wrote a payload (with their endpoints and options) read it back.
        """
        if id(store) in self._known:
            return
        with self._lock:
            if not any(known is store for known in self._stores):
                self._stores.append(store)
            self._known.add(id(store))

    def encode(
        self,
        value: Any,
        serializer: Serializer,
        store: DataStore,
        *,
        field: str,
        owner: str = "",
        limit: int = DATA,
    ) -> str:
        """Serialize ``value``, store the bytes, and return the envelope text.

        Args:
            value: what to encode.
            serializer: how to turn it into bytes.
            store: where to put the bytes.
            field: which SWF field the envelope goes into (for error messages).
            owner: who writes it, e.g. ``"activity TestActivityA 1.0"`` (for errors).
            limit: the field's maximum length in characters.

        Raises:
            SerializationError: ``value`` is not something ``serializer`` takes.
            PayloadTooLargeError: the envelope would not fit ``field``; raised before
                anything reaches SWF.
            PayloadStoreError: the store failed.
        """
        data = serializer.dumps(value)
        if isinstance(store, InlineDataStore) and len(data) > limit * _UTF8_MAX_BYTES_PER_CHAR:
            # Cannot fit however it is written: do not base64 megabytes to find out.
            raise PayloadTooLargeError(field=field, size=len(data), limit=limit, owner=owner)
        ref = store.put(data)
        text = Envelope(serializer.spec, ref).to_text()
        if len(text) > limit:
            raise PayloadTooLargeError(field=field, size=len(text), limit=limit, owner=owner)
        if not ref.inline:
            self.register_store(store)
            self._remember(ref, data)
        return text

    def decode(self, text: str, expect: Serializer | None = None) -> Any:
        """The value an envelope (or legacy plain JSON) stands for.

        ``expect`` is the reader's own serializer, when it has one: an envelope naming
        another Protobuf message type than it expects is refused
        (`DeserializationError`), never decoded into a class the code does not expect.
        Any other serializer is followed as the envelope says.
        """
        if text.startswith(_INLINE_JSON):  # the replay hot path: small ASCII JSON results
            header, _, body = text.partition("\n")
            size, _, digest = header[len(_INLINE_JSON) :].partition(" ")
            if (
                digest == _NO_DIGEST
                and body.isascii()
                and size == str(len(body))
                and not has_surrogate_escape(body)
            ):
                try:
                    value, end = self._raw_json(body)
                except (ValueError, RecursionError):
                    pass  # the general path below explains what is wrong
                else:
                    if end == len(body):
                        return value
        envelope = parse_envelope(text)
        if expect is not None:
            _check_expected(envelope.serializer, expect.spec)
        return self.serializer(envelope.serializer).loads(self.fetch(envelope.ref))

    def serializer(self, spec: str) -> Serializer:
        """The serializer for ``spec``, built once per codec."""
        serializer = self._serializers.get(spec)
        if serializer is None:
            serializer = serializer_from_spec(spec)
            self._serializers[spec] = serializer
        return serializer

    def fetch(self, ref: Ref) -> bytes:
        """The verified bytes ``ref`` names, through the read cache."""
        if ref.inline:
            return self._inline.get(ref)
        if self._cache is not None:
            with self._lock:
                cached = self._cache.get(ref)
            if cached is not None:
                return cached
        data = self._store_for(ref).get(ref)
        with self._lock:
            self.bytes_fetched += len(data)
        self._remember(ref, data)
        return data

    def _remember(self, ref: Ref, data: bytes) -> None:
        if self._cache is None or len(data) > self._cache.maxsize:
            return
        with self._lock:
            self._cache[ref] = data

    def _store_for(self, ref: Ref) -> DataStore:
        """The trusted store that serves ``ref``; a reference elsewhere is refused.

        The envelope says where a payload is, but only stores this process was given
        (those of the decorators it serves, and any passed explicitly) are read: an
        envelope cannot make a worker read an arbitrary file or bucket.
        """
        with self._lock:
            for store in self._stores:
                if store.serves(ref):
                    return store
        store_class(ref.scheme)  # an unknown scheme says so first
        raise UnsafeReferenceError(
            f"payload reference {ref.location[:200]!r} is in no store this process trusts "
            f"(the stores of the decorators it serves, and those given explicitly); to "
            f"read it, configure that {ref.scheme} store on a decorator this process serves "
            "or pass it in PayloadCodec(stores=...) (`swflow payload show` takes "
            "--root/--bucket/--store)"
        )


def _check_expected(spec: str, expected: str) -> None:
    protobuf = "protobuf:"
    if spec != expected and spec.startswith(protobuf) and expected.startswith(protobuf):
        raise DeserializationError(
            f"payload is a {spec.removeprefix(protobuf)} message, the reader expects "
            f"{expected.removeprefix(protobuf)}",
            serializer="protobuf",
        )


_default_codec: PayloadCodec | None = None
_default_lock = threading.Lock()


def default_codec() -> PayloadCodec:
    """The process-wide codec behind `encode` and `decode`, created on first use."""
    global _default_codec  # noqa: PLW0603 - one lazily built, documented process default
    with _default_lock:
        if _default_codec is None:
            _default_codec = PayloadCodec()
        return _default_codec


def encode(
    value: Any,
    serializer: Serializer,
    store: DataStore,
    *,
    field: str,
    owner: str = "",
    limit: int = DATA,
) -> str:
    """`PayloadCodec.encode` on the process-wide codec."""
    return default_codec().encode(value, serializer, store, field=field, owner=owner, limit=limit)


def decode(text: str) -> Any:
    """`PayloadCodec.decode` on the process-wide codec."""
    return default_codec().decode(text)
