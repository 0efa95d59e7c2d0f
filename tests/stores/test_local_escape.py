"""A local reference can never resolve outside the store's root."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from swflow.errors import UnsafeReferenceError
from swflow.stores import LocalDataStore, Ref, store_for_ref
from swflow.stores.base import sha256_hex

SECRET = b"secret outside the store"
DIGEST = sha256_hex(SECRET)


@pytest.fixture
def store(tmp_path: Path) -> LocalDataStore:
    return LocalDataStore(tmp_path / "root")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the root whose content matches the digest the refs carry."""
    folder = tmp_path / "elsewhere" / DIGEST[:2]
    folder.mkdir(parents=True)
    target = folder / DIGEST
    target.write_bytes(SECRET)
    return target


def _ref(location: str, digest: str = DIGEST) -> Ref:
    return Ref("file", location, len(SECRET), digest)


def test_dot_dot_in_the_location(store: LocalDataStore, outside: Path) -> None:
    sneaky = f"{store.root}/../elsewhere/{DIGEST[:2]}/{DIGEST}"
    assert Path(sneaky).resolve() == outside.resolve()
    with pytest.raises(UnsafeReferenceError):
        store.get(_ref(sneaky))
    with pytest.raises(UnsafeReferenceError):
        store_for_ref(_ref(sneaky)).get(_ref(sneaky))


def test_absolute_path_outside_the_root(store: LocalDataStore, outside: Path) -> None:
    with pytest.raises(UnsafeReferenceError):
        store.get(_ref(str(outside)))
    with pytest.raises(UnsafeReferenceError):
        store.get(_ref("/etc/passwd"))


@pytest.mark.parametrize("digest", ["../../etc/passwd", "a" * 63, "A" * 64, "", "g" * 64])
def test_digest_that_is_not_a_hex_digest(store: LocalDataStore, digest: str) -> None:
    with pytest.raises(UnsafeReferenceError):
        store.get(_ref(f"{store.root}/{digest[:2]}/{digest}", digest))
    with pytest.raises(UnsafeReferenceError):
        store_for_ref(_ref(f"{store.root}/{digest[:2]}/{digest}", digest))


def test_relative_root_from_an_envelope(outside: Path) -> None:
    with pytest.raises(UnsafeReferenceError):
        store_for_ref(_ref(f"relative/{DIGEST[:2]}/{DIGEST}"))


def test_symlinked_payload_file(store: LocalDataStore, outside: Path) -> None:
    folder = Path(store.root) / DIGEST[:2]
    folder.mkdir(parents=True)
    (folder / DIGEST).symlink_to(outside)
    with pytest.raises(UnsafeReferenceError, match="symlink"):
        store.get(_ref(str(folder / DIGEST)))


def test_symlinked_folder(store: LocalDataStore, outside: Path) -> None:
    Path(store.root).mkdir(parents=True)
    (Path(store.root) / DIGEST[:2]).symlink_to(outside.parent, target_is_directory=True)
    with pytest.raises(UnsafeReferenceError, match="outside"):
        store.get(_ref(f"{store.root}/{DIGEST[:2]}/{DIGEST}"))


def test_a_symlinked_root_is_fine(tmp_path: Path) -> None:
    """Only links *inside* the store are refused: the root itself may be a link."""
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "link")
    store = LocalDataStore(tmp_path / "link")
    ref = store.put(b"through a linked root")
    assert store.get(ref) == b"through a linked root"


def test_a_reference_from_another_root(tmp_path: Path) -> None:
    theirs = LocalDataStore(tmp_path / "theirs")
    ref = theirs.put(b"payload")
    mine = LocalDataStore(tmp_path / "mine")
    assert not mine.serves(ref)
    with pytest.raises(UnsafeReferenceError):
        mine.get(ref)
    assert store_for_ref(ref).get(ref) == b"payload"
    with pytest.raises(UnsafeReferenceError):
        theirs.get(replace(ref, scheme="s3"))
