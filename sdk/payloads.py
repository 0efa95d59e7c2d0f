"""The payload codec: value <-> serializer <-> codecs <-> store <-> SWF field.

`PayloadCodec` writes each value through a channel (a serializer, optional codecs such
as compression or encryption, a store) into an envelope (`swflow.envelope`), and reads
any envelope back. Readers follow the envelope, writers follow the configuration:
decoding never needs the writer's decorator (only, for encrypted payloads, its keys),
so changing a decorator's store or codecs does not break running workflows.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from swflow.codecs import Codec, codec_class, decode_chain, encode_chain, parse_chain
from swflow.envelope import (
    ENVELOPE_VERSION,
    Envelope,
    codec_prefix,
    field_token,
    inline_json_body,
    parse_envelope,
)
from swflow.errors import (
    ConfigurationError,
    DeserializationError,
    PayloadTamperedError,
    PayloadTooLargeError,
    UnsafeReferenceError,
)
from swflow.serializers import JsonSerializer, Serializer, serializer_from_spec
from swflow.serializers.json_serializer import strict_json_decoder
from swflow.stores import DataStore, InlineDataStore, Ref, store_class
from swflow.swf.limits import DATA
from swflow.telemetry import count, traced_only

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

_UTF8_MAX_BYTES_PER_CHAR = 4
DEFAULT_CACHE_BYTES = 64 * 2**20
_NOT_INLINE = object()

# Which fields a reader takes a payload written for: swflow itself forwards payloads
# by reference between inputs and results, never into markers or failure details.
_READS = {
    "input": frozenset(("input", "result")),
    "result": frozenset(("result", "input")),
    "marker-details": frozenset(("marker-details",)),
    "details": frozenset(("details",)),
}


@dataclass(frozen=True)
class Channel:
    """How one kind of payload (an input, a result) is written.

    Attributes:
        serializer: value <-> bytes.
        store: where the bytes go.
        codecs: transforms of the bytes on the way (compression, encryption), in
            order; None takes the process-wide default of the `PayloadCodec`.
    """

    serializer: Serializer
    store: DataStore
    codecs: tuple[Codec, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.serializer, Serializer):
            raise TypeError(f"expected a Serializer instance, got {self.serializer!r}")
        if not isinstance(self.store, DataStore):
            raise TypeError(f"expected a DataStore instance, got {self.store!r}")
        if self.codecs is not None:
            object.__setattr__(self, "codecs", checked_codecs(self.codecs))

    @classmethod
    def default(cls) -> Channel:
        """JSON, inline: readable in the SWF console."""
        return cls(JsonSerializer(), InlineDataStore())


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
        codecs: the process-wide codec chain, for every channel whose decorator names
            none (``input_data_codecs=[]`` opts a decorator out). These codecs, and
            those of the decorators served, also read: an encrypted payload needs
            the reader to hold a codec with its key.
    """

    def __init__(
        self,
        *,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        stores: tuple[DataStore, ...] = (),
        codecs: tuple[Codec, ...] | list[Codec] = (),
    ) -> None:
        self._lock = threading.Lock()
        self.bytes_fetched = 0  # read from out-of-band stores (not the cache): for audits
        self._cache: LRUCache[Ref, bytes] | None = (
            LRUCache(maxsize=cache_bytes, getsizeof=len) if cache_bytes > 0 else None
        )
        self._stores: list[DataStore] = []
        self._known: set[int] = set()  # ids of registered stores and channels: the fast path
        self._serializers: dict[str, Serializer] = {}
        self._inline = InlineDataStore()
        self._scan_json = strict_json_decoder().scan_once  # type: ignore[attr-defined]  # raw_decode minus a frame
        self.codecs = checked_codecs(codecs)
        self._codecs: list[Codec] = []  # configured instances that read, in order given
        self._readers: dict[tuple[str, str], Codec] = {}  # built from specs alone
        for store in stores:
            self.register_store(store)
        self.register_codecs(self.codecs)

    def trust(self, channel: Channel) -> None:
        """Read what ``channel`` writes: its store and its codecs (with their keys).

        Cheap to repeat: the replay calls it for every call site it meets.
        """
        if id(channel) in self._known:
            return
        self.register_store(channel.store)
        if channel.codecs:
            self.register_codecs(channel.codecs)
        with self._lock:
            self._known.add(id(channel))

    def register_codecs(self, codecs: tuple[Codec, ...]) -> None:
        """Read payloads with these configured codecs (keyed ones hold their keys)."""
        with self._lock:
            for codec in codecs:
                if not any(known is codec for known in self._codecs):
                    self._codecs.append(codec)

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
        codecs: tuple[Codec, ...] | None = None,
    ) -> str:
        """Serialize ``value``, run the codecs, store the bytes, return the envelope text.

        Args:
            value: what to encode.
            serializer: how to turn it into bytes.
            store: where to put the bytes.
            field: which SWF field the envelope goes into (for error messages).
            owner: who writes it, e.g. ``"activity TestActivityA 1.0"`` (for errors).
            limit: the field's maximum length in characters.
            codecs: the channel's codecs; None takes this codec's default chain.

        Raises:
            SerializationError: ``value`` is not something ``serializer`` takes.
            PayloadTooLargeError: the envelope would not fit ``field``; raised before
                anything reaches SWF.
            PayloadStoreError: the store failed.
        """
        data = serializer.dumps(value)
        chain = self.codecs if codecs is None else codecs
        specs: list[str] = []
        token = field_token(field)
        if chain:
            specs, data = encode_chain(chain, data, codec_prefix(serializer.spec, token))
        if isinstance(store, InlineDataStore) and len(data) > limit * _UTF8_MAX_BYTES_PER_CHAR:
            # Cannot fit however it is written: do not base64 megabytes to find out.
            raise PayloadTooLargeError(field=field, size=len(data), limit=limit, owner=owner)
        ref = _put(store, data)
        envelope = Envelope(serializer.spec, ref, codecs=",".join(specs), field=token)
        text = envelope.to_text()
        if len(text) > limit:
            raise PayloadTooLargeError(field=field, size=len(text), limit=limit, owner=owner)
        if not ref.inline:
            self.register_store(store)
            self._remember(ref, data)
        return text

    def decode(self, text: str, expect: Serializer | None = None, field: str = "") -> Any:
        """The value an envelope (or legacy plain JSON) stands for.

        ``expect`` is the reader's own serializer, when it has one: an envelope naming
        another Protobuf message type than it expects is refused
        (`DeserializationError`), never decoded into a class the code does not expect.
        Any other serializer is followed as the envelope says. ``field``, when given,
        is the field being read: a payload written for a field swflow never moves into
        it (a marker's value read as an input) is refused (`PayloadTamperedError`).
        """
        value = self.decode_inline(text, _NOT_INLINE)
        if value is not _NOT_INLINE:
            return value
        envelope = parse_envelope(text)
        if expect is not None:
            _check_expected(envelope.serializer, expect.spec)
        if envelope.codecs:
            _check_field(envelope.field, field)
        return self.serializer(envelope.serializer).loads(self.undo_codecs(envelope))

    def decode_inline(self, text: str, default: Any) -> Any:
        """The value of a small inline JSON envelope (the replay's hot path: no store,
        no codec, nothing that can fail later), else ``default``: `decode` then says
        what ``text`` holds, or what is wrong with it."""
        body = inline_json_body(text)
        if body is not None:
            try:
                value, end = self._scan_json(body, 0)
            except (ValueError, RecursionError, StopIteration):  # StopIteration: not JSON
                return default
            if end == len(body):
                return value
        return default

    def undo_codecs(self, envelope: Envelope) -> bytes:
        """The serialized bytes behind ``envelope``: fetched, the codec chain undone."""
        data = self.fetch(envelope.ref)
        if envelope.codecs:
            data = decode_chain(parse_chain(envelope.codecs), data, envelope.prefix, self._reader)
        return data

    def _reader(self, name: str, argument: str) -> Codec:
        """The codec that undoes ``name:argument``: a configured one, else one built."""
        with self._lock:
            for codec in self._codecs:
                if codec.name == name and codec.reads(argument):
                    return codec
            built = self._readers.get((name, argument))
        if built is None:
            built = codec_class(name).for_reading(argument)
            with self._lock:
                self._readers[(name, argument)] = built
        return built

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
        cached = None
        if self._cache is not None:
            with self._lock:
                cached = self._cache.get(ref)
        count("swflow.payload.cache", result="miss" if cached is None else "hit")
        where = {"swflow.store": ref.scheme, "swflow.size": ref.size}
        with traced_only("swflow payload get", {**where, "swflow.cache_hit": cached is not None}):
            if cached is not None:
                return cached
            data = self._store_for(ref).get(ref)
        count("swflow.payload.bytes", len(data), store=ref.scheme, direction="get")
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


