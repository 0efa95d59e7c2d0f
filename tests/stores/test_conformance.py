"""The conformance suite every data store runs.

S3 runs against moto's real server on 127.0.0.1, through s3fs.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from swflow.errors import MissingDependencyError, PayloadCorruptError, PayloadNotFoundError
from swflow.stores import (
    STORES,
    DataStore,
    InlineDataStore,
    LocalDataStore,
    Ref,
    S3DataStore,
    ThresholdDataStore,
    store_for_ref,
)
from swflow.stores.base import sha256_hex

MB = 2**20


@dataclass
class StoreCase:
    kind: type[DataStore]
    make: Callable[[pytest.FixtureRequest, Path], DataStore]
    # Replace the stored bytes behind the store's back (None: the ref carries them).
    overwrite: Callable[[DataStore, Ref, bytes], None] | None
    remove: Callable[[DataStore, Ref], None] | None


def _make_s3(request: pytest.FixtureRequest, tmp_path: Path) -> DataStore:
    bucket = request.getfixturevalue("s3_bucket")
    return S3DataStore(bucket, prefix="payloads/", **request.getfixturevalue("s3_options"))


def _overwrite_file(store: DataStore, ref: Ref, data: bytes) -> None:
    Path(ref.location).write_bytes(data)


def _remove_file(store: DataStore, ref: Ref) -> None:
    Path(ref.location).unlink()


def _overwrite_object(store: DataStore, ref: Ref, data: bytes) -> None:
    assert isinstance(store, S3DataStore)
    store.filesystem.pipe_file(ref.location.removeprefix("s3://"), data)


def _remove_object(store: DataStore, ref: Ref) -> None:
    assert isinstance(store, S3DataStore)
    store.filesystem.rm_file(ref.location.removeprefix("s3://"))


CASES = {
    "inline": StoreCase(InlineDataStore, lambda request, tmp: InlineDataStore(), None, None),
    "local": StoreCase(
        LocalDataStore,
        lambda request, tmp: LocalDataStore(tmp / "store"),
        _overwrite_file,
        _remove_file,
    ),
    "s3": StoreCase(S3DataStore, _make_s3, _overwrite_object, _remove_object),
    "threshold-local": StoreCase(
        ThresholdDataStore,
        lambda request, tmp: ThresholdDataStore(LocalDataStore(tmp / "big"), max_inline_bytes=512),
        _overwrite_file,
        _remove_file,
    ),
}
OUT_OF_BAND = [name for name, case in CASES.items() if case.overwrite is not None]


@pytest.fixture(params=sorted(CASES))
def case_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(case_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> DataStore:
    return CASES[case_name].make(request, tmp_path)


def _payload(size: int) -> bytes:
    return os.urandom(size) if size <= MB else (os.urandom(MB) * (size // MB + 1))[:size]


def test_every_registered_store_runs_the_suite() -> None:
    assert set(STORES.values()) <= {case.kind for case in CASES.values()}


@pytest.mark.parametrize("size", [0, 1, MB])
def test_round_trip(store: DataStore, size: int) -> None:
    data = _payload(size)
    ref = store.put(data)
    assert ref.size == size
    assert store.get(ref) == data
    assert store.serves(ref)


@pytest.mark.slow
def test_round_trip_50_mb(store: DataStore) -> None:
    data = _payload(50 * MB)
    ref = store.put(data)
    assert store.get(ref) == data


def _stored_bytes(store: DataStore, ref: Ref) -> bytes:
    """What the store holds behind ``ref``, read past the store's own API."""
    if isinstance(store, S3DataStore):
        return bytes(store.filesystem.cat_file(ref.location.removeprefix("s3://")))
    return Path(ref.location).read_bytes()


def test_text_is_stored_as_is_readable_where_it_lies(store: DataStore) -> None:
    text = '{"answer":42,"é":"ü"}'
    ref = store.put(text.encode())
    if ref.inline:  # in the SWF field itself: the text, not base64
        assert (ref.scheme, ref.location) == ("inline", text)
    else:  # in a file or an object: the bytes themselves, no wrapping
        assert ref.scheme in ("file", "s3")
        assert _stored_bytes(store, ref) == text.encode()


def test_binary_travels_inline_as_base64() -> None:
    ref = InlineDataStore().put(b"\x00\xff\x10")
    assert (ref.scheme, ref.location) == ("base64", "AP8Q")


