"""Reaching SWF the AWS way: boto3's own configuration chain, plus ``SWF_DOMAIN``.

Region, profile, credentials and endpoint come from wherever boto3 finds them
(environment, ``~/.aws/config``, instance roles); ``AWS_ENDPOINT_URL_SWF`` points every
swflow client at a devserver. Only the domain has a variable of its own.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from swflow.errors import ConfigurationError

from .faults import FaultMapping

if TYPE_CHECKING:  # boto3's SWF client, typed by mypy-boto3-swf (a dev dependency)
    from mypy_boto3_swf.client import SWFClient

__all__ = [
    "DOMAIN_VARIABLE",
    "LONG_POLL_READ_TIMEOUT",
    "devserver_client",
    "resolve_domain",
    "swf_client",
]

DOMAIN_VARIABLE = "SWF_DOMAIN"
LONG_POLL_READ_TIMEOUT = 70  # SWF holds a long poll for up to 60 s
_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_SWF", "AWS_ENDPOINT_URL")


def swf_client(
    client: Any = None, *, endpoint: str | None = None, connections: int = 10
) -> SWFClient:
    """``client`` if given, else a boto3 SWF client configured for long polls; either way
    behind the fault boundary (`swflow.swf.faults.FaultMapping`).

    With an endpoint override (``endpoint`` or the variables, for a devserver), any
    region and any credentials sign requests: ``us-east-1`` and placeholder keys are
    used when nothing is configured, rather than failing.
    """
    if client is not None:
        return cast(
            "SWFClient", client if isinstance(client, FaultMapping) else FaultMapping(client)
        )
    import boto3
    from botocore.exceptions import NoRegionError

    session = boto3.session.Session()
    region: str | None = session.region_name  # None when nothing configures one
    overridden = endpoint or any(os.environ.get(name) for name in _ENDPOINT_VARIABLES)
    placeholder = None
    if overridden and region is None:
        region = "us-east-1"
    if overridden and session.get_credentials() is None:
        placeholder = "devserver"
    try:
        raw = session.client(
            "swf",
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=placeholder,
            aws_secret_access_key=placeholder,
            config=_config(connections),
        )
    except NoRegionError:
        raise ConfigurationError(
            "no AWS region configured for SWF: set AWS_DEFAULT_REGION (or a profile's "
            "region), or AWS_ENDPOINT_URL_SWF to use a devserver"
        ) from None
    return cast("SWFClient", FaultMapping(raw, direct=True))


def devserver_client(endpoint: str, *, connections: int = 10) -> SWFClient:
    """A boto3 SWF client for a devserver at ``endpoint`` (placeholder credentials),
    behind the fault boundary."""
    import boto3

    raw = boto3.session.Session().client(
        "swf",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="devserver",
        aws_secret_access_key="devserver",
        config=_config(connections),
    )
    return cast("SWFClient", FaultMapping(raw, direct=True))


def _config(connections: int) -> Any:
    from botocore.config import Config

    return Config(
        read_timeout=LONG_POLL_READ_TIMEOUT,
        connect_timeout=10,
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=max(10, connections),
    )


def resolve_domain(explicit: str | None, declared: str | None, owner: str) -> str:
    """The domain to use: the worker's or client's, the decorator's, then ``SWF_DOMAIN``."""
    domain = explicit or declared or os.environ.get(DOMAIN_VARIABLE)
    if not domain:
        raise ConfigurationError(
            f"no SWF domain for {owner}: give one with --domain NAME at the command line, "
            f"domain=... in code, swf_domain=... on the decorator, or the {DOMAIN_VARIABLE} "
            "environment variable"
        )
    return domain
