"""A KMS key on moto's real server (the same one the S3 tests use)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest


@pytest.fixture
def kms_client(moto_s3_endpoint: str) -> Any:
    return boto3.client("kms", region_name="us-east-1", endpoint_url=moto_s3_endpoint)


@pytest.fixture
def kms_key(kms_client: Any) -> str:
    """The ARN of a fresh symmetric KMS key."""
    return str(kms_client.create_key(Description="swflow tests")["KeyMetadata"]["Arn"])
