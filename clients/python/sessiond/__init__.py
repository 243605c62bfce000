"""sessiond: a client of the sessiond service API v1 and session middleware
for WSGI and ASGI applications. Standard library only.

    from sessiond import Client, Sessions
    from sessiond.wsgi import SessionMiddleware

See README.md for the shortest secure setup.
"""

from .client import REFUSED_DEVICE_RESPONSE, Client, DeviceAnswer, Issued, Session, Validated
from .errors import (
    APIError,
    Conflict,
    CSRFRefused,
    ReauthRequired,
    ServiceUnavailable,
    SessiondError,
    TooManyRequests,
    Unauthenticated,
)
from .web import BOUND_COOKIE_NAME, COOKIE_NAME, RequestSession, Sessions

__all__ = [
    "APIError", "BOUND_COOKIE_NAME", "COOKIE_NAME", "CSRFRefused", "Client", "Conflict", "DeviceAnswer", "Issued",
    "REFUSED_DEVICE_RESPONSE", "ReauthRequired",
    "RequestSession", "ServiceUnavailable", "Session", "Sessions", "SessiondError", "TooManyRequests",
    "Unauthenticated", "Validated",
]