def test_put_is_idempotent_and_content_addressed(store: DataStore) -> None:
    data = _payload(4096)
    first, second = store.put(data), store.put(data)
    assert first == second
    if not first.inline:
        assert first.sha256 == sha256_hex(data)
        assert first.location.endswith(first.sha256)
    assert store.get(second) == data


def test_readers_follow_the_reference(store: DataStore) -> None:
    """A default-configured store of the ref's scheme names the same payload."""
    ref = store.put(_payload(2048))
    reader = store_for_ref(ref)
    assert type(reader) is type(store) or isinstance(store, ThresholdDataStore)
    assert reader.serves(ref)


@pytest.mark.parametrize("name", OUT_OF_BAND)
def test_missing_payload_raises_not_found(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    case = CASES[name]
    store = case.make(request, tmp_path)
    ref = store.put(_payload(4096))
    assert case.remove is not None
    case.remove(store, ref)
    with pytest.raises(PayloadNotFoundError):
        store.get(ref)


@pytest.mark.parametrize("name", OUT_OF_BAND)
@pytest.mark.parametrize("tamper", ["same size", "truncated"])
@pytest.mark.parametrize("size", [4096, 9 * MB])  # large payloads are hashed while streamed
def test_corrupted_bytes_raise_corrupt(
    name: str, tamper: str, size: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    case = CASES[name]
    store = case.make(request, tmp_path)
    data = _payload(size)
    ref = store.put(data)
    bad = bytes([data[0] ^ 1]) + data[1:] if tamper == "same size" else data[:-1]
    assert case.overwrite is not None
    case.overwrite(store, ref, bad)
    with pytest.raises(PayloadCorruptError):
        store.get(ref)


@pytest.mark.parametrize(
    "ref",
    [
        Ref("inline", "abc", 4),
        Ref("base64", "AP8Q", 2),
        Ref("base64", "not*base64!", 8),
    ],
)
def test_tampered_inline_references_raise_corrupt(ref: Ref) -> None:
    with pytest.raises(PayloadCorruptError):
        InlineDataStore().get(ref)


def test_concurrent_puts_of_the_same_content(store: DataStore, tmp_path: Path) -> None:
    data = _payload(MB)
    refs: list[Ref] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def put() -> None:
        try:
            start.wait()
            refs.append(store.put(data))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(refs)) == 1
    assert store.get(refs[0]) == data
    leftovers = list(tmp_path.rglob(".incoming-*"))
    assert leftovers == []


def test_missing_bucket_raises_not_found(
    request: pytest.FixtureRequest, s3_options: dict[str, Any]
) -> None:
    store = S3DataStore("swflow-no-such-bucket", **s3_options)
    with pytest.raises(PayloadNotFoundError, match="swflow-no-such-bucket"):
        store.put(b"data")
    data = b"payload"
    digest = sha256_hex(data)
    with pytest.raises(PayloadNotFoundError):
        store.get(Ref("s3", f"s3://swflow-no-such-bucket/{digest}", len(data), digest))


def test_threshold_store_spills_only_large_payloads(tmp_path: Path) -> None:
    store = ThresholdDataStore(LocalDataStore(tmp_path), max_inline_bytes=10)
    assert store.put(b"0123456789").inline
    big = store.put(b"0123456789!")
    assert big.scheme == "file"
    assert store.get(big) == b"0123456789!"


def test_s3_keys_live_under_the_prefix(
    s3_bucket: str, s3_options: dict[str, Any], s3_client: Any
) -> None:
    store = S3DataStore(s3_bucket, prefix="results/", **s3_options)
    ref = store.put(b"x" * 100)
    listed = s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"results/{ref.sha256}"]
    assert ref.location == f"s3://{s3_bucket}/results/{ref.sha256}"


@pytest.mark.parametrize(
    ("bucket", "prefix"), [("Bad_Bucket", ""), ("ab", ""), ("ok-bucket", "/abs"), ("ok", "a\nb")]
)
def test_s3_store_refuses_bad_configuration(bucket: str, prefix: str) -> None:
    with pytest.raises(ValueError, match="S3DataStore"):
        S3DataStore(bucket, prefix)


def test_missing_s3fs_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "s3fs", None)  # as if s3fs were not installed
    store = S3DataStore("swflow-any-bucket")
    with pytest.raises(MissingDependencyError, match=r"pip install 'swflow\[s3\]'") as caught:
        store.put(b"data")
    assert isinstance(caught.value, ImportError)
