"""An ASGI app served by Hypercorn on a `ServerThread` (the devserver's web UI)."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

from swflow.server_thread import ServerThread

__all__ = ["AsgiServer"]


class AsgiServer(ServerThread):
    """``app`` on ``address``, served by Hypercorn on a loop thread named ``name``.

    ``settings`` are Hypercorn `Config` attributes (``keep_alive_timeout=...``).
    Stopping lets Hypercorn close its connections gracefully.
    """

    def __init__(
        self,
        app: Any,
        address: tuple[str, int],
        *,
        name: str,
        log: logging.Logger,
        backlog: int = 128,
        **settings: Any,
    ) -> None:
        super().__init__(address, name=name, backlog=backlog)
        self.app = app
        self._log, self._settings = log, settings

    async def serve(self, stop: asyncio.Event) -> None:
        config = Config()
        config.bind = [f"fd://{os.dup(self.socket.fileno())}"]  # Hypercorn closes its own
        config.backlog = self.backlog
        config.graceful_timeout = 1.0
        config.include_server_header = False
        config.accesslog = None
        config.errorlog = self._log
        for name, value in self._settings.items():
            setattr(config, name, value)
        await serve(self.app, config, shutdown_trigger=stop.wait, mode="asgi")
