"""A synchronous client of sessiond's API v1.

Each thread keeps its own keep-alive connection to sessiond, so a threaded
WSGI server or asyncio.to_thread reuses connections without sharing one.
"""

import datetime
import http.client
import json
import ssl
import threading
import time
import urllib.parse
import weakref
from dataclasses import dataclass, field

from .errors import (
    APIError,
    Conflict,
    ReauthRequired,
    ServiceUnavailable,
    TooManyRequests,
    Unauthenticated,
)

# A connection idle longer than this is closed rather than reused: sessiond
# closes idle connections after two minutes, and a request sent on a
# connection the server has just closed fails in a way that cannot tell
# whether the server saw it.
_MAX_IDLE_SECONDS = 60.0


def _time(value):
    return datetime.datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Session:
    """A session as the API shows it, never with a token. Times are aware
    datetimes in UTC."""

    id: str
    user_id: str
    state: str
    created_at: datetime.datetime
    last_seen_at: datetime.datetime
    idle_expires_at: datetime.datetime
    absolute_expires_at: datetime.datetime
    auth_time: datetime.datetime
    auth_methods: tuple
    ip: str
    user_agent: str
    version: int
    data: dict
    #: Whether the session is bound to a key its browser keeps (W3C DBSC):
    #: {"bound", "alg", "bound_at", "thumbprint"}.
    device: dict = field(default_factory=dict)

    @property
    def bound(self):
        """Whether the session is bound to a device key."""
        return bool(self.device.get("bound"))

    @classmethod
    def from_json(cls, obj):
        return cls(
            id=obj["id"],
            user_id=obj["user_id"],
            state=obj.get("state", "active"),
            created_at=_time(obj.get("created_at")),
            last_seen_at=_time(obj.get("last_seen_at")),
            idle_expires_at=_time(obj.get("idle_expires_at")),
            absolute_expires_at=_time(obj.get("absolute_expires_at")),
            auth_time=_time(obj.get("auth_time")),
            auth_methods=tuple(obj.get("auth_methods") or ()),
            ip=obj.get("ip", ""),
            user_agent=obj.get("user_agent", ""),
            version=obj.get("version", 0),
            data=dict(obj.get("data") or {}),
            device=dict(obj.get("device") or {}),
        )


@dataclass(frozen=True, repr=False)
class Issued:
    """A session and its token. The token is a secret: it goes into a cookie
    and nowhere else (its repr leaves it out)."""

    token: str
    session: Session
    #: The Secure-Session-Registration header to send with the session
    #: cookie, when create was asked for it (device_binding) and sessiond
    #: offers device binding; else None.
    device_registration: str | None = None

    def __repr__(self):
        return f"Issued(session={self.session!r})"


@dataclass(frozen=True, repr=False)
class DeviceAnswer:
    """What to answer a browser's device registration or refresh (W3C DBSC)
    with: result "bound" (a new bound cookie) or "challenge". response()
    gives the status, headers and body; its repr leaves the cookie out."""

    result: str
    challenge: str
    set_cookie: str | None
    session_config: dict | None

    @classmethod
    def from_json(cls, obj):
        cookie = obj.get("cookie") or {}
        return cls(obj["result"], obj.get("challenge", ""), cookie.get("set_cookie"), obj.get("session_config"))

    def response(self):
        """The answer for the browser: (status, headers, body)."""
        headers = [("Cache-Control", "no-store")]
        if self.challenge:
            headers.append(("Secure-Session-Challenge", self.challenge))
        if self.result != "bound":
            return 403, headers, b""
        headers += [("Set-Cookie", self.set_cookie), ("Content-Type", "application/json")]
        return 200, headers, json.dumps(self.session_config).encode()

    def __repr__(self):
        return f"DeviceAnswer(result={self.result!r})"


#: The answer for a browser whose device registration or refresh failed
#: (the call raised): 403 ends its bound session.
REFUSED_DEVICE_RESPONSE = (403, [("Cache-Control", "no-store")], b"")


@dataclass(frozen=True, repr=False)
class Validated:
    """The answer of validate: the session, and a new token when sessiond
    rotated it (the caller must hand it to the browser), else None."""

    session: Session
    token: str | None

    def __repr__(self):
        return f"Validated(session={self.session!r}, rotated={self.token is not None})"


def _none_dropped(**members):
    return {k: v for k, v in members.items() if v is not None}


