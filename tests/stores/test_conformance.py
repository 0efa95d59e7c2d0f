"""The conformance suite every data store runs.

S3 runs against moto's real server on 127.0.0.1, through s3fs.
"""

from __future__ import annotations

import os
import sys
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
from swflow.testing import OutOfBandStoreConformance, StoreConformance

MB = 2**20


@dataclass
class StoreCase:
    kind: type[DataStore]
    make: Callable[[pytest.FixtureRequest, Path], DataStore]
    # Replace the stored bytes behind the store's back (None: the ref carries them).
    overwrite: Callable[[DataStore, Ref, bytes], None] | None
    remove: Callable[[DataStore, Ref], None] | None


def _make_s3(request: pytest.FixtureRequest, tmp_path: Path, digest: str = "sha256") -> DataStore:
    bucket = request.getfixturevalue("s3_bucket")
    options = request.getfixturevalue("s3_options")
    return S3DataStore(bucket, prefix="payloads/", digest=digest, **options)


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
    "s3-blake3": StoreCase(
        S3DataStore,
        lambda request, tmp: _make_s3(request, tmp, digest="blake3"),
        _overwrite_object,
        _remove_object,
    ),
    "local-blake3": StoreCase(
        LocalDataStore,
        lambda request, tmp: LocalDataStore(tmp / "store", digest="blake3"),
        _overwrite_file,
        _remove_file,
    ),
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


class TestEveryStore(StoreConformance):
    """The public suite (`swflow.testing`), over every built-in store."""

    @pytest.fixture
    def store(self, case_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> DataStore:
        return CASES[case_name].make(request, tmp_path)

    def test_concurrent_puts_leave_no_partial_files(self, store: DataStore, tmp_path: Path) -> None:
        self.test_concurrent_puts_of_the_same_content_agree(store)
        assert list(tmp_path.rglob(".incoming-*")) == []

    def test_the_registry_reader_is_of_the_writers_kind(self, store: DataStore) -> None:
        ref = store.put(_payload(2048))
        reader = store_for_ref(ref)
        assert type(reader) is type(store) or isinstance(store, ThresholdDataStore)


class TestOutOfBandStores(OutOfBandStoreConformance):
    """Stores that keep bytes in files or objects notice what went missing or changed."""

    @pytest.fixture(params=OUT_OF_BAND)
    def store(self, request: pytest.FixtureRequest, tmp_path: Path) -> DataStore:
        self.case = CASES[request.param]
        return self.case.make(request, tmp_path)

    def overwrite(self, store: DataStore, ref: Ref, data: bytes) -> None:
        assert self.case.overwrite is not None
        self.case.overwrite(store, ref, data)

    def remove(self, store: DataStore, ref: Ref) -> None:
        assert self.case.remove is not None
        self.case.remove(store, ref)


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
    assert [item["Key"] for item in listed] == [f"results/{ref.digest}"]
    assert ref.location == f"s3://{s3_bucket}/results/{ref.digest}"


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


def test_a_large_s3_payload_is_read_in_concurrent_ranged_parts_of_one_version(
    s3_bucket: str, s3_options: dict[str, Any], s3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import swflow.stores.s3 as s3_module

    monkeypatch.setattr(s3_module, "_PART", 1000)
    store = S3DataStore(s3_bucket, prefix="parts/", **s3_options)
    data = bytes(range(256)) * 20  # 5,120 bytes: six parts
    ref = store.put(data)
    gets: list[dict[str, Any]] = []
    call = store.filesystem._call_s3

    async def counted(method: str, **params: Any) -> Any:
        if method == "get_object":
            gets.append(params)
        return await call(method, **params)

    monkeypatch.setattr(store.filesystem, "_call_s3", counted)
    assert store.get(ref) == data
    assert [g["Range"] for g in gets] == [
        f"bytes={n}-{min(n + 1000, 5120) - 1}" for n in range(0, 5120, 1000)
    ]
    assert "IfMatch" not in gets[0] and len({g["IfMatch"] for g in gets[1:]}) == 1
    # the same size, other bytes: the parts assemble, the sha256 refuses them
    key = ref.location.removeprefix(f"s3://{s3_bucket}/")
    s3_client.put_object(Bucket=s3_bucket, Key=key, Body=data[::-1])
    with pytest.raises(PayloadCorruptError, match="does not match its sha256"):
        store.get(ref)
    # longer: refused from the first part's Content-Range, before the rest is fetched
    gets.clear()
    s3_client.put_object(Bucket=s3_bucket, Key=key, Body=data + b"!")
    with pytest.raises(PayloadCorruptError, match="refused unread"):
        store.get(ref)
    assert len(gets) == 1
