"""Shared fixtures: a real moto S3 server on loopback, buckets, temporary roots."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# moto accepts any credentials; never let tests find real ones.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
)
os.environ.pop("AWS_PROFILE", None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_s3_endpoint() -> Iterator[str]:
    """Endpoint of a moto server (real HTTP on 127.0.0.1) for the whole session."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(moto_s3_endpoint: str) -> str:
    """A fresh bucket on the moto server (unique name: the server state is shared)."""
    import boto3

    name = f"swflow-{uuid.uuid4().hex[:16]}"
    boto3.client("s3", endpoint_url=moto_s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_options(moto_s3_endpoint: str) -> dict[str, Any]:
    """s3fs options that point an S3DataStore at the moto server."""
    return {"client_kwargs": {"endpoint_url": moto_s3_endpoint}}


@pytest.fixture
def s3_client(moto_s3_endpoint: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=moto_s3_endpoint)


@pytest.fixture
def decider_threads() -> Callable[[], list[threading.Thread]]:
    """Sticky decider threads started during the test (earlier tests' may linger)."""
    before = set(threading.enumerate())
    return lambda: [
        t for t in threading.enumerate() if t.name.startswith("decider ") and t not in before
    ]
