"""A devserver over real HTTP, and clients for it: the workers' fixtures."""

from tests.workers.conftest import client, server, swf

__all__ = ["client", "server", "swf"]
