"""The UI's own HTTP server: Hypercorn on a loop thread, on a port of its own."""

from __future__ import annotations

import logging
from typing import Any

from swflow.asgi_server import AsgiServer
from swflow.payloads import PayloadCodec
from swflow.swf.connection import devserver_client

from .app import UiApp
from .views import Views

__all__ = ["UiServer"]

log = logging.getLogger("swflow.ui")


class UiServer:
    """Serves the UI at ``http://HOST:PORT/ui/`` over the SWF API at ``endpoint``.

    Args:
        endpoint: the SWF endpoint it reads and acts through (the devserver's).
        host: the address it listens on.
        port: its port (0: any free one).
        codec: decodes payloads; only the stores it trusts are read (default: none
            but inline payloads).
        swf: a boto3 SWF client to use instead of one made for ``endpoint``.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        codec: PayloadCodec | None = None,
        swf: Any = None,
    ) -> None:
        views = Views(swf or devserver_client(endpoint), codec or PayloadCodec(cache_bytes=0))
        self.app = UiApp(views)
        self._server = AsgiServer(self.app, (host, port), name="swflow-ui", log=log)
        self.address = self._server.address

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}/ui/"

    def start(self) -> UiServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> UiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
