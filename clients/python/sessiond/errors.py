"""The exceptions of the sessiond client and middleware.

None of them ever holds a session token: messages carry sessiond's error name
and detail, which never quote a value from the request.
"""


class SessiondError(Exception):
    """Base of every error raised by this package.

    ``status`` is the HTTP status an application should answer with when it
    lets the error through; ``code`` is sessiond's error name when it sent one.
    """

    status = 500

    def __init__(self, message, *, code="", detail=""):
        super().__init__(message)
        self.code = code
        self.detail = detail


class Unauthenticated(SessiondError):
    """No live session: no cookie, or a token sessiond does not know (unknown,
    expired and revoked look the same)."""

    status = 401


class ReauthRequired(SessiondError):
    """The session exists but the user must prove who they are again: its login
    is older than the route allows, or sessiond demands it (a User-Agent change)."""

    status = 401


class CSRFRefused(SessiondError):
    """A state-changing request that may come from another site."""

    status = 403


class ServiceUnavailable(SessiondError):
    """sessiond cannot answer (down, timed out, 5xx): the request is refused,
    never let through as anonymous or authenticated."""

    status = 503


class TooManyRequests(SessiondError):
    """sessiond throttles this client (a flood of invalid tokens)."""

    status = 429


class Conflict(SessiondError):
    """A data change based on a stale session version."""

    status = 409


class APIError(SessiondError):
    """Any other refusal of the API (a bad request, a wrong API key): a fault of
    the application or its configuration, so an application answers 500.
    ``api_status`` is the status sessiond answered."""

    def __init__(self, message, *, api_status, code="", detail=""):
        super().__init__(message, code=code, detail=detail)
        self.api_status = api_status
