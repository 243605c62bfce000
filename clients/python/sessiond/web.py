"""What the WSGI and ASGI middleware share: the session cookie, the client's
address, the CSRF checks and the per-request session state."""

import base64
import hashlib
import hmac
import ipaddress
import re
import time
from dataclasses import dataclass, field

from .errors import CSRFRefused, ReauthRequired, Unauthenticated

COOKIE_NAME = "__Host-session"
#: The bound cookie of a session bound to a device (W3C DBSC).
BOUND_COOKIE_NAME = "__Host-bound"
# Set in a session's data at login when the user asked to be remembered, so
# a cookie re-set after rotation keeps its Max-Age.
REMEMBER_KEY = "sessiond.remember"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# sessiond's tokens are base64url; anything else (or longer than a cookie
# may be) is not sent to sessiond at all.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,4000}")
_CSRF_LABEL = b"sessiond csrf\x00"


@dataclass(frozen=True)
class RequestInfo:
    """What the middleware reads of a request, whatever the framework.
    headers maps lower-case names to values (repeated headers joined by ", ")."""

    method: str
    headers: dict
    remote_addr: str | None
    scheme: str
    host: str


class Sessions:
    """The configuration of the session middleware, shared by WSGI and ASGI.

    client is a sessiond.Client. csrf_secret (bytes, at least 32) keys the
    synchronizer tokens of forms. trusted_proxies lists the CIDRs of reverse
    proxies whose X-Forwarded-For is believed (on requests from them only).
    trusted_origins lists other origins (``https://host``) whose unsafe
    requests are let through. same_site is "Lax" (default) or "Strict".
    reauth_max_age (seconds, default 600) is how recent a login must be for
    require_recent_auth without its own max_age. now returns the time in
    seconds since the epoch (default time.time); sessiond's clock and this
    one should agree.
    """

    def __init__(self, client, *, csrf_secret, trusted_proxies=(), trusted_origins=(), same_site="Lax",
                 reauth_max_age=600, now=None):
        if not isinstance(csrf_secret, bytes) or len(csrf_secret) < 32:
            raise ValueError("sessiond: csrf_secret must be at least 32 random bytes")
        if same_site not in ("Lax", "Strict"):
            raise ValueError("sessiond: same_site must be Lax or Strict")
        if reauth_max_age < 0:
            raise ValueError("sessiond: reauth_max_age must not be negative")
        self.client = client
        self._csrf_secret = csrf_secret
        self._proxies = tuple(ipaddress.ip_network(p, strict=False) for p in trusted_proxies)
        self._origins = frozenset(o.rstrip("/").lower() for o in trusted_origins)
        self._same_site = same_site
        self.reauth_max_age = reauth_max_age
        self._now = now or time.time

    # -- requests ------------------------------------------------------------

    def check_origin(self, info):
        """Raises CSRFRefused for an unsafe method that may come from another
        site: Sec-Fetch-Site other than same-origin or none, an Origin of
        another host (or "null"), or neither header (fail closed: a browser
        sends at least one)."""
        if info.method not in UNSAFE_METHODS:
            return
        site = info.headers.get("sec-fetch-site")
        if site is not None:
            if site in ("same-origin", "none"):
                return
            raise CSRFRefused(f"sessiond: cross-origin {info.method} refused (Sec-Fetch-Site)")
        origin = info.headers.get("origin")
        if origin is None:
            raise CSRFRefused(f"sessiond: {info.method} without Sec-Fetch-Site or Origin refused")
        origin = origin.lower()
        if origin == f"{info.scheme}://{info.host}".lower() or origin in self._origins:
            return
        raise CSRFRefused(f"sessiond: cross-origin {info.method} refused (Origin)")

    def client_ip(self, info):
        """The client's address: the connection's, or, from a trusted proxy,
        the nearest X-Forwarded-For hop that is not one. None when unknown."""
        addr = _ip(info.remote_addr)
        if addr is None or not self._trusted(addr):
            return _text(addr)
        hops = [h.strip() for h in info.headers.get("x-forwarded-for", "").split(",") if h.strip()]
        for hop in reversed(hops):
            hop_addr = _ip(hop)
            if hop_addr is None:
                break  # a hop a trusted proxy passed on but that is no address: stop at that proxy
            addr = hop_addr
            if not self._trusted(addr):
                break
        return _text(addr)

    def load(self, info):
        """Validates the request's session cookie and returns the request's
        RequestSession. Raises ServiceUnavailable or TooManyRequests when
        sessiond cannot say (fail closed)."""
        state = RequestSession(self, info)
        token = _cookie(info.headers.get("cookie", ""), COOKIE_NAME)
        if token is None:
            return state
        if not _TOKEN.fullmatch(token):
            state._clear_cookie()
            return state
        try:
            validated = self.client.validate(token, ip=self.client_ip(info), user_agent=info.headers.get("user-agent"),
                                             **_device_proof(info))
        except ReauthRequired:
            state._token, state.reauth_required = token, True
            return state
        except Unauthenticated:
            state._clear_cookie()
            return state
        state.session, state._token = validated.session, token
        if validated.token is not None:
            state._set_cookie(validated.token, validated.session)
        return state

    def _trusted(self, addr):
        return any(addr in n for n in self._proxies)

    # -- cookies and tokens --------------------------------------------------

    def _cookie_header(self, value, max_age):
        attrs = f"{COOKIE_NAME}={value}; Path=/; Secure; HttpOnly; SameSite={self._same_site}"
        return attrs if max_age is None else f"{attrs}; Max-Age={max_age}"

    def _max_age(self, session):
        if not session.data.get(REMEMBER_KEY):
            return None
        return max(0, int(session.absolute_expires_at.timestamp() - self._now()))

    def _csrf_token(self, session_id):
        mac = hmac.new(self._csrf_secret, _CSRF_LABEL + session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


@dataclass(eq=False)
class RequestSession:
    """A request's session, put by the middleware in ``environ["sessiond"]``
    (WSGI) or ``scope["sessiond"]`` (ASGI, wrapped in AsyncRequestSession).

    session is the sessiond.Session, or None when the request has none;
    reauth_required is True when sessiond demands a re-authentication.
    """

    sessions: Sessions
    info: RequestInfo
    session: object = None
    reauth_required: bool = False
    _token: str | None = field(default=None, repr=False)
    headers: list = field(default_factory=list)

    def require(self):
        """The session, or Unauthenticated / ReauthRequired."""
        if self.reauth_required:
            raise ReauthRequired("sessiond: the session must re-authenticate")
        if self.session is None:
            raise Unauthenticated("sessiond: no session")
        return self.session

    def require_recent_auth(self, max_age=None):
        """The session if its user proved who they are within max_age seconds
        (default: the Sessions' reauth_max_age), else ReauthRequired."""
        session = self.require()
        limit = self.sessions.reauth_max_age if max_age is None else max_age
        if self.sessions._now() - session.auth_time.timestamp() > limit:
            raise ReauthRequired("sessiond: a more recent login is needed")
        return session

    def login(self, user_id, *, auth_methods=("pwd",), remember=False, data=None):
        """Creates a session for a user who just proved who they are, ending
        the request's previous one, and sets the cookie: a browser-session
        cookie, or with remember a Max-Age that ends at the session's absolute
        deadline."""
        if self._token is not None:
            self._revoke_quietly()
        data = dict(data or {})
        if remember:
            data[REMEMBER_KEY] = True
        issued = self.sessions.client.create(
            user_id, ip=self.sessions.client_ip(self.info), user_agent=self.info.headers.get("user-agent"),
            auth_methods=list(auth_methods), data=data)
        self.session, self.reauth_required = issued.session, False
        self._set_cookie(issued.token, issued.session)
        return issued.session

    def reauth(self, auth_methods=("pwd",)):
        """Records that the user proved who they are again; the token is
        replaced and the cookie re-set."""
        if self._token is None:
            raise Unauthenticated("sessiond: no session")
        issued = self.sessions.client.reauth(
            self._token, list(auth_methods), ip=self.sessions.client_ip(self.info),
            user_agent=self.info.headers.get("user-agent"), **_device_proof(self.info))
        self.session, self.reauth_required = issued.session, False
        self._set_cookie(issued.token, issued.session)
        return issued.session

    def logout(self):
        """Ends the session on sessiond, clears the cookie and sends
        Clear-Site-Data."""
        if self._token is not None:
            self._revoke_quietly()
        self._clear_cookie()
        self.headers.append(("Clear-Site-Data", '"cache", "cookies", "storage"'))

    def csrf_token(self):
        """The synchronizer token for the session's forms."""
        return self.sessions._csrf_token(self.require().id)

    def check_csrf_token(self, submitted):
        """Raises CSRFRefused unless submitted is this session's form token."""
        if self.session is None or not isinstance(submitted, str) or not hmac.compare_digest(
                submitted.encode(), self.sessions._csrf_token(self.session.id).encode()):
            raise CSRFRefused("sessiond: missing or wrong form token")

    def response_headers(self, headers):
        """The response's headers with the session's added: Set-Cookie and
        the like, and Cache-Control: no-store when a cookie is set or the
        response is for a session."""
        if self.headers or self.session is not None:
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            headers.append(("Cache-Control", "no-store"))
        return headers + self.headers

    def _revoke_quietly(self):
        try:
            self.sessions.client.revoke(self._token)
        except Unauthenticated:
            pass  # already gone: the outcome wanted
        self._token, self.session = None, None

    def _set_cookie(self, token, session):
        self._drop_cookie_headers()
        self._token = token
        self.headers.append(("Set-Cookie", self.sessions._cookie_header(token, self.sessions._max_age(session))))

    def _clear_cookie(self):
        self._drop_cookie_headers()
        self.headers.append(("Set-Cookie", self.sessions._cookie_header("", 0)))

    def _drop_cookie_headers(self):
        self.headers[:] = [h for h in self.headers if h[0] != "Set-Cookie"]


def _device_proof(info):
    """The request's proof of its session's device binding, as the client's
    calls take it: the bound cookie and the Secure-Session-Skipped header."""
    return {"bound_cookie": _cookie(info.headers.get("cookie", ""), BOUND_COOKIE_NAME),
            "skipped": info.headers.get("secure-session-skipped")}


def _cookie(header, name):
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip('"')
    return None


def _ip(text):
    if not text:
        return None
    try:
        addr = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    return addr.ipv4_mapped or addr if addr.version == 6 else addr


def _text(addr):
    return None if addr is None else str(addr)

