"""The contract every codec keeps, as a suite to subclass (like stores and serializers).

    import pytest
    from swflow.testing import CodecCase, CodecConformance

    class TestMyCodec(CodecConformance):
        @pytest.fixture
        def codec_case(self):
            return CodecCase(MyCodec(), corrupt=MyCodecError)

The suite runs the codec on bytes (samples and hypothesis-generated), through
`PayloadCodec` with every serializer and store it is given (override the
``serializers`` and ``stores`` fixtures to add more), and against tampering.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swflow.codecs import Codec, decode_chain, encode_chain, parse_chain
from swflow.envelope import Envelope, parse_envelope
from swflow.errors import PayloadCodecError, PayloadTamperedError
from swflow.payloads import PayloadCodec
from swflow.serializers import JsonSerializer, MsgpackSerializer, Serializer
from swflow.stores import DataStore, InlineDataStore, LocalDataStore, Ref

__all__ = ["CodecCase", "CodecConformance", "EncryptingCodecConformance"]

_PREFIX = "swflow/2 json result"
_RECORDS = {"rows": [{"id": n, "name": f"customer {n}", "tags": ["a", "b"]} for n in range(300)]}


@dataclass
class CodecCase:
    """A codec under test, and what the suite may expect of it.

    Attributes:
        codec: the writer.
        reader: the instance a reader holds (default: a fresh one built from the
            spec, or ``codec`` itself for keyed codecs; give one to test rotation).
        corrupt: the `PayloadCodecError` subclass damaged bytes must raise.
        skips_small: payloads under this many bytes are left alone (0: never skips).
    """

    codec: Codec
    corrupt: type[PayloadCodecError]
    reader: Codec | None = None
    skips_small: int = 0
    samples: list[bytes] = field(
        default_factory=lambda: [b"", b"x", b"hello " * 200, os.urandom(4096), bytes(2**20)]
    )


def _reader(case: CodecCase) -> Any:
    def pick(name: str, argument: str) -> Codec:
        if case.reader is not None:
            return case.reader
        try:
            return type(case.codec).for_reading(argument)
        except PayloadCodecError:
            return case.codec  # keyed codecs read only with their keys

    return pick


def _round_trip(case: CodecCase, data: bytes) -> list[str]:
    specs, out = encode_chain([case.codec], data, _PREFIX)
    chain = parse_chain(",".join(specs)) if specs else []
    assert decode_chain(chain, out, _PREFIX, _reader(case)) == data
    if not specs:
        assert out == data  # a codec that skips leaves the bytes as they were
    return specs


class CodecConformance:
    """What any `Codec` must do; subclasses give a ``codec_case`` fixture."""

    def test_samples_and_generated_bytes_come_back_equal(self, codec_case: CodecCase) -> None:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        for data in codec_case.samples:
            _round_trip(codec_case, data)

        @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.binary(max_size=5000) | st.text(max_size=2000).map(str.encode))
        def generated(data: bytes) -> None:
            _round_trip(codec_case, data)

        generated()

    def test_small_payloads_are_skipped_only_when_it_does_not_pay(
        self, codec_case: CodecCase
    ) -> None:
        small = b"a" * max(codec_case.skips_small - 1, 0)
        large = b"a" * 100_000
        if codec_case.skips_small:
            assert _round_trip(codec_case, small) == []
        assert _round_trip(codec_case, large), "a large, compressible payload is transformed"

    def test_damaged_bytes_raise_the_codecs_named_error(self, codec_case: CodecCase) -> None:
        import pytest

        data = b"hello " * 2000
        specs, out = encode_chain([codec_case.codec], data, _PREFIX)
        chain = parse_chain(",".join(specs))
        flipped = bytearray(out)
        flipped[len(out) // 2] ^= 0x01
        damaged = [out[: len(out) // 2], b"", b"garbage" * 10, *self.also_damaged(flipped)]
        for bad in damaged:
            with pytest.raises(codec_case.corrupt):
                decode_chain(chain, bad, _PREFIX, _reader(codec_case))

    def also_damaged(self, flipped: bytearray) -> list[bytes]:
        """More damaged frames the codec must refuse (a MAC catches any flipped bit)."""
        return []

    # Through the payload codec: every serializer x store pair.

    def _make_stores(self, tmp_path: Path) -> list[DataStore]:
        return [InlineDataStore(), LocalDataStore(tmp_path / "codec-store")]

    def _make_serializers(self) -> list[Serializer]:
        return [JsonSerializer(), MsgpackSerializer()]

    def test_every_serializer_and_store_pair_round_trips(
        self, codec_case: CodecCase, tmp_path: Path
    ) -> None:
        for store in self._make_stores(tmp_path):
            for serializer in self._make_serializers():
                self._through_payload_codec(codec_case, serializer, store)

    def _through_payload_codec(
        self, case: CodecCase, serializer: Serializer, store: DataStore
    ) -> None:
        writer = PayloadCodec(cache_bytes=0, stores=(store,))
        reader_codecs = (case.reader or case.codec,)
        reader = PayloadCodec(cache_bytes=0, stores=(store,), codecs=reader_codecs)
        value = self.sample_value(serializer)
        text = writer.encode(
            value, serializer, store, field="result", codecs=(case.codec,), limit=2**31
        )
        envelope = parse_envelope(text)
        assert envelope.codecs.split(",")[0].partition(":")[0] == case.codec.name
        assert reader.decode(text, field="result") == value
        self.check_stored(_stored(store, envelope.ref))

    def check_stored(self, stored: bytes) -> None:
        """What must hold of the bytes a store keeps (nothing, for compression)."""

    def sample_value(self, serializer: Serializer) -> Any:
        """A value ``serializer`` takes, large enough to compress (override for others)."""
        return _RECORDS


class EncryptingCodecConformance(CodecConformance):
    """What an encrypting codec must do besides: conceal, authenticate, bind the header."""

    def also_damaged(self, flipped: bytearray) -> list[bytes]:
        return [bytes(flipped)]

    def check_stored(self, stored: bytes) -> None:
        assert b"customer 299" not in stored and b"customer" not in stored

    def test_authenticating_codecs_bind_the_context(self, codec_case: CodecCase) -> None:
        import pytest

        specs, out = encode_chain([codec_case.codec], b"secret " * 100, _PREFIX)
        chain = parse_chain(",".join(specs))
        for other in ("swflow/2 msgpack result", "swflow/2 json input"):
            with pytest.raises(PayloadTamperedError):
                decode_chain(chain, out, other, _reader(codec_case))

    def test_concealing_codecs_leave_no_plaintext(self, codec_case: CodecCase) -> None:
        secret = b"card 4111-1111-1111-1111 " * 20
        for _ in range(3):  # and never the same ciphertext twice
            first = encode_chain([codec_case.codec], secret, _PREFIX)[1]
            second = encode_chain([codec_case.codec], secret, _PREFIX)[1]
            assert b"4111" not in first and first != second

    def test_header_tampering_is_caught(self, codec_case: CodecCase) -> None:
        import pytest

        reader = PayloadCodec(codecs=(codec_case.reader or codec_case.codec,))
        text = PayloadCodec().encode(
            {"secret": 1}, JsonSerializer(), InlineDataStore(), field="result",
            codecs=(codec_case.codec,),
        )  # fmt: skip
        envelope = parse_envelope(text)
        for forged in (
            Envelope("msgpack", envelope.ref, codecs=envelope.codecs, field=envelope.field),
            Envelope(envelope.serializer, envelope.ref, codecs=envelope.codecs, field="input"),
        ):
            with pytest.raises(PayloadTamperedError):
                reader.decode(forged.to_text())
        raw = bytearray(base64.b64decode(envelope.ref.location))
        raw[-1] ^= 0x80
        flipped = Ref(envelope.ref.scheme, base64.b64encode(raw).decode(), len(raw))
        forged = Envelope(envelope.serializer, flipped, codecs=envelope.codecs, field="result")
        with pytest.raises(PayloadTamperedError):
            reader.decode(forged.to_text())


def _stored(store: DataStore, ref: Ref) -> bytes:
    """The bytes as they sit in the store (an inline reference carries them)."""
    if ref.inline:
        return ref.location.encode()
    return Path(ref.location).read_bytes() if ref.scheme == "file" else store.get(ref)