def _put(store: DataStore, data: bytes) -> Ref:
    """``store.put``, with a span and the bytes counted when it goes out of band."""
    if isinstance(store, InlineDataStore):
        return store.put(data)  # the replay's hot path: no telemetry for SWF's own field
    attributes = {"swflow.store": store.scheme, "swflow.size": len(data)}
    with traced_only("swflow payload put", attributes):
        ref = store.put(data)
    if not ref.inline:
        count("swflow.payload.bytes", len(data), store=ref.scheme, direction="put")
    return ref


def checked_codecs(codecs: Any) -> tuple[Codec, ...]:
    """``codecs`` as a tuple of `Codec` instances, else `ConfigurationError`."""
    if isinstance(codecs, Codec) or not isinstance(codecs, list | tuple):
        raise ConfigurationError(f"codecs are a list of Codec instances, got {codecs!r}")
    for codec in codecs:
        if not isinstance(codec, Codec):
            raise ConfigurationError(f"expected a Codec instance (swflow.codecs), got {codec!r}")
    return tuple(codecs)


def _check_field(written: str, read: str) -> None:
    if read and written not in _READS.get(field_token(read), (field_token(read),)):
        raise PayloadTamperedError(
            f"payload was written for the {written} field and is read as {read}: swflow "
            "never moves a payload there"
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
