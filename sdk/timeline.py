"""A run's history drawn as a self-contained HTML page with one inline SVG.

One row per call site: activities (every retry on its row), child workflows and
timers are bars from scheduled to closed, the queued part paler; markers and signals
are points; the decider's tasks are ticks. Colours say how each thing ended, and every
shape's tooltip has its events, times and failure reason. No script, no external file:
the page can be mailed, attached to a ticket or opened from disk.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from .run_info import HistoryEvent

__all__ = ["render_timeline"]

_COLOURS = {
    "completed": "#2e9e5b",
    "fired": "#2e9e5b",
    "failed": "#d1453b",
    "timedout": "#e08a1e",
    "canceled": "#8a8f98",
    "terminated": "#8a8f98",
    "open": "#3b7dd8",
    "queued": "#c9dbf2",
    "marker": "#f0b400",
    "signal": "#1aa6b7",
    "decision": "#56606b",
}
_WIDTH, _LABEL, _ROW, _TOP = 1200, 300, 24, 40
_LONG_GAP = 0.25  # of the run's time: a quiet stretch longer than this is drawn as a break
_LONG_GAP_SECONDS = 30.0  # ... if it is this long too: milliseconds need no break
_CHAR = 6.5  # pixels per character of 12 px text, near enough to place it
_BREAK = 60  # pixels a break takes, whatever it stands for
_LABEL_CHARS = 44  # what fits in the label column; the full label is the tooltip


@dataclass
class _Span:
    """One bar: queued from ``scheduled`` to ``started``, running until ``closed``."""

    scheduled: datetime
    started: datetime | None = None
    closed: datetime | None = None
    outcome: str = "open"
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    label: str
    kind: str  # activity, child, timer, decision, marker, signal, workflow
    spans: list[_Span] = field(default_factory=list)
    points: list[tuple[datetime, str]] = field(default_factory=list)


def _outcome(event_type: str) -> str:
    for word in ("Completed", "Fired", "Failed", "TimedOut", "Canceled", "Terminated"):
        if event_type.endswith(word):
            return word.lower()
    return "completed" if event_type.endswith("ContinuedAsNew") else "open"


def _rows(events: Sequence[HistoryEvent]) -> list[_Row]:  # noqa: PLR0912, PLR0915 (a branch per kind)
    rows: dict[str, _Row] = {}
    spans: dict[object, _Span] = {}  # scheduled/initiated event id, or timer id -> span

    def row(key: str, label: str, kind: str) -> _Row:
        return rows.setdefault(key, _Row(label, kind))

    for event in events:
        kind, a, at = event.event_type, event.attributes, event.timestamp
        note = f"#{event.event_id} {kind} {event.summary()}".strip()
        if kind == "WorkflowExecutionStarted":
            name = a.get("workflowType", {}).get("name", "workflow")
            spans["run"] = _Span(at, at, notes=[note])
            row("run", f"workflow {name}", "workflow").spans.append(spans["run"])
        elif kind.startswith("WorkflowExecution") and kind not in _FROM_OUTSIDE:
            if "run" in spans:
                _close(spans["run"], at, _outcome(kind), note)
        elif kind == "DecisionTaskScheduled":
            spans[event.event_id] = _Span(at, notes=[note])
            row("decisions", "decider", "decision").spans.append(spans[event.event_id])
        elif kind.startswith("DecisionTask"):
            span = spans.get(a.get("scheduledEventId"))
            if span is not None and kind == "DecisionTaskStarted":
                span.started = at
                span.notes.append(note)
            elif span is not None:
                _close(span, at, _outcome(kind), note)
        elif kind == "ActivityTaskScheduled":
            activity_id = a["activityId"]
            site = activity_id.split(".")[0]
            label = f"{a['activityType']['name']} {site}"
            spans[event.event_id] = _Span(at, notes=[note])
            row(f"activity {site}", label, "activity").spans.append(spans[event.event_id])
        elif kind.startswith("ActivityTask") and "scheduledEventId" in a:
            _progress(spans.get(a["scheduledEventId"]), kind, at, note)
        elif kind == "StartChildWorkflowExecutionInitiated":
            label = f"child {a['workflowType']['name']} {a['workflowId']}"
            spans[event.event_id] = _Span(at, notes=[note])
            row(f"child {a['workflowId']}", label, "child").spans.append(spans[event.event_id])
        elif kind.startswith("ChildWorkflowExecution") and "initiatedEventId" in a:
            _progress(spans.get(a["initiatedEventId"]), kind, at, note)
        elif kind == "TimerStarted":
            spans[("timer", a["timerId"])] = _Span(at, at, notes=[note])
            row(f"timer {a['timerId']}", f"timer {a['timerId']}", "timer").spans.append(
                spans[("timer", a["timerId"])]
            )
        elif kind in ("TimerFired", "TimerCanceled"):
            span = spans.get(("timer", a.get("timerId")))
            if span is not None:
                _close(span, at, _outcome(kind), note)
        elif kind in _SENT or kind in _DELIVERED:
            _sent_to_other_run(event, note, spans, row)
        elif kind == "MarkerRecorded":
            row("markers", "markers (@cached, clock, patches)", "marker").points.append((at, note))
        elif kind in _FROM_OUTSIDE:
            row("signals", "signals and cancel requests", "signal").points.append((at, note))
        elif kind.endswith("Failed"):  # decisions SWF refused: shown where people look
            row("refused", "refused decisions", "marker").points.append((at, note))
    return list(rows.values())


_FROM_OUTSIDE = ("WorkflowExecutionSignaled", "WorkflowExecutionCancelRequested")
_SENT = {
    "SignalExternalWorkflowExecutionInitiated": "signal",
    "RequestCancelExternalWorkflowExecutionInitiated": "cancel request",
}
_DELIVERED_OK = {"ExternalWorkflowExecutionSignaled", "ExternalWorkflowExecutionCancelRequested"}
_DELIVERED = _DELIVERED_OK | {
    "SignalExternalWorkflowExecutionFailed",
    "RequestCancelExternalWorkflowExecutionFailed",
}


def _sent_to_other_run(
    event: HistoryEvent,
    note: str,
    spans: dict[object, _Span],
    row: Callable[[str, str, str], _Row],
) -> None:
    """A signal or cancel request sent to another run: a bar until SWF delivered it."""
    kind, a, at = event.event_type, event.attributes, event.timestamp
    if kind in _SENT:
        spans[event.event_id] = _Span(at, at, notes=[note])
        label = f"{_SENT[kind]} {a.get('signalName') or ''} to {a.get('workflowId')}"
        row(f"sent {event.event_id}", " ".join(label.split()), "signal").spans.append(
            spans[event.event_id]
        )
        return
    span = spans.get(a.get("initiatedEventId"))
    if span is not None:
        _close(span, at, "completed" if kind in _DELIVERED_OK else "failed", note)


def _progress(span: _Span | None, kind: str, at: datetime, note: str) -> None:
    if span is None:
        return
    span.notes.append(note)
    if kind.endswith("Started"):
        span.started = at
    elif not kind.endswith("Requested"):
        _close(span, at, _outcome(kind), note=None)


def _close(span: _Span, at: datetime, outcome: str, note: str | None) -> None:
    span.closed, span.outcome = at, outcome
    if note:
        span.notes.append(note)


def _ticks(seconds: float) -> list[float]:
    for step in (0.001, 0.01, 0.1, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400):
        if seconds / step <= 8:
            return [step * i for i in range(int(seconds / step) + 1)]
    return [seconds * i / 8 for i in range(9)]


def _offset(seconds: float) -> str:
    if seconds < 1:
        return f"+{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"+{seconds:g} s"
    if seconds < 7200:
        return f"+{seconds / 60:.4g} min"
    return f"+{seconds / 3600:.4g} h"


class _Axis:
    """Time to x, linear but for long quiet stretches, each drawn as a fixed-width break.

    A run that sleeps an hour on a timer between two-second activities would otherwise
    draw them as slivers: the quiet hour (no event in it) becomes a break of `_BREAK`
    pixels labelled with its length, and the rest of the run shares the width.
    """

    def __init__(self, offsets: list[float], total: float) -> None:
        self.total = total
        points = sorted(set(offsets))
        least = max(_LONG_GAP * total, _LONG_GAP_SECONDS)
        self.gaps = [(a, b) for a, b in itertools.pairwise(points) if b - a > least]
        quiet = sum(b - a for a, b in self.gaps)
        self.busy = max(total - quiet, 0.001)
        self.scale = (_WIDTH - _LABEL - 20 - _BREAK * len(self.gaps)) / self.busy

    def x(self, offset: float) -> float:
        position, previous = float(_LABEL), 0.0
        for a, b in self.gaps:
            if offset <= a:
                break
            position += (a - previous) * self.scale
            if offset < b:
                return position + (offset - a) / (b - a) * _BREAK
            position += _BREAK
            previous = b
        return position + (offset - previous) * self.scale

    def marks(self, height: int) -> list[str]:
        """Ticks over the busy stretches, and a labelled zigzag at each break."""
        steps = _ticks(self.busy)
        step = steps[1] if len(steps) > 1 else self.busy
        bounds = [0.0, *[edge for gap in self.gaps for edge in gap], self.total]
        ticks = sorted(
            {
                step * n
                for begin, finish in zip(bounds[::2], bounds[1::2], strict=False)
                for n in range(int(begin // step), int(finish // step) + 1)
                if begin <= step * n <= finish
            }
        )
        out = [
            f'<line class="tick" x1="{self.x(t):.1f}" y1="{_TOP - 8}" x2="{self.x(t):.1f}" '
            f'y2="{height}"/><text class="axis" x="{self.x(t):.1f}" y="{_TOP - 14}">'
            f"{_offset(t)}</text>"
            for t in ticks
        ]
        for a, b in self.gaps:
            left = self.x(a) + 6
            out.append(
                f'<g class="break"><path d="M{left:.1f} {_TOP - 8} l8 {height - _TOP + 8}" '
                f'stroke="#8a8f98" stroke-dasharray="4 3"/><path d="M{left + 16:.1f} '
                f'{_TOP - 8} l8 {height - _TOP + 8}" stroke="#8a8f98" stroke-dasharray="4 3"/>'
                f'<text class="axis" x="{left - 4:.1f}" y="{_TOP - 26}">{_quiet(b - a)} '
                "quiet</text></g>"
            )
        return out


def render_timeline(events: Sequence[HistoryEvent], *, title: str = "workflow") -> str:
    """The HTML page for a run's ``events`` (oldest first)."""
    if not events:
        raise ValueError("a timeline needs at least one event")
    start, end = events[0].timestamp, events[-1].timestamp
    total = max((end - start).total_seconds(), 0.001)
    axis = _Axis([(event.timestamp - start).total_seconds() for event in events], total)

    def x(at: datetime | None) -> float:
        return axis.x(((at or end) - start).total_seconds())

    rows = _rows(events)
    height = _TOP + _ROW * len(rows) + 10
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}">',
        *axis.marks(height),
    ]
    for index, row in enumerate(rows):
        y = _TOP + index * _ROW
        attempts = (
            f" ({len(row.spans)} attempts)" if row.kind == "activity" and len(row.spans) > 1 else ""
        )
        label = row.label + attempts
        shown = label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"
        svg.append(
            f'<text class="label" x="8" y="{y + 16}">{escape(shown)}'
            f"<title>{escape(label)}</title></text>"
        )
        for span in row.spans:
            svg.append(_bar(row.kind, span, x, y))
        for at, note in row.points:
            cx, colour = x(at), _COLOURS["signal" if row.kind == "signal" else "marker"]
            if "Failed" in note.split(" ")[1]:
                colour = _COLOURS["failed"]
            svg.append(
                f'<path class="point {row.kind}" d="M{cx:.1f} {y + 4} l7 8 -7 8 -7 -8z" '
                f'fill="{colour}"><title>{escape(note)}</title></path>'
            )
    svg.append("</svg>")
    last = events[-1].event_type
    closing = last if last.startswith("WorkflowExecution") and _outcome(last) != "open" else ""
    summary = (
        f"{len(events)} events over {_offset(total)[1:]}, from {start:%Y-%m-%d %H:%M:%S} UTC"
        + (f"; ended with {closing}" if closing else "; still open")
    )
    legend = "".join(
        f'<span><i style="background:{colour}"></i>{name}</span>'
        for name, colour in _COLOURS.items()
        if name not in ("fired", "terminated")
    )
    return _PAGE.format(
        title=escape(title), summary=escape(summary), legend=legend, svg="\n".join(svg)
    )


