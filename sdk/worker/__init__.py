"""Polling processes: the shared loop, the activity and decision workers, the decision
worker's history cache and raw history pages, and the local environment.

May import everything below it (``swflow.replay``, ``swflow.workflow``, ``swflow.swf``,
payloads, the client); the local environment also starts a devserver.
"""

from .activity import DistributedActivityWorker
from .base import Worker
from .decision import DistributedDecisionWorker
from .history_cache import HistoryCache
from .local import LocalDecisionWorker, LocalEnvironment

__all__ = [
    "DistributedActivityWorker",
    "DistributedDecisionWorker",
    "HistoryCache",
    "LocalDecisionWorker",
    "LocalEnvironment",
    "Worker",
]
