"""Regions: each request's region, and domains that are per region, as on SWF.

The region comes from the request's SigV4 credential scope. Domains of the default
region keep their plain names in the engine and the database (files written before
regions existed stay valid); a domain of another region is kept as ``name|region``,
which no SWF name can collide with (``|`` is not allowed in names).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["DEFAULT_REGION", "arn", "plain", "qualify", "region_of", "regional"]

DEFAULT_REGION = "us-east-1"
ACCOUNT = "123456789012"
_SCOPE = re.compile(r"Credential=[^/,\s]+/[0-9]{8}/([a-z0-9-]{1,32})/swf/aws4_request")
_ARN = re.compile(rf"\Aarn:aws:swf:([a-z0-9-]{{1,32}}):{ACCOUNT}:/domain/([^/]+)\Z")
_DOMAIN_OPERATIONS = {"RegisterDomain", "DescribeDomain", "DeprecateDomain", "UndeprecateDomain"}


def region_of(authorization: str) -> str:
    """The region of a SigV4 ``Authorization`` header (the default without one)."""
    found = _SCOPE.search(authorization)
    return found.group(1) if found else DEFAULT_REGION


def qualify(name: str, region: str) -> str:
    return name if region == DEFAULT_REGION else f"{name}|{region}"


def plain(key: str) -> tuple[str, str]:
    """(name, region) of an engine domain key."""
    name, _, region = key.partition("|")
    return name, region or DEFAULT_REGION


def arn(key: str) -> str:
    name, region = plain(key)
    return f"arn:aws:swf:{region}:{ACCOUNT}:/domain/{name}"


def key_of_arn(resource: str) -> str | None:
    """The engine key a domain ARN names, or None for anything else."""
    found = _ARN.match(resource)
    return qualify(found.group(2), found.group(1)) if found else None


def regional(operation: str, params: dict[str, Any], region: str) -> dict[str, Any]:
    """``params`` with its domain named as the engine keys it in ``region``."""
    field = "name" if operation in _DOMAIN_OPERATIONS else "domain"
    if region == DEFAULT_REGION and operation != "ListDomains":
        return params
    out = {**params, "_region": region}
    if isinstance(params.get(field), str):
        out[field] = qualify(params[field], region)
    return out