def _bar(kind: str, span: _Span, x: Callable[[datetime | None], float], y: int) -> str:
    begin, running, finish = x(span.scheduled), x(span.started or span.closed), x(span.closed)
    tooltip = escape("\n".join(span.notes))
    height = 8 if kind == "decision" else 14
    top = y + (_ROW - height) // 2
    parts = [f'<g class="bar {kind} {span.outcome}"><title>{tooltip}</title>']
    if running > begin:  # waiting in the task list
        parts.append(
            f'<rect x="{begin:.1f}" y="{top}" width="{running - begin:.1f}" height="{height}" '
            f'fill="{_COLOURS["queued"]}"/>'
        )
    colour = _COLOURS[
        "decision" if kind == "decision" and span.outcome == "completed" else span.outcome
    ]
    parts.append(
        f'<rect x="{running:.1f}" y="{top}" width="{max(finish - running, 2):.1f}" '
        f'height="{height}" rx="2" fill="{colour}"/>'
    )
    why = (_why(span) if span.outcome in ("failed", "timedout") else "")[:60]
    if why:  # visible without hovering: after the bar, else inside it, else before it
        need, colour = len(why) * _CHAR, _COLOURS[span.outcome]
        if finish + 6 + need <= _WIDTH:
            at, anchor = finish + 6, "start"
        elif finish - running >= need + 12:
            at, anchor, colour = running + 6, "start", "#ffffff"
        else:
            room = max(int((begin - 6 - _LABEL) / _CHAR), 0)
            at, anchor, why = begin - 6, "end", why[:room]
        parts.append(  # a style: the page's rule for svg text beats a fill attribute
            f'<text class="why" x="{at:.1f}" y="{top + 11}" text-anchor="{anchor}" '
            f'style="fill:{colour}">{escape(why)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _why(span: _Span) -> str:
    """The reason, timeout type or cause the span's closing event gave."""
    for note in reversed(span.notes):
        for key in ("reason=", "timeoutType=", "cause="):
            if key in note:
                return note.split(key, 1)[1].split("  ", 1)[0]
    return ""


def _quiet(seconds: float) -> str:
    """A break's length, rounded as people say it."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: swflow timeline</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 24px; color: #1d2328; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }}
p {{ margin: 0 0 12px; color: #56606b; }}
.legend span {{ margin-right: 14px; font-size: 12px; }}
.legend i {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; }}
svg text {{ font: 12px system-ui, sans-serif; fill: #1d2328; }}
svg .axis {{ fill: #56606b; font-size: 11px; }}
svg .tick {{ stroke: #e3e7eb; }}
</style></head>
<body><h1>{title}</h1><p>{summary}</p><div class="legend">{legend}</div>
{svg}
</body></html>
"""