class Client:
    """A client of sessiond's API v1.

    base_url is sessiond's address, e.g. ``https://127.0.0.1:8443``. ca_file
    names a PEM file of the certificates to trust (sessiond's development
    certificate is ``<data-dir>/dev-cert.pem``); without it and without
    ssl_context the system's trust store is used. Verification is never
    turned off. timeout (seconds, default 2) bounds each connect, send and
    read of every call. GET and DELETE calls, which are idempotent, are tried
    once more on a fresh connection when the first attempt fails on the
    network (retries, default 1); POST calls never are, since the first
    attempt may have rotated or revoked a token already.

    Safe for use from many threads: each keeps its own connection.
    """

    def __init__(self, base_url, api_key, *, ca_file=None, ssl_context=None, timeout=2.0, retries=1):
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("https", "http") or not url.hostname:
            raise ValueError("sessiond: base_url must be an http:// or https:// URL")
        if not api_key:
            raise ValueError("sessiond: api_key is empty")
        if timeout <= 0:
            raise ValueError("sessiond: timeout must be more than 0")
        if url.scheme == "https" and ssl_context is None:
            ssl_context = ssl.create_default_context(cafile=ca_file)
        self._scheme = url.scheme
        self._host = url.hostname
        self._port = url.port
        self._prefix = url.path.rstrip("/")
        self._auth = "Bearer " + api_key
        self._ssl = ssl_context
        self._timeout = timeout
        self._retries = retries
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections = weakref.WeakSet()  # every thread's, for close

    # -- the API -------------------------------------------------------------

    def create(self, user_id, *, ip=None, user_agent=None, auth_methods=None, data=None, device_binding=None):
        """Creates a session at login and returns its token and session; with
        device_binding, the device-binding offer too (Issued.device_registration)."""
        body = _none_dropped(user_id=user_id, ip=ip, user_agent=user_agent, auth_methods=auth_methods, data=data,
                             device_binding=device_binding)
        return self._issued(self._call("POST", "/v1/sessions", body))

    def validate(self, token, *, ip=None, user_agent=None, bound_cookie=None, skipped=None):
        """Checks a token presented by a browser, with the IP and User-Agent it
        came with. A session bound to a device needs bound_cookie, the value of
        the browser's __Host-bound cookie (skipped: its Secure-Session-Skipped
        header). Raises Unauthenticated or ReauthRequired."""
        body = _none_dropped(token=token, ip=ip, user_agent=user_agent, bound_cookie=bound_cookie, skipped=skipped)
        answer = self._call("POST", "/v1/sessions/validate", body)
        return Validated(Session.from_json(answer["session"]), answer.get("token"))

    def rotate(self, token, *, bound_cookie=None, skipped=None):
        """Replaces a token; the old one lives only for the grace window."""
        body = _none_dropped(token=token, bound_cookie=bound_cookie, skipped=skipped)
        return self._issued(self._call("POST", "/v1/sessions/rotate", body))

    def change_data(self, token, *, set=None, delete=None, version=None, bound_cookie=None, skipped=None):
        """Sets and deletes keys of the session's data. With version, the change
        is refused with Conflict when the session changed since that version."""
        body = _none_dropped(token=token, set=set, delete=delete, version=version, bound_cookie=bound_cookie,
                             skipped=skipped)
        return Session.from_json(self._call("POST", "/v1/sessions/data", body)["session"])

    def reauth(self, token, auth_methods, *, ip=None, user_agent=None, bound_cookie=None, skipped=None):
        """Records a fresh proof of identity; returns the new token."""
        body = _none_dropped(token=token, auth_methods=auth_methods, ip=ip, user_agent=user_agent,
                             bound_cookie=bound_cookie, skipped=skipped)
        return self._issued(self._call("POST", "/v1/sessions/reauth", body))

    def register_device(self, token, *, response, origin, ip=None, user_agent=None):
        """Passes on a browser's device registration (W3C DBSC): response is
        its Secure-Session-Response header, origin the application's
        (https://host). Returns a DeviceAnswer; raises APIError (403
        device_refused) or Unauthenticated when it is refused."""
        body = _none_dropped(token=token, secure_session_response=response, origin=origin, ip=ip,
                             user_agent=user_agent)
        return DeviceAnswer.from_json(self._call("POST", "/v1/sessions/device/registration", body))

    def refresh_device(self, token, *, session_id, origin, response=None, ip=None, user_agent=None):
        """Passes on a browser's refresh of a bound session: session_id is its
        Sec-Secure-Session-Id header, response its Secure-Session-Response
        (None on the first try). Returns a DeviceAnswer, raises as
        register_device."""
        body = _none_dropped(token=token, secure_session_response=response, sec_secure_session_id=session_id,
                             origin=origin, ip=ip, user_agent=user_agent)
        return DeviceAnswer.from_json(self._call("POST", "/v1/sessions/device/refresh", body))

    def revoke(self, token):
        """Ends the session of a token (logout)."""
        self._call("POST", "/v1/sessions/revoke", {"token": token})

    def revoke_session(self, session_id):
        """Ends a session by its public id."""
        self._call("DELETE", "/v1/sessions/" + _segment(session_id))

    def list_user_sessions(self, user_id):
        """A user's live sessions."""
        answer = self._call("GET", f"/v1/users/{_segment(user_id)}/sessions")
        return [Session.from_json(s) for s in answer["sessions"]]

    def revoke_user_sessions(self, user_id, *, except_id=None):
        """Ends every session of a user, but the one named by except_id; returns
        how many ended."""
        query = "?" + urllib.parse.urlencode({"except": except_id}) if except_id else ""
        return self._call("DELETE", f"/v1/users/{_segment(user_id)}/sessions{query}")["revoked"]

    def revoke_others(self, session):
        """Ends every other session of the session's user."""
        return self.revoke_user_sessions(session.user_id, except_id=session.id)

    def audit(self, *, user_id=None, session_id=None, type=None, limit=None):
        """Audit events, newest first, as dicts (see the API's Event schema):
        the first page."""
        return self.audit_page(user_id=user_id, session_id=session_id, type=type, limit=limit)[0]

    def audit_page(self, *, user_id=None, session_id=None, type=None, limit=None, cursor=None):
        """One page of audit events, newest first, and the cursor of the next
        page: pass it back as cursor, with the same user_id, session_id and
        type; it is "" after the last page."""
        query = urllib.parse.urlencode(_none_dropped(
            user_id=user_id, session_id=session_id, type=type, limit=limit, cursor=cursor or None))
        answer = self._call("GET", "/v1/audit" + ("?" + query if query else ""))
        return answer["events"], answer.get("next_cursor", "")

    def close(self):
        """Closes every thread's connection; a later call opens a new one."""
        with self._lock:
            for conn in list(self._connections):
                conn.close()

    # -- transport -----------------------------------------------------------

    @staticmethod
    def _issued(answer):
        return Issued(answer["token"], Session.from_json(answer["session"]), answer.get("device_registration"))

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None and time.monotonic() - self._local.used > _MAX_IDLE_SECONDS:
            self._drop_connection()
            conn = None
        if conn is None:
            if self._scheme == "https":
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout, context=self._ssl)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
            self._local.conn = conn
            with self._lock:
                self._connections.add(conn)
        return conn

    def _drop_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _call(self, method, path, body=None):
        attempts = 1 + (self._retries if method in ("GET", "DELETE") else 0)
        for attempt in range(attempts):
            try:
                status, payload = self._exchange(method, path, body)
                break
            except (OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                if attempt + 1 == attempts:
                    # The cause is a network error; it holds no token, but is
                    # left out all the same so nothing of the request leaks.
                    raise ServiceUnavailable(f"sessiond: {method} {path.split('?')[0]}: {type(exc).__name__}") from None
        if status in (200, 201, 204):
            return payload
        raise _error(status, payload)

    def _exchange(self, method, path, body):
        conn = self._connection()
        headers = {"Authorization": self._auth, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, self._prefix + path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        self._local.used = time.monotonic()
        if response.will_close:
            self._drop_connection()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {}
        return response.status, payload


def _segment(value):
    if not value:
        raise ValueError("sessiond: an empty id")
    return urllib.parse.quote(value, safe="")


_ERRORS = {
    "invalid_session": Unauthenticated,
    "reauth_required": ReauthRequired,
    "conflict": Conflict,
    "too_many_requests": TooManyRequests,
}


def _error(status, payload):
    code = payload.get("error", "") if isinstance(payload, dict) else ""
    detail = payload.get("detail", "") if isinstance(payload, dict) else ""
    message = f"sessiond: {status} {code}: {detail}" if code else f"sessiond: status {status}"
    if status >= 500:
        return ServiceUnavailable(message, code=code, detail=detail)
    cls = _ERRORS.get(code)
    if cls is not None:
        return cls(message, code=code, detail=detail)
    return APIError(message, api_status=status, code=code, detail=detail)
