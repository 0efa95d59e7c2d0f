"""SWF's own vocabulary and wire, with no swflow logic: the event and decision tables,
typed decisions, field limits, the boto3 connection and the one fault boundary.

May import: ``swflow.errors``, boto3 and botocore; nothing else of swflow.
"""

from .connection import DOMAIN_VARIABLE, devserver_client, resolve_domain, swf_client
from .decisions import Decision, duration
from .limits import DATA, FIELD_LIMITS, REASON

__all__ = [
    "DATA",
    "DOMAIN_VARIABLE",
    "FIELD_LIMITS",
    "REASON",
    "Decision",
    "devserver_client",
    "duration",
    "resolve_domain",
    "swf_client",
]
