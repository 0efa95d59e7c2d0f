"""An ASGI app served by Hypercorn on an event loop thread of its own.

The devserver's SWF front and its web UI both serve this way: the socket is bound (and
queues connections) when the server is made, the loop runs on a daemon thread once
started, and stopping lets Hypercorn close its connections gracefully.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

__all__ = ["AsgiServer"]


class AsgiServer:
    """``app`` on ``address``, served by Hypercorn on a loop thread named ``name``.

    ``settings`` are Hypercorn `Config` attributes (``keep_alive_timeout=...``);
    ``on_stop`` runs on the loop just before the server is told to shut down.
    """

    def __init__(
        self,
        app: Any,
        address: tuple[str, int],
        *,
        name: str,
        log: logging.Logger,
        backlog: int = 128,
        on_stop: Callable[[], None] | None = None,
        **settings: Any,
    ) -> None:
        self.app = app
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(address)
        self.socket.listen(backlog)  # connections queue from now on, before the loop runs
        self.address: tuple[str, int] = self.socket.getsockname()[:2]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._log, self._backlog, self._settings = log, backlog, settings
        self._on_stop = on_stop
        self._stop: asyncio.Event | None = None

    @property
    def stopping(self) -> bool:
        """Told to stop (read on the loop)."""
        return self._stop is not None and self._stop.is_set()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop already closed
            self.loop.call_soon_threadsafe(self._shut_down)  # queued if not running yet
        if self.thread.is_alive():
            self.thread.join(10)
        self.socket.close()

    def _shut_down(self) -> None:
        if self._on_stop is not None:
            self._on_stop()
        if self._stop is not None:
            self._stop.set()

    def _serve(self) -> None:
        config = Config()
        config.bind = [f"fd://{os.dup(self.socket.fileno())}"]  # Hypercorn closes its own
        config.backlog = self._backlog
        config.graceful_timeout = 1.0
        config.include_server_header = False
        config.accesslog = None
        config.errorlog = self._log
        for name, value in self._settings.items():
            setattr(config, name, value)
        asyncio.set_event_loop(self.loop)
        self._stop = asyncio.Event()
        try:
            self.loop.run_until_complete(
                serve(self.app, config, shutdown_trigger=self._stop.wait, mode="asgi")
            )
        finally:
            self.loop.close()
