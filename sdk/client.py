"""WorkflowClient: start workflows and follow them from outside, through boto3.

``client.start(decider, *args)`` writes the arguments through the decider's input
channel (a resolved promise passed as an argument travels by reference) and returns a
`WorkflowHandle`; ``handle.result()`` waits for the run, follows continue-as-new to the
last run, and returns the decoded result or raises the `WorkflowError` that ended it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any, Literal

from swflow.serializers import JsonSerializer, Serializer
from swflow.stores import DataStore, InlineDataStore
from swflow.swf.connection import resolve_domain, swf_client
from swflow.swf.decisions import StartChildWorkflowExecution
from swflow.swf.limits import DATA
from swflow.swf.vocabulary import CLOSE_EVENTS, CLOSE_STATUS, attributes_key
from swflow.telemetry import span, traceparent
from swflow.workflow.decorators import WorkflowDefinition, WorkflowTask
from swflow.workflow.options import decision_fields
from swflow.workflow.promise import Promise

from .calls import encode_input, resolved_promise
from .envelope import with_trace
from .errors import (
    ConfigurationError,
    ResultTimeoutError,
    UnknownResourceFault,
    WorkflowAlreadyStartedError,
    WorkflowCanceledError,
    WorkflowError,
    WorkflowExecutionAlreadyStartedFault,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from .payloads import PayloadCodec, default_codec
from .registration import Registrar
from .run_info import HistoryEvent, RunInfo, list_filters

__all__ = ["WorkflowClient", "WorkflowHandle"]

_CLOSE_ERRORS: dict[str, tuple[type[WorkflowError], str]] = {  # close status -> error
    "FAILED": (WorkflowFailedError, "failed"),
    "CANCELED": (WorkflowCanceledError, "was canceled"),
    "TERMINATED": (WorkflowTerminatedError, "was terminated"),
    "TIMED_OUT": (WorkflowTimedOutError, "timed out"),
}
if set(_CLOSE_ERRORS) != set(CLOSE_STATUS.values()) - {"COMPLETED", "CONTINUED_AS_NEW"}:
    raise ImportError("every way a run closes without a result needs its WorkflowError")
_BY_EXECUTION = {"get_workflow_execution_history", "describe_workflow_execution"}
_WAIT = (0.02, 1.0)  # seconds: first and longest pause between looks at an open run


class WorkflowClient:
    """Starts and follows workflow executions in one domain.

    Args:
        domain: the domain (else the decider's ``swf_domain``, else ``SWF_DOMAIN``).
        client: a boto3 SWF client (default: from boto3's configuration chain).
        codec: payload codec (default: the process-wide one).
    """

    def __init__(
        self, domain: str | None = None, *, client: Any = None, codec: PayloadCodec | None = None
    ) -> None:
        self.domain = domain
        self.client = swf_client(client)
        self.codec = codec or default_codec()
        self.registrar = Registrar(self.client)

    def start(
        self,
        decider: WorkflowTask | WorkflowDefinition,
        *args: Any,
        workflow_id: str | None = None,
        tag_list: list[str] | None = None,
        **options: Any,
    ) -> WorkflowHandle:
        """Start a run of ``decider`` with these arguments.

        Args:
            workflow_id: unique among open runs of the domain (default: type name + uuid).
            tag_list: up to 5 tags, for filtering lists (default: the decider's
                ``tag_list``); checked against SWF's rules before anything is sent.
            **options: `WorkflowOptions` fields for this run (``task_list``,
                ``execution_start_to_close_timeout``, ``task_start_to_close_timeout``,
                ``child_policy``, ``priority``), and keyword arguments of the decider
                under ``kwargs={...}``.

        Raises:
            WorkflowAlreadyStartedError: an open run already has ``workflow_id``.
        """
        definition = decider.definition if isinstance(decider, WorkflowTask) else decider
        if not isinstance(definition, WorkflowDefinition):
            raise ConfigurationError(f"start() takes a @decision_task function, got {decider!r}")
        kwargs = options.pop("kwargs", {})
        if tag_list is not None:
            options["tag_list"] = tag_list
        run_options = definition.options.replace(**options)
        for channel in (definition.input, definition.result):
            self.codec.trust(channel)  # read with the writer's configuration
        domain = self._domain(definition)
        task_list = run_options.task_list or definition.name
        self.registrar.task_type(domain, definition, task_list)
        workflow_id = workflow_id or f"{definition.name}-{uuid.uuid4()}"
        attributes = {"swflow.workflow_type": definition.name, "swflow.workflow_id": workflow_id}
        name = f"swflow start {definition.name}"
        with span(name, attributes, kind="PRODUCER") as current:
            # A start takes the attributes of a child's start decision: one mapping serves
            # both. The run's input carries this span: its tasks join the trace.
            start = StartChildWorkflowExecution(
                workflow_id=workflow_id,
                workflow_type=definition.kind,
                input=with_trace(
                    encode_input(definition, args, kwargs, self.codec), traceparent(), DATA
                ),
                **{**decision_fields(run_options), "task_list": task_list},
            )
            params = {"domain": domain, **start.to_swf()[start.attributes_key]}
            try:
                run = self.client.start_workflow_execution(**params)
            except WorkflowExecutionAlreadyStartedFault:
                raise WorkflowAlreadyStartedError(
                    f"an open run of {workflow_id!r} already exists in {domain}"
                ) from None
            current.set_attribute("swflow.run_id", run["runId"])
        return self._handle(domain, workflow_id, run["runId"])

    def handle(self, workflow_id: str, run_id: str | None = None) -> WorkflowHandle:
        """A handle on an existing run (default: the latest run of ``workflow_id``)."""
        domain = self._domain(None)
        if run_id is None:
            runs = self.list_open(workflow_id=workflow_id) or self.list_closed(
                workflow_id=workflow_id
            )
            if not runs:
                raise WorkflowNotFoundError(f"no workflow {workflow_id!r} in {domain}")
            run_id = max(runs, key=lambda run: run.start_time).run_id
        return self._handle(domain, workflow_id, run_id)

    def list_open(
        self,
        *,
        workflow_id: str | None = None,
        since: datetime | None = None,
        tag: str | None = None,
        workflow_type: str | WorkflowTask | None = None,
    ) -> list[RunInfo]:
        """Open runs started since ``since`` (default: ever), newest first.

        At most one of ``workflow_id``, ``tag`` and ``workflow_type`` (a decider, or
        ``"NAME"`` / ``"NAME:VERSION"``): SWF filters a list by one of them per call.

        Raises:
            ConfigurationError: more than one filter, or an unknown domain.
        """
        filters = list_filters(workflow_id=workflow_id, tag=tag, workflow_type=workflow_type)
        return list(self._list("list_open_workflow_executions", filters, since))

    def list_closed(
        self,
        *,
        workflow_id: str | None = None,
        since: datetime | None = None,
        tag: str | None = None,
        workflow_type: str | WorkflowTask | None = None,
        status: str | None = None,
    ) -> list[RunInfo]:
        """Closed runs started since ``since`` (default: ever), newest first.

        At most one of ``workflow_id``, ``tag``, ``workflow_type`` and ``status`` (a
        close status: COMPLETED, FAILED, CANCELED, TERMINATED, CONTINUED_AS_NEW,
        TIMED_OUT): SWF filters a list by one of them per call.

        Raises:
            ConfigurationError: more than one filter, an unknown status or domain.
        """
        filters = list_filters(
            workflow_id=workflow_id, tag=tag, workflow_type=workflow_type, status=status
        )
        return list(self._list("list_closed_workflow_executions", filters, since))

    def _list(
        self,
        operation: Literal["list_open_workflow_executions", "list_closed_workflow_executions"],
        filters: dict[str, Any],
        since: datetime | None,
    ) -> Iterator[RunInfo]:
        params: dict[str, Any] = {
            "domain": self._domain(None),
            "startTimeFilter": {"oldestDate": since or datetime(1970, 1, 2, tzinfo=timezone.utc)},
            **filters,
        }
        try:
            for page in self.client.get_paginator(operation).paginate(**params):
                for info in page["executionInfos"]:
                    yield RunInfo.from_swf(info)
        except UnknownResourceFault:
            raise ConfigurationError(f"unknown SWF domain {params['domain']!r}") from None

    def _handle(self, domain: str, workflow_id: str, run_id: str) -> WorkflowHandle:
        return WorkflowHandle(self, domain, workflow_id, run_id)

    def _domain(self, definition: WorkflowDefinition | None) -> str:
        return resolve_domain(
            self.domain, definition.domain if definition else None, "the workflow client"
        )


class WorkflowHandle:
    """One workflow run, followed from outside.

    Attributes:
        workflow_id: the workflow's id.
        first_run_id: the run this handle was made for (a start's run, or the one asked for).
        run_id: the run it describes now: ``first_run_id`` until `result` or `promise`
            follows continue-as-new to a later run; `describe`, `signal`, `cancel`,
            `terminate` and `history` act on this one.
    """

    def __init__(self, client: WorkflowClient, domain: str, workflow_id: str, run_id: str) -> None:
        self.client = client
        self.domain = domain
        self.workflow_id = workflow_id
        self.first_run_id = run_id
        self.run_id = run_id

    def __repr__(self) -> str:
        followed = f" (from {self.first_run_id})" if self.run_id != self.first_run_id else ""
        return f"<workflow {self.workflow_id} run {self.run_id}{followed}>"

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the run (following continue-as-new) and return its decoded result.

        Raises:
            WorkflowFailedError: the last run failed (the decider raised, or was failed).
            WorkflowCanceledError: it was canceled.
            WorkflowTerminatedError: it was terminated.
            WorkflowTimedOutError: it outlived its execution timeout.
            ResultTimeoutError: still open after ``timeout`` seconds.
        """
        return self.promise(timeout).result

    def promise(self, timeout: float | None = None) -> Promise[Any]:
        """Like `result`, but the value is decoded only when read.

        The promise may be passed to `WorkflowClient.start`: an out-of-band result then
        travels to the new workflow by reference, never through this process.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = _WAIT[0]
        while True:
            event = self._close_event()
            if event is None:
                if deadline is not None and time.monotonic() >= deadline:
                    raise ResultTimeoutError(
                        f"workflow {self.workflow_id} still open after {timeout} s"
                    )
                time.sleep(
                    pause if deadline is None else min(pause, max(0.0, deadline - time.monotonic()))
                )
                pause = min(pause * 1.5, _WAIT[1])
                continue
            kind = event["eventType"]
            attributes = event[attributes_key(kind)]
            if CLOSE_STATUS[kind] == "CONTINUED_AS_NEW":
                self.run_id = attributes["newExecutionRunId"]
                pause = _WAIT[0]
                continue
            if CLOSE_STATUS[kind] == "COMPLETED":
                text = attributes.get("result")
                if not text:
                    return Promise("workflow result")._resolve(decode=lambda: None)
                return resolved_promise(
                    text, self.client.codec, f"result of {self.workflow_id}", field="result"
                )
            raise self._error(kind, event)

    def _error(self, kind: str, event: dict[str, Any]) -> WorkflowError:
        error, words = _CLOSE_ERRORS[CLOSE_STATUS[kind]]
        attributes = event.get(attributes_key(kind), {})
        details = attributes.get("details")
        decoded = None
        if details:
            try:
                decoded = self.client.codec.decode(details)
            except Exception:  # details written by someone else: keep them as text
                decoded = details
        reason = attributes.get("reason") or attributes.get("timeoutType")
        if reason is None and isinstance(decoded, dict):  # a canceled run: swflow's details
            reason = decoded.get("message")
        message = f"workflow {self.workflow_id} {words}" + (f": {reason}" if reason else "")
        return error(
            message,
            workflow_id=self.workflow_id,
            run_id=self.run_id,
            reason=reason,
            details=decoded,
        )

    def _close_event(self) -> dict[str, Any] | None:
        page = self._call(
            "get_workflow_execution_history",
            maximumPageSize=1,
            reverseOrder=True,
        )
        events = page["events"]
        if events and events[0]["eventType"] in CLOSE_EVENTS:
            return dict(events[0])
        return None

    def describe(self) -> RunInfo:
        """The run's status, type, times and counts of open tasks."""
        answer = self._call("describe_workflow_execution")
        return RunInfo.from_swf(answer["executionInfo"], answer.get("openCounts"))

    def signal(
        self,
        name: str,
        value: Any = None,
        *,
        serializer: Serializer | None = None,
        store: DataStore | None = None,
    ) -> None:
        """Send signal ``name`` with ``value`` (JSON inline unless told otherwise)."""
        params: dict[str, Any] = {"signalName": name}
        if value is not None:
            params["input"] = self.client.codec.encode(
                value,
                serializer or JsonSerializer(),
                store or InlineDataStore(),
                field="input",
                owner=f"signal {name}",
            )
        self._call("signal_workflow_execution", **params)

    def cancel(self) -> None:
        """Ask the run to cancel; its next decision closes it as canceled."""
        self._call("request_cancel_workflow_execution")

    def terminate(self, reason: str | None = None, details: str | None = None) -> None:
        """End the run at once; its decider runs no more."""
        params = {key: value for key, value in (("reason", reason), ("details", details)) if value}
        self._call("terminate_workflow_execution", **params)

    def history(self, on_page: Callable[[int], None] | None = None) -> list[HistoryEvent]:
        """Every event of this run, oldest first; payloads decode on demand.

        ``on_page`` is called with the number of events read so far, after each page.
        """
        codec = self.client.codec
        return [HistoryEvent.from_swf(event, codec) for event in self.events(on_page)]

    def events(self, on_page: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
        """Every event of this run as SWF returns it (what `swflow.replay.decide` reads)."""
        events: list[dict[str, Any]] = []
        token = None
        while True:
            page = self._call(
                "get_workflow_execution_history",
                maximumPageSize=1000,
                **({"nextPageToken": token} if token else {}),
            )
            events.extend(page["events"])
            token = page.get("nextPageToken")
            if on_page is not None:
                on_page(len(events))
            if not token:
                return events

    def _call(self, operation: str, **params: Any) -> Any:
        if operation in _BY_EXECUTION:
            params["execution"] = {"workflowId": self.workflow_id, "runId": self.run_id}
        else:
            params.update(workflowId=self.workflow_id, runId=self.run_id)
        try:
            return getattr(self.client.client, operation)(domain=self.domain, **params)
        except UnknownResourceFault:
            raise WorkflowNotFoundError(
                f"no workflow {self.workflow_id!r} run {self.run_id} in {self.domain} "
                "(or it is closed)"
            ) from None
