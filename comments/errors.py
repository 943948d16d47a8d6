"""The one error shape of the public contract, as exceptions with stable codes.

Transport turns any `ApiError` into `{"error": {"code", "message", "fields"?}}`; the
message is for a person and never carries internal detail.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error a client may see; `code` is stable, `message` is for a person."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.retry_after = retry_after

    def to_json(self) -> dict[str, object]:
        """The body of the error response."""
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class BadRequest(ApiError):
    """The request cannot be understood (bad JSON, bad cursor, bad origin)."""

    status, code = 400, "bad_request"


class LoginRequired(ApiError):
    """No valid session: missing, expired, revoked, or for another site."""

    status, code = 401, "login_required"


class Forbidden(ApiError):
    """The caller may not do this."""

    status, code = 403, "forbidden"


class Banned(ApiError):
    """The caller is banned from this site."""

    status, code = 403, "banned"


class ThreadClosed(ApiError):
    """The thread takes no more comments."""

    status, code = 403, "thread_closed"


class NotFound(ApiError):
    """No such site, comment or route."""

    status, code = 404, "not_found"


class Conflict(ApiError):
    """The request clashes with the current state (already reported, already decided)."""

    status, code = 409, "conflict"


class TooLarge(ApiError):
    """The request body is over its limit."""

    status, code = 413, "too_large"


class Invalid(ApiError):
    """A field has a wrong value; `fields` names each."""

    status, code = 422, "invalid"


class RateLimited(ApiError):
    """Too many requests; `retry_after` seconds until the next may pass."""

    status, code = 429, "rate_limited"


class Unavailable(ApiError):
    """A dependency (database, cache) is not answering."""

    status, code = 503, "unavailable"


def invalid(field: str, message: str) -> Invalid:
    """A 422 naming one field."""
    return Invalid(f"{field}: {message}", fields={field: message})
