"""Log records as one JSON object per line, with the run and task they concern.

The workflow id, run id and activity id come from the record when the logger put
them there (`swflow.workflow_logger`, the workers' own task logs) and otherwise from
the activity the logging thread is running.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from swflow.workflow.activity_context import current_activity

__all__ = ["JsonLogFormatter"]

_IDS = ("workflow_id", "run_id", "activity_id")


class JsonLogFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "workflow_id", "run_id", "activity_id",
    "exception"}``, the ids and exception only when known."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ids = {key: getattr(record, key) for key in _IDS if getattr(record, key, None)}
        if not ids:
            activity = current_activity()
            if activity is not None:
                ids = {
                    "workflow_id": activity.workflow_id,
                    "run_id": activity.run_id,
                    "activity_id": activity.activity_id,
                }
        line.update(ids)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
