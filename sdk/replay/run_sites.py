"""Call sites that reach other runs (``Signal.send``, ``cancel_workflow``) and the
answers about the code's own run (`swflow.workflow.run`), each as of the code's
`Position` in the history."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from swflow.replay.records import ExternalState
from swflow.serializers import JsonSerializer, Serializer
from swflow.stores import DataStore, InlineDataStore
from swflow.swf.decisions import (
    Decision,
    RecordMarker,
    RequestCancelExternalWorkflowExecution,
    SignalExternalWorkflowExecution,
)
from swflow.workflow.options import checked_name
from swflow.workflow.promise import Promise

from .call_errors import (
    external_error,
)
from .determinism import external_mismatch
from .position import PATCH_MARKER
from .sites import SiteBase

__all__ = ["OtherRunSites"]


class OtherRunSites(SiteBase):
    """Signals and cancel requests to other runs; questions about this run."""

    # Signals and cancel requests to other runs.

    def send_signal(
        self,
        workflow_id: str,
        name: str,
        value: Any,
        *,
        run_id: str | None,
        serializer: Serializer | None,
        store: DataStore | None,
    ) -> Promise[None]:
        self.sequence["signal"] += 1
        control = f"s{self.sequence['signal']}"
        promise: Promise[None] = Promise(f"signal {name!r} to {workflow_id}")

        def decision() -> Decision:
            text = None
            if value is not None:
                text = self.codec.encode(
                    value,
                    serializer or JsonSerializer(),
                    store or InlineDataStore(),
                    field="input",
                    owner=f"signal {name}",
                )
            return SignalExternalWorkflowExecution(workflow_id, name, run_id, text, control)

        asked = ExternalState("signal", workflow_id, run_id, name)
        self.track(promise, lambda: self._settle_external(promise, control, asked, decision))
        return promise

    def request_cancel(self, workflow_id: str, run_id: str | None) -> Promise[None]:
        self.sequence["cancel"] += 1
        control = f"x{self.sequence['cancel']}"
        promise: Promise[None] = Promise(f"cancel request to {workflow_id}")
        asked = ExternalState("cancel", workflow_id, run_id)

        def decision() -> Decision:
            return RequestCancelExternalWorkflowExecution(workflow_id, run_id, control)

        self.track(promise, lambda: self._settle_external(promise, control, asked, decision))
        return promise

    def _settle_external(
        self,
        promise: Promise[None],
        control: str,
        asked: ExternalState,
        decision: Callable[[], Decision],
    ) -> None:
        self.visited.add(f"external:{control}")
        record = self.state.externals.get(control)
        if record is None:
            self.decisions.append(decision())
            return
        error = external_mismatch(control, asked, record)
        if error is not None:
            self.nondeterminism = self.nondeterminism or error
            raise error
        if record.status == "delivered":
            promise._resolve(None, at=record.closed_event_id)
        elif record.status == "failed":
            promise._fail(external_error(record), at=record.closed_event_id)

    # What the code asks about its own run (see `Position`).

    def cancel_requested(self) -> bool:
        return self.position.cancel_visible()

    def patched(self, change_id: str, *, deprecated: bool) -> bool:
        checked_name(change_id, "change id", 200)
        answer, record = self.position.patched(change_id)
        if record:
            self.decisions.append(RecordMarker(PATCH_MARKER + change_id, change_id))
        return answer or deprecated

    def history_length(self) -> int:
        return self.position.history_length()

    def continue_as_new_suggested(self) -> bool:
        return self.position.history_length() >= self.definition.continue_as_new_after

    def replaying(self) -> bool:
        return self.position.replaying()

    def run_ids(self) -> tuple[str, str]:
        return self.workflow_id, self.run_id

    def random(self) -> random.Random:
        return self.position.random()
