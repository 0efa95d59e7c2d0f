"""The UI's own HTTP server: Hypercorn on a loop thread, on a port of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

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
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.socket.listen(128)
        self.address: tuple[str, int] = self.socket.getsockname()[:2]
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._serve, name="swflow-ui", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}/ui/"

    def start(self) -> UiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop already closed
            self._loop.call_soon_threadsafe(self._set_stop)
        if self._thread.is_alive():
            self._thread.join(10)
        self.socket.close()

    def __enter__(self) -> UiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set_stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def _serve(self) -> None:
        config = Config()
        config.bind = [f"fd://{os.dup(self.socket.fileno())}"]  # Hypercorn closes its own
        config.graceful_timeout = 1.0
        config.include_server_header = False
        config.accesslog = None
        config.errorlog = log
        asyncio.set_event_loop(self._loop)
        self._stop = asyncio.Event()
        try:
            self._loop.run_until_complete(
                serve(self.app, config, shutdown_trigger=self._stop.wait, mode="asgi")  # type: ignore[arg-type]
            )
        finally:
            self._loop.close()
