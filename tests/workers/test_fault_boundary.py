"""botocore's ClientError becomes swflow's SwfFault subclasses at one boundary: every
call and every page of a paginator through a swflow client, against a real devserver."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from swflow.errors import (
    DomainAlreadyExistsFault,
    SwfFault,
    SwflowError,
    TypeAlreadyExistsFault,
    UnknownResourceFault,
    ValidationFault,
    WorkflowExecutionAlreadyStartedFault,
)
from swflow.swf import swf_client
from swflow.swf.faults import FAULTS, FaultMapping, fault_from
from tests.devserver.conftest import DOMAIN, register


def _start(swf: Any) -> Any:
    return swf.start_workflow_execution(
        domain=DOMAIN, workflowId="w", workflowType={"name": "wf", "version": "1"}
    )


CALLS = [
    (
        lambda swf: swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1"),
        DomainAlreadyExistsFault,
    ),
    (
        lambda swf: swf.register_workflow_type(domain=DOMAIN, name="wf", version="1"),
        TypeAlreadyExistsFault,
    ),
    (_start, WorkflowExecutionAlreadyStartedFault),
    (lambda swf: swf.describe_domain(name="no-such-domain"), UnknownResourceFault),
    (lambda swf: swf.describe_domain(name="bad:name"), ValidationFault),
    (
        lambda swf: list(
            swf.get_paginator("list_workflow_types").paginate(
                domain="no-such-domain", registrationStatus="REGISTERED"
            )
        ),
        UnknownResourceFault,
    ),
]


@pytest.mark.parametrize(("call", "fault"), CALLS)
def test_each_fault_is_raised_as_its_swflow_class(swf: Any, call: Any, fault: type) -> None:
    register(swf)
    _start(swf)
    with pytest.raises(fault) as raised:
        call(swf)
    error = raised.value
    assert isinstance(error, SwflowError) and error.code == fault.__name__.replace(
        "ValidationFault", "ValidationException"
    )
    assert isinstance(error.__cause__, ClientError)  # what botocore said, kept
    assert error.operation  # which call SWF refused


def test_swflow_clients_are_behind_the_boundary_once(swf: Any) -> None:
    assert isinstance(swf, FaultMapping)
    assert swf_client(swf) is swf  # never wrapped twice
    assert isinstance(swf_client(swf.wrapped), FaultMapping)


def test_an_unknown_code_is_still_an_swf_fault() -> None:
    error = fault_from(
        ClientError({"Error": {"Code": "SomethingNew", "Message": "m"}}, "PollForDecisionTask")
    )
    assert type(error) is SwfFault and error.code == "SomethingNew"
    assert str(error) == "SomethingNew: m" and error.operation == "PollForDecisionTask"
    assert all(issubclass(fault, SwfFault) for fault in FAULTS.values())
