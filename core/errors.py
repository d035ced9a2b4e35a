"""Errors the API turns into its error body ``{"error": {"code", "message", "fields"}}``."""
from __future__ import annotations


class CRMError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict | None = None, **extra):
        super().__init__(message)
        self.message = str(message)
        self.fields = fields or {}
        self.extra = extra

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = {k: str(v) if not isinstance(v, (list, dict)) else v
                               for k, v in self.fields.items()}
        error.update(self.extra)
        return {"error": error}


class BadRequest(CRMError):
    status, code = 400, "bad_request"


class Unauthorized(CRMError):
    status, code = 401, "unauthorized"


class Forbidden(CRMError):
    status, code = 403, "forbidden"


class NotFound(CRMError):
    status, code = 404, "not_found"


class Conflict(CRMError):
    status, code = 409, "conflict"


class ValidationError(CRMError):
    status, code = 422, "validation_error"


class DuplicateWarning(Conflict):
    """A new record probably duplicates existing ones (``matches``); the client confirms to go ahead."""

    code = "duplicate_warning"


class TooManyRequests(CRMError):
    """Rate limited (logins, public form submissions); the message says when to try again."""

    status, code = 429, "too_many_requests"


class ServiceUnavailable(CRMError):
    """The database connection was lost (or SQLite stayed locked): the client may try again shortly."""

    status, code = 503, "database_unavailable"
    retry_after_seconds = 2


class PluginError(Exception):
    """A plugin set that cannot start: missing or cyclic dependency, duplicate name, bad hook."""
