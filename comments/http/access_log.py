"""What the access log may carry: the method, the path and the status, never a query.

Query strings carry secrets on their way through: the login callback's authorization
`code` and `state`, the dev login's PKCE challenge. The server writes one access line per
request at the default level, so every query is cut off before any handler sees the
record. The filter knows uvicorn's access record, whose arguments are `(client, method,
path with query, HTTP version, status)`.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
PATH_ARGUMENT = 2


class QueryFreeAccessLog(logging.Filter):
    """Drops the query string from each access record's path (the record stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never suppresses it."""
        args = record.args
        if isinstance(args, tuple) and len(args) > PATH_ARGUMENT:
            path = args[PATH_ARGUMENT]
            if isinstance(path, str) and "?" in path:
                cut = path.split("?", 1)[0]
                record.args = (*args[:PATH_ARGUMENT], cut, *args[PATH_ARGUMENT + 1 :])
        return True
