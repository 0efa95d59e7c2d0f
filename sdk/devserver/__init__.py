"""swflow devserver: an SWF-compatible server on SQLite, with a virtual clock.

It speaks SWF's JSON 1.0 protocol, so boto3 reaches it unchanged with
``endpoint_url`` or ``AWS_ENDPOINT_URL_SWF``. A development engine: production is
Amazon SWF.

May import: ``swflow.swf.vocabulary`` (SWF's event and decision tables, shared with the
SDK), ``swflow.errors`` and botocore's service model; never the replay engine, the
workers or the client (a test holds it to that).
"""

from .clock import Clock
from .faults import Fault
from .server import DevServer

__all__ = ["Clock", "DevServer", "Fault"]
