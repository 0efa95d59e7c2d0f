"""Payload digests: BLAKE3 by choice beside sha256, each reference verified by its own.

(The whole store conformance suite also runs over BLAKE3 stores: test_conformance.)
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import blake3
import pytest

from swflow.envelope import Envelope, parse_envelope
from swflow.errors import (
    ConfigurationError,
    MissingDependencyError,
    PayloadCorruptError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
)
from swflow.payloads import PayloadCodec
from swflow.serializers import MsgpackSerializer
from swflow.stores import DIGESTS, LocalDataStore, Ref, store_for_ref

MB = 2**20
HEX = "ab" * 32


def test_the_table_names_sha256_first_and_blake3() -> None:
    assert list(DIGESTS) == ["sha256", "blake3"]


@pytest.mark.parametrize("size", [0, 5, 9 * MB])  # 9 MiB: hashed beside the write
def test_a_blake3_store_names_and_verifies_by_blake3(tmp_path: Path, size: int) -> None:
    data = (b"swflow" * (size // 6 + 1))[:size]
    store = LocalDataStore(tmp_path, digest="blake3")
    ref = store.put(data)
    assert ref.algorithm == "blake3"
    assert ref.digest == blake3.blake3(data).hexdigest()
    assert ref.location == str(tmp_path / ref.digest[:2] / ref.digest)
    assert store.get(ref) == data


def test_the_envelope_names_blake3_and_keeps_sha256_as_it_was(tmp_path: Path) -> None:
    for algorithm, token in (("blake3", "blake3:"), ("sha256", "")):
        ref = LocalDataStore(tmp_path, digest=algorithm).put(b"payload")
        text = Envelope("json", ref).to_text()
        assert text.split("\n")[0].endswith(f" {token}{ref.digest}")
        assert parse_envelope(text).ref == ref


def test_stores_read_references_of_either_digest(tmp_path: Path) -> None:
    old = LocalDataStore(tmp_path).put(b"written before the switch")
    new = LocalDataStore(tmp_path, digest="blake3").put(b"written after it")
    assert old.digest == hashlib.sha256(b"written before the switch").hexdigest()
    for reader in (LocalDataStore(tmp_path), LocalDataStore(tmp_path, digest="blake3")):
        assert reader.get(old) == b"written before the switch"
        assert reader.get(new) == b"written after it"
    assert store_for_ref(new).get(new) == b"written after it"  # a default-configured reader


def test_a_tampered_blake3_payload_is_refused_naming_its_digest(tmp_path: Path) -> None:
    store = LocalDataStore(tmp_path, digest="blake3")
    ref = store.put(b"original bytes")
    Path(ref.location).write_bytes(b"tampered bytes")  # same size, other content
    with pytest.raises(PayloadCorruptError, match=f"does not match its blake3 {ref.digest}"):
        store.get(ref)


def test_a_reference_relabelled_sha256_is_refused(tmp_path: Path) -> None:
    """The digest is bound to its algorithm: the same hex under the other name fails."""
    store = LocalDataStore(tmp_path, digest="blake3")
    ref = store.put(b"payload")
    relabelled = Ref(ref.scheme, ref.location, ref.size, ref.digest, "sha256")
    with pytest.raises(PayloadCorruptError, match="sha256"):
        store.get(relabelled)


def test_a_codec_round_trip_through_a_blake3_store(tmp_path: Path) -> None:
    store = LocalDataStore(tmp_path / "payloads", digest="blake3")
    value = {"blob": bytes(range(256)) * 4096}
    text = PayloadCodec().encode(value, MsgpackSerializer(), store, field="result")
    assert " blake3:" in text.split("\n")[0]
    reader = PayloadCodec(stores=[LocalDataStore(tmp_path / "payloads")])  # sha256-configured
    assert reader.decode(text) == value


def test_an_unknown_digest_in_a_store_configuration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="'md5' is not one of sha256, blake3"):
        LocalDataStore(tmp_path, digest="md5")


def test_a_reference_naming_an_unknown_digest_is_unsafe(tmp_path: Path) -> None:
    store = LocalDataStore(tmp_path)
    ref = store.put(b"payload")
    forged = Ref(ref.scheme, ref.location, ref.size, ref.digest, "crc32")
    with pytest.raises(UnsafeReferenceError, match="unknown payload digest 'crc32'"):
        store.get(forged)


@pytest.mark.parametrize(
    ("token", "error", "match"),
    [
        (f"md5:{HEX}", UnsupportedEnvelopeError, "'md5' is unknown to this swflow"),
        ("blake3:junk", PayloadCorruptError, "not a hex digest"),
        ("blake3:-", PayloadCorruptError, "not a hex digest"),
        (f"blake3:{HEX.upper()}", PayloadCorruptError, "not a hex digest"),
        (f":{HEX}", UnsupportedEnvelopeError, "'' is unknown"),
    ],
)
def test_malformed_digest_tokens_in_an_envelope(
    token: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        parse_envelope(f"swflow/1 json file 2 {token}\n/tmp/x/{HEX}")


def test_blake3_without_its_library_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = LocalDataStore(tmp_path, digest="blake3").put(b"payload")
    monkeypatch.setitem(sys.modules, "blake3", None)  # as if blake3 were not installed
    hint = r"pip install 'swflow\[blake3\]'"
    with pytest.raises(MissingDependencyError, match=hint):
        LocalDataStore(tmp_path, digest="blake3")  # at configuration, not at the first put
    with pytest.raises(MissingDependencyError, match=hint):
        LocalDataStore(tmp_path).get(ref)  # a reader: never taken for a corrupt payload
