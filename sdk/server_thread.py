"""A listening socket served by an event loop on a daemon thread of its own.

The devserver's SWF front and its web UI both serve this way: the socket is bound (and
queues connections) when the server is made, the loop runs once started, and stopping
is queued on the loop even when it has not run yet, so a stop is never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable

__all__ = ["ServerThread"]


class ServerThread:
    """Subclasses define `serve`, which runs on the loop until ``stop`` is set.

    ``on_stop`` runs on the loop just before ``stop`` is set.
    """

    def __init__(
        self,
        address: tuple[str, int],
        *,
        name: str,
        backlog: int = 128,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(address)
        self.socket.listen(backlog)  # connections queue from now on, before the loop runs
        self.address: tuple[str, int] = self.socket.getsockname()[:2]
        self.backlog = backlog
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._on_stop = on_stop
        self._stop: asyncio.Event | None = None

    async def serve(self, stop: asyncio.Event) -> None:
        raise NotImplementedError

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

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._stop = asyncio.Event()
        try:
            self.loop.run_until_complete(self.serve(self._stop))
        finally:
            self.loop.close()
