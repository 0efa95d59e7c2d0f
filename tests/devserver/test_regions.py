"""Domains are per region, and ARNs carry the region of the request, as on SWF."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from swflow.devserver import DevServer


def _client(server: DevServer, region: str) -> Any:
    return boto3.client(
        "swf",
        endpoint_url=server.endpoint,
        region_name=region,
        config=Config(retries={"max_attempts": 0}),
    )


def _start(swf: Any, workflow_id: str) -> str:
    run_id: str = swf.start_workflow_execution(
        domain="orders",
        workflowId=workflow_id,
        workflowType={"name": "wf", "version": "1"},
        taskList={"name": "decisions"},
        executionStartToCloseTimeout="600",
        taskStartToCloseTimeout="30",
        childPolicy="TERMINATE",
    )["runId"]
    return run_id


def test_the_same_domain_name_lives_apart_in_two_regions(server: DevServer) -> None:
    east, west = _client(server, "us-east-1"), _client(server, "eu-west-1")
    for swf, retention in ((east, "1"), (west, "7")):
        swf.register_domain(name="orders", workflowExecutionRetentionPeriodInDays=retention)
        swf.register_workflow_type(domain="orders", name="wf", version="1")
    described = west.describe_domain(name="orders")
    assert described["domainInfo"]["arn"] == "arn:aws:swf:eu-west-1:123456789012:/domain/orders"
    assert described["configuration"]["workflowExecutionRetentionPeriodInDays"] == "7"
    assert east.describe_domain(name="orders")["domainInfo"]["arn"].startswith(
        "arn:aws:swf:us-east-1:"
    )
    for swf in (east, west):
        names = [
            d["name"] for d in swf.list_domains(registrationStatus="REGISTERED")["domainInfos"]
        ]
        assert names == ["orders"]  # each region lists its own
    _start(west, "order-1")
    _start(east, "order-1")  # the same id: another domain, no conflict
    west.tag_resource(
        resourceArn=described["domainInfo"]["arn"], tags=[{"key": "team", "value": "eu"}]
    )
    assert (
        east.list_tags_for_resource(
            resourceArn=east.describe_domain(name="orders")["domainInfo"]["arn"]
        )["tags"]
        == []
    )
    task = west.poll_for_decision_task(domain="orders", taskList={"name": "decisions"})
    assert task["workflowExecution"]["workflowId"] == "order-1"
    west.respond_decision_task_completed(
        taskToken=task["taskToken"],
        decisions=[{"decisionType": "CompleteWorkflowExecution"}],
    )
    open_east = east.list_open_workflow_executions(
        domain="orders", startTimeFilter={"oldestDate": 0}
    )["executionInfos"]
    assert [info["execution"]["workflowId"] for info in open_east] == ["order-1"]  # untouched


def test_a_domain_of_one_region_is_unknown_in_another(server: DevServer) -> None:
    _client(server, "ap-south-1").register_domain(
        name="mumbai", workflowExecutionRetentionPeriodInDays="1"
    )
    with pytest.raises(ClientError) as unknown:
        _client(server, "us-east-1").describe_domain(name="mumbai")
    assert unknown.value.response["Error"]["Code"] == "UnknownResourceFault"
    assert "mumbai" in unknown.value.response["Error"]["Message"]
    assert "|" not in unknown.value.response["Error"]["Message"]
