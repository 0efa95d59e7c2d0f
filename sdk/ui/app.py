"""The UI's ASGI app: routes, forms and responses; the pages come from `views` and the
templates. GETs only read; the one route that writes takes a POST from this origin."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from swflow.errors import SwflowError
from swflow.timeline import render_timeline

from .views import PREVIEW, Filters, Views

__all__ = ["UiApp"]

log = logging.getLogger("swflow.ui")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_MAX_FORM = 64 * 1024
_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        b"frame-src 'self'; frame-ancestors 'self'; form-action 'self'",
    ),
]


class UiApp:
    """``/ui/`` pages over ``views``: runs, run, payload, timeline, confirm; POST act."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.templates = Environment(
            loader=PackageLoader("swflow.ui", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.routes: dict[str, Callable[[dict[str, str]], str]] = {
            "/ui/": self._runs,
            "/ui/run": self._run,
            "/ui/payload": self._payload,
            "/ui/timeline": self._timeline,
            "/ui/confirm": self._confirm,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        else:
            await _send(send, *await self._respond(scope, receive))

    async def _respond(self, scope: Scope, receive: Receive) -> tuple[int, str, str | None]:
        path = scope["path"] if scope["path"] != "/ui" else "/ui/"
        method = scope["method"]
        if path == "/ui/act":
            if method != "POST":
                return 405, self._error("acting on a run takes a POST"), None
            if not _same_origin(scope):
                return 403, self._error("a form from another origin"), None
            form = _form(await _body(receive))
            return await asyncio.to_thread(self._act, form)
        view = self.routes.get(path)
        if view is None:
            return 404, self._error(f"no page at {path[:200]}"), None
        if method not in ("GET", "HEAD"):
            return 405, self._error("pages are read with GET"), None
        query = _form(scope.get("query_string", b""))
        status, page = await asyncio.to_thread(self._render, view, query)
        return status, page, None

    def _render(
        self, view: Callable[[dict[str, str]], str], query: dict[str, str]
    ) -> tuple[int, str]:
        try:
            return 200, view(query)
        except (SwflowError, ValueError) as exc:  # a bad id, filter or payload: say it
            return 400, self._error(f"{type(exc).__name__}: {exc}")

    def _page(self, name: str, **context: Any) -> str:
        return self.templates.get_template(name).render(**context, preview=PREVIEW)

    def _error(self, message: str) -> str:
        return self._page("error.html", message=message)

    def _runs(self, query: dict[str, str]) -> str:
        domains = self.views.domains()
        domain = query.get("domain") or (domains[0] if domains else "")
        since = query.get("since", "")
        filters = Filters(
            workflow_id=query.get("workflow_id", ""),
            workflow_type=query.get("workflow_type", ""),
            tag=query.get("tag", ""),
            status=query.get("status", ""),
            since_hours=float(since) if since else None,
            page=max(int(query.get("page") or 0), 0),
        )
        runs, more = self.views.runs(domain, filters) if domain else ([], False)
        return self._page(
            "runs.html", domains=domains, domain=domain, filters=filters, since=since,
            runs=runs, more=more, query=query, link=_link,
        )  # fmt: skip

    def _ids(self, query: dict[str, str]) -> tuple[str, str, str]:
        return query.get("domain", ""), query.get("workflow_id", ""), query.get("run_id", "")

    def _run(self, query: dict[str, str]) -> str:
        domain, workflow_id, run_id = self._ids(query)
        run = self.views.run(domain, workflow_id, run_id)
        return self._page("run.html", domain=domain, workflow_id=workflow_id, link=_link, **run)

    def _payload(self, query: dict[str, str]) -> str:
        domain, workflow_id, run_id = self._ids(query)
        event = int(query.get("event") or 0)
        field = query.get("field", "")
        text = self.views.payload(domain, workflow_id, run_id, event, field)
        return self._page(
            "payload.html", domain=domain, workflow_id=workflow_id, run_id=run_id,
            event=event, field=field, text=text, link=_link,
        )  # fmt: skip

    def _timeline(self, query: dict[str, str]) -> str:
        domain, workflow_id, run_id = self._ids(query)
        return render_timeline(self.views.events(domain, workflow_id, run_id), title=workflow_id)

    def _confirm(self, query: dict[str, str]) -> str:
        action = query.get("action", "")
        if action not in ("signal", "cancel", "terminate"):
            raise ValueError(f"unknown action {action!r}")
        domain, workflow_id, run_id = self._ids(query)
        return self._page(
            "confirm.html", action=action, domain=domain, workflow_id=workflow_id,
            run_id=run_id, link=_link,
        )  # fmt: skip

    def _act(self, form: dict[str, str]) -> tuple[int, str, str | None]:
        domain, workflow_id, run_id = self._ids(form)
        try:
            self.views.act(domain, workflow_id, run_id, form.get("action", ""), form)
        except (SwflowError, ValueError) as exc:
            return 400, self._error(f"{type(exc).__name__}: {exc}"), None
        target = _link("/ui/run", domain=domain, workflow_id=workflow_id, run_id=run_id)
        return 303, "", target


def _link(path: str, **query: Any) -> str:
    """A URL with its query encoded (the templates escape it again for the attribute)."""
    return f"{path}?{urlencode({k: v for k, v in query.items() if v not in (None, '')})}"


def _form(raw: bytes) -> dict[str, str]:
    parsed = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


def _same_origin(scope: Scope) -> bool:
    """No Origin (curl, tests) or this host's own: a page elsewhere cannot post here."""
    headers: dict[bytes, bytes] = dict(scope.get("headers", []))
    origin = headers.get(b"origin")
    if origin is None:
        return True
    return origin.split(b"://", 1)[-1] == headers.get(b"host", b"")


async def _body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if len(body) > _MAX_FORM:
            return b""  # an oversized form is no form: the action then fails as unknown
        if not message.get("more_body"):
            return body


async def _send(send: Send, status: int, page: str, location: str | None = None) -> None:
    headers = list(_HEADERS)
    if location is not None:
        headers.append((b"location", location.encode()))
    body = page.encode()
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
