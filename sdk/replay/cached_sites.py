"""``@cached`` call sites: the n-th call of a function in a run returns what its n-th
call returned the first time, recorded in a marker."""

from __future__ import annotations

import json
from typing import Any

from swflow.errors import (
    CachedCallError,
)
from swflow.failures import qualified
from swflow.swf.decisions import (
    RecordMarker,
)
from swflow.workflow.decorators import (
    CachedDefinition,
)
from swflow.workflow.promise import Blocked, Promise

from .sites import SiteBase

__all__ = ["CachedSites"]


class CachedSites(SiteBase):
    """``@cached`` calls, each run once per call site, ever."""

    # @cached.

    def call_cached(
        self, definition: CachedDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        name = definition.name
        count = self.cached_calls[name] = self.cached_calls.get(name, 0) + 1
        recorded = self.state.markers.get(definition.marker_name, [])
        failures = self.state.markers.get(definition.error_marker_name, [])
        marker = _nth_in_order(recorded, failures, count)
        if marker is not None:
            text = marker.details or ""
            if marker.name == definition.error_marker_name:
                error = json.loads(text)
                raise CachedCallError(name, error["type"], error["message"])
            self.codec.trust(definition.result)  # its own store and codecs
            with self.progress.exempted():  # a fetch is swflow's I/O, not the decider's time
                return self.codec.decode(
                    text, expect=definition.result.serializer, field="marker details"
                )
        while self.new_markers >= self.marker_budget:
            # Its marker could not go out with this decision task: run it in the next one,
            # never now (a value computed but not recorded would be computed again). A
            # sticky decider waits here for that task; a replay stops.
            self.out_of_budget = True
            waiting = f"cached {name} #{count} (decision budget full)"
            self.note_blocked(waiting)
            if self.suspend is None or not self.suspend():
                raise Blocked(Promise(waiting))
        self.new_markers += 1
        try:
            with self.progress.exempted():
                value = definition.function(*args, **kwargs)
        except Exception as exc:
            error = {"type": qualified(exc), "message": str(exc)[:20_000]}
            self.decisions.append(RecordMarker(definition.error_marker_name, json.dumps(error)))
            raise CachedCallError(name, error["type"], error["message"]) from exc
        details = self.codec.encode(
            value,
            definition.result.serializer,
            definition.result.store,
            field="marker details",
            codecs=definition.result.codecs,
            owner=f"cached {name}",
        )
        self.decisions.append(RecordMarker(definition.marker_name, details))
        return self.codec.decode(details)  # the replays' value, exactly, from the first run


def _nth_in_order(values: list[Any], errors: list[Any], count: int) -> Any:
    """The count-th marker of a cached function, value and error markers interleaved."""
    if not errors:  # the usual case, in O(1): a run of 40,000 calls must stay linear
        return values[count - 1] if len(values) >= count else None
    merged = sorted((*values, *errors), key=lambda marker: marker.event_id)
    return merged[count - 1] if len(merged) >= count else None
