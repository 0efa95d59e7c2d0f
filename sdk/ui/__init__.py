"""The devserver's web UI: runs, a run (payloads, timeline, history), signal, cancel,
terminate. Server-rendered, autoescaped Jinja2 templates, no JavaScript.

It reads and acts through the SWF API (`WorkflowClient`), so it sits beside the CLI,
above the client; payloads decode only from the stores its codec trusts.
"""

from __future__ import annotations

from .app import UiApp
from .server import UiServer
from .views import Filters, Views

__all__ = ["Filters", "UiApp", "UiServer", "Views"]
