"""Log lines as JSON, one object a line, for `COMMENTS_LOG_FORMAT=json`.

Each line has `time` (UTC, ISO 8601), `level`, `logger`, `message`, `request_id` while a
request is being answered, and `exception` with the traceback text when there is one.
The request id travels in a context variable that the request-id middleware sets for
the request's task: a log call deep in the service carries it without being handed it,
and a line logged outside any request has none. A context variable is per task, not a
shared value, so it is the one module-level name here.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

CURRENT_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonLines(logging.Formatter):
    """One JSON object per record; uvicorn's access records get their fields too."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON (newlines inside values are escaped)."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = CURRENT_REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
