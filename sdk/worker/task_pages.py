"""A decision task's events, fetched newest first down to what the worker knows.

With the history cache on, the poll asks for a small first page (`FIRST_PAGE` events):
a warm task needs only the events since the run's last task, a handful, and a full
page would bring (and have scanned) up to 1,000 on every task of a long run. When
more are needed (a cold run, a cache another worker left behind), the rest comes
1,000 events a page by GetWorkflowExecutionHistory, because SWF wants a poll's later
pages asked with the same page size. A cold run reads every page whole, the history's
newest one in place of the poll's (the same events, decoded in one pass). With the
cache off every task is cold: the poll asks for full pages and follows its own tokens,
as without a cache.

Events newer than the task's first page (appended since the poll) are dropped: the
task answers the history as the poll gave it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .pages import event_id, page_events

__all__ = ["FIRST_PAGE", "FULL_PAGE", "HistoryPages", "newer", "oldest_first", "task_pages"]

FIRST_PAGE = 100
"""Events on a warm-capable poll's first page."""

FULL_PAGE = 1000
"""Events per page otherwise: SWF's maximum."""


class HistoryPages(Protocol):
    """Where the pages come from (`RawPolls`, or a test's stand-in)."""

    def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]: ...

    def history(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]: ...


def newer(newest_first: list[Any], known: int) -> list[Any]:
    """A page's events newer than ``known``: decoded when some are known (a warm run
    reads a handful), left as the page holds them when all are new (raw ones decoded as
    the task is handled, where a malformed event fails that task, not the poll)."""
    return page_events(newest_first, known) if known else list(newest_first)


def task_pages(
    source: HistoryPages, params: dict[str, Any], first: dict[str, Any], known: int
) -> list[list[Any]]:
    """A task's events newer than ``known``, newest first, in pages: the poll's
    ``first`` page (asked with ``params``), then what follows down to event ``known`` + 1,
    or event 1 when ``known`` is 0 (cold: every event is needed, so the pages decode
    whole, and the history's first page, holding the poll's events decoded, takes the
    place of the poll's raw one)."""
    held = newer(first["events"], known)
    token = first.get("nextPageToken")
    if not (token and held and event_id(held[-1]) > known + 1):
        return [held]
    if params["maximumPageSize"] >= FULL_PAGE:  # the poll's own pages
        return [held, *_following(source.poll, params, token, event_id(held[-1]), known)]
    execution = first["workflowExecution"]
    asked = {  # from the newest event again, by history
        "domain": params["domain"],
        "execution": {"workflowId": execution["workflowId"], "runId": execution["runId"]},
        "maximumPageSize": FULL_PAGE,
        "reverseOrder": True,
    }
    if known:  # a cache far behind: only what it lacks, decoded as found
        return [held, *_following(source.history, asked, None, event_id(held[-1]), known)]
    return _following(source.history, asked, None, event_id(held[0]) + 1, known)


def _following(
    fetch: Callable[..., dict[str, Any]],
    asked: dict[str, Any],
    token: str | None,
    below: int,
    known: int,
) -> list[list[Any]]:
    """Pages asked with ``asked`` from ``token``: their events older than ``below``,
    newer than ``known``."""
    pages: list[list[Any]] = []
    while True:
        page = fetch(**asked, **({"nextPageToken": token} if token else {}), lazy=known > 0)
        rest = _below(page["events"], below)
        held = newer(rest, known)
        if held:
            pages.append(held)
        token = page.get("nextPageToken")
        if not token or (rest and (not held or event_id(held[-1]) <= known + 1)):
            return pages  # every older event is known, or there are none


def oldest_first(newest_first_pages: list[list[Any]]) -> list[Any]:
    """Newest-first pages' events as one list, oldest first."""
    events: list[Any] = []
    for page in reversed(newest_first_pages):
        events += reversed(page)
    return events


def _below(newest_first: list[Any], below: int) -> list[Any]:
    """A newest-first page without its events from ``below`` on (held already, or
    appended after the poll)."""
    for index, event in enumerate(newest_first):
        if event_id(event) < below:
            return newest_first[index:]
    return []
