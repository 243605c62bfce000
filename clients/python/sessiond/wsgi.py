"""Session middleware for WSGI applications (Flask, Django, any WSGI app)."""

from .errors import SessiondError
from .web import RequestInfo

ENVIRON_KEY = "sessiond"


def request_info(environ):
    """The RequestInfo of a WSGI environ."""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if key in environ:
            headers[key.replace("_", "-").lower()] = environ[key]
    return RequestInfo(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        headers=headers,
        remote_addr=environ.get("REMOTE_ADDR"),
        scheme=environ.get("wsgi.url_scheme", "http"),
        host=headers.get("host") or environ.get("SERVER_NAME", ""),
    )


def error_response(exc):
    """The status line and headers of the plain answer to a SessiondError."""
    status = {401: "401 Unauthorized", 403: "403 Forbidden", 429: "429 Too Many Requests",
              503: "503 Service Unavailable"}.get(exc.status, "500 Internal Server Error")
    return status, [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")]


class SessionMiddleware:
    """Wraps a WSGI app: refuses cross-site unsafe requests (403), validates
    the session cookie, puts the RequestSession in ``environ["sessiond"]``
    and adds its headers (cookie set, re-set or cleared; Cache-Control) to
    the response. When sessiond cannot answer for a request that carries a
    cookie, the answer is 503 and the app is not called (fail closed). A
    SessiondError the app lets through becomes its status in plain text
    (401, 403, 429, 503, else 500)."""

    def __init__(self, app, sessions):
        self.app = app
        self.sessions = sessions

    def __call__(self, environ, start_response):
        info = request_info(environ)
        try:
            self.sessions.check_origin(info)
            state = self.sessions.load(info)
        except SessiondError as exc:
            return self._refuse(exc, start_response, [])
        environ[ENVIRON_KEY] = state

        def start(status, headers, exc_info=None):
            return start_response(status, state.response_headers(list(headers)), exc_info)

        try:
            return self.app(environ, start)
        except SessiondError as exc:
            return self._refuse(exc, start_response, state.headers)

    @staticmethod
    def _refuse(exc, start_response, extra):
        status, headers = error_response(exc)
        start_response(status, headers + extra)
        return [status.encode()]
