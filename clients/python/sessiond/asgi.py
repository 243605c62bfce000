"""Session middleware for ASGI applications (Starlette, FastAPI, any ASGI app).

The sync client runs in worker threads (asyncio.to_thread), each keeping its
own keep-alive connection to sessiond, so the event loop never waits on it.
"""

import asyncio

from .errors import SessiondError
from .web import RequestInfo
from .wsgi import error_response

SCOPE_KEY = "sessiond"


def request_info(scope):
    """The RequestInfo of an ASGI http scope."""
    headers = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    client = scope.get("client")
    server = scope.get("server")
    return RequestInfo(
        method=scope.get("method", "GET").upper(),
        headers=headers,
        remote_addr=client[0] if client else None,
        scheme=scope.get("scheme", "http"),
        host=headers.get("host") or (f"{server[0]}:{server[1]}" if server else ""),
    )


class AsyncRequestSession:
    """The RequestSession of an ASGI request: the same attributes, and its
    calls to sessiond as coroutines run in a worker thread."""

    def __init__(self, state):
        self._state = state

    @property
    def session(self):
        return self._state.session

    @property
    def reauth_required(self):
        return self._state.reauth_required

    def require(self):
        return self._state.require()

    def require_recent_auth(self, max_age=None):
        return self._state.require_recent_auth(max_age)

    def csrf_token(self):
        return self._state.csrf_token()

    def check_csrf_token(self, submitted):
        self._state.check_csrf_token(submitted)

    async def login(self, user_id, **options):
        return await asyncio.to_thread(self._state.login, user_id, **options)

    async def reauth(self, auth_methods=("pwd",)):
        return await asyncio.to_thread(self._state.reauth, auth_methods)

    async def logout(self):
        await asyncio.to_thread(self._state.logout)


class SessionMiddleware:
    """Wraps an ASGI app as sessiond.wsgi.SessionMiddleware wraps a WSGI one:
    CSRF refusal, session in ``scope["sessiond"]`` (an AsyncRequestSession),
    cookie headers added to the response, 503 when sessiond cannot answer.
    Scopes other than http (lifespan, websocket) pass through untouched."""

    def __init__(self, app, sessions):
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = request_info(scope)
        try:
            self.sessions.check_origin(info)
            state = await asyncio.to_thread(self.sessions.load, info)
        except SessiondError as exc:
            await _refuse(exc, send, [])
            return
        scope[SCOPE_KEY] = AsyncRequestSession(state)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", ())]
                headers = state.response_headers(headers)
                message = {**message, "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except SessiondError as exc:
            if started:
                raise
            await _refuse(exc, send, state.headers)


async def _refuse(exc, send, extra):
    status, headers = error_response(exc)
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers + extra]
    await send({"type": "http.response.start", "status": int(status[:3]), "headers": headers})
    await send({"type": "http.response.body", "body": status.encode()})
