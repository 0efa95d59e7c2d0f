"""Decision task pages as raw JSON, still sent and signed by botocore.

botocore spends ~25 µs per history event building its response dicts, far more than
the replay itself. `RawPolls` lets a decision worker keep everything botocore does for
a request (credentials, SigV4, retries, endpoints, error parsing) and skip only the
parsing of successful PollForDecisionTask and GetWorkflowExecutionHistory bodies: a
``before-parse`` handler takes the body aside and hands botocore an empty document;
`swflow.worker.pages.read_page` reads just the fields the replay uses.

The handler acts only inside `RawPolls.poll` and `RawPolls.history`, on the calling
thread, so a client shared with other code answers every other call as usual. A client
swflow built itself takes the `swflow.swf.direct.DirectLane` first, which brings the
body with no parsing at all.
"""

from __future__ import annotations

import threading
from typing import Any

from swflow.swf.direct import DIRECT_OPERATIONS, HISTORY_REPLIES
from swflow.swf.faults import FaultMapping

from .pages import read_page

__all__ = ["RawPolls"]

_KEY = "swflowRawBody"


class RawPolls:
    """PollForDecisionTask and GetWorkflowExecutionHistory through ``client``, read by
    `read_page`."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._active = threading.local()
        for method in sorted(HISTORY_REPLIES):
            client.meta.events.register(
                f"before-parse.swf.{DIRECT_OPERATIONS[method]}",
                self._take_body,
                unique_id=f"swflow-raw-{method}-{id(self)}",
            )

    def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        """The response of ``poll_for_decision_task(**params)``, as `read_page` reads it
        (events left raw with ``lazy``)."""
        return self._read("poll_for_decision_task", lazy, params)

    def history(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        """The response of ``get_workflow_execution_history(**params)``, as `poll`."""
        return self._read("get_workflow_execution_history", lazy, params)

    def _read(self, method: str, lazy: bool, params: dict[str, Any]) -> dict[str, Any]:
        lane = self.client.direct(method) if isinstance(self.client, FaultMapping) else None
        body = lane.body(method, params) if lane is not None else None
        if body is not None:
            return read_page(body, lazy=lazy)
        self._active.on = True
        try:
            answer = getattr(self.client, method)(**params)
        finally:
            self._active.on = False
        body = answer.get(_KEY)
        if body is None:  # another handler answered first (e.g. a stubbed client)
            return dict(answer)
        return read_page(body, lazy=lazy)

    def _take_body(
        self, response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
    ) -> None:
        if getattr(self._active, "on", False) and response_dict.get("status_code") == 200:
            customized_response_dict[_KEY] = response_dict["body"]
            response_dict["body"] = b"{}"
