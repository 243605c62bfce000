"""The WSGI and ASGI middleware, driven directly with a stand-in client: each
behaviour is checked through both."""

import asyncio
import threading
import unittest
from dataclasses import dataclass

import sessiond
import sessiond.asgi
import sessiond.wsgi

from fakes import NOW, FakeClient, session

SECRET = b"s" * 32
TOKEN = "good-token"
COOKIE_ATTRS = "; Path=/; Secure; HttpOnly; SameSite=Lax"


@dataclass
class Result:
    status: int
    headers: list
    state: object
    app_called: bool

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


class WSGIDriver:
    """Runs one request through sessiond.wsgi.SessionMiddleware. action, if
    given, is called with the RequestSession inside the app."""

    def __init__(self, sessions):
        self.sessions = sessions

    def request(self, method="GET", cookie=None, headers=None, action=None):
        seen = {}

        def app(environ, start_response):
            seen["state"] = environ["sessiond"]
            if action:
                action(environ["sessiond"])
            start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "max-age=60")])
            return [b"ok"]

        environ = {"REQUEST_METHOD": method, "REMOTE_ADDR": "192.0.2.1", "wsgi.url_scheme": "https",
                   "HTTP_HOST": "app.example", "HTTP_USER_AGENT": "UA"}
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = int(status[:3]), response_headers

        b"".join(sessiond.wsgi.SessionMiddleware(app, self.sessions)(environ, start_response))
        return Result(answer["status"], answer["headers"], seen.get("state"), "state" in seen)


class ASGIDriver:
    """Runs one request through sessiond.asgi.SessionMiddleware with a bare
    scope, receive and send. action, if given, is awaited with the
    AsyncRequestSession inside the app when it is a coroutine function."""

    def __init__(self, sessions):
        self.sessions = sessions
        self.loop_thread = None

    def request(self, method="GET", cookie=None, headers=None, action=None):
        return asyncio.run(self._request(method, cookie, headers or {}, action))

    async def _request(self, method, cookie, headers, action):
        self.loop_thread = threading.get_ident()
        seen, sent = {}, []

        async def app(scope, receive, send):
            seen["state"] = scope["sessiond"]
            if action:
                result = action(scope["sessiond"])
                if asyncio.iscoroutine(result):
                    await result
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/plain"), (b"cache-control", b"max-age=60")]})
            await send({"type": "http.response.body", "body": b"ok"})

        raw = [(b"host", b"app.example"), (b"user-agent", b"UA")]
        raw += [(b"cookie", cookie.encode())] if cookie else []
        raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        scope = {"type": "http", "method": method, "scheme": "https", "path": "/", "headers": raw,
                 "client": ("192.0.2.1", 50000), "server": ("app.example", 443)}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await sessiond.asgi.SessionMiddleware(app, self.sessions)(scope, receive, send)
        start = sent[0]
        headers = [(k.decode(), v.decode()) for k, v in start["headers"]]
        return Result(start["status"], headers, seen.get("state"), "state" in seen)


class Behaviour:
    """The middleware behaviours every driver must show."""

    driver_class = None

    def setUp(self):
        self.client = FakeClient({TOKEN: sessiond.Validated(session(), None)})
        self.sessions = sessiond.Sessions(self.client, csrf_secret=SECRET, now=lambda: NOW)
        self.driver = self.driver_class(self.sessions)

    def test_no_cookie_is_anonymous_without_a_call(self):
        result = self.driver.request()
        self.assertIsNone(result.state.session)
        self.assertEqual(result.all("Set-Cookie"), [])
        self.assertEqual(result.all("Cache-Control"), ["max-age=60"])
        self.assertEqual(self.client.calls, [])

    def test_valid_cookie_puts_the_session_in_the_request(self):
        result = self.driver.request(cookie=f"other=1; __Host-session={TOKEN}")
        self.assertEqual(result.state.session.id, "s1")
        self.assertEqual(self.client.calls[0][:4], ("validate", TOKEN, "192.0.2.1", "UA"))
        self.assertEqual(result.all("Set-Cookie"), [])
        self.assertEqual(result.all("Cache-Control"), ["no-store"])

    def test_bound_cookie_and_skipped_reason_go_to_validate(self):
        self.driver.request(cookie=f"__Host-bound=B1; __Host-session={TOKEN}",
                            headers={"Secure-Session-Skipped": "unreachable"})
        self.driver.request(cookie=f"__Host-session={TOKEN}")
        self.assertEqual(self.client.proofs, [("B1", "unreachable"), (None, None)])

    def test_rotated_token_re_sets_the_cookie(self):
        self.client.outcomes[TOKEN] = sessiond.Validated(session(), "rotated-token")
        result = self.driver.request(cookie=f"__Host-session={TOKEN}")
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=rotated-token" + COOKIE_ATTRS])

    def test_rotated_remembered_cookie_keeps_a_max_age_up_to_the_absolute_deadline(self):
        remembered = session(absolute_in=5000, data={"sessiond.remember": True})
        self.client.outcomes[TOKEN] = sessiond.Validated(remembered, "rotated-token")
        result = self.driver.request(cookie=f"__Host-session={TOKEN}")
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=rotated-token" + COOKIE_ATTRS + "; Max-Age=5000"])

    def test_unknown_token_clears_the_cookie(self):
        result = self.driver.request(cookie="__Host-session=revoked-token")
        self.assertIsNone(result.state.session)
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=" + COOKIE_ATTRS + "; Max-Age=0"])

    def test_malformed_cookie_is_cleared_without_a_call(self):
        for value in ["a b", "x" * 5000, "é", "<script>"]:
            with self.subTest(value=value[:10]):
                result = self.driver.request(cookie=f"__Host-session={value}")
                self.assertIsNone(result.state.session)
                self.assertEqual(result.all("Set-Cookie"), ["__Host-session=" + COOKIE_ATTRS + "; Max-Age=0"])
        self.assertEqual(self.client.calls, [])

    def test_service_down_is_503_and_the_app_is_not_called(self):
        self.client.outcomes[TOKEN] = sessiond.ServiceUnavailable("sessiond: down")
        result = self.driver.request(cookie=f"__Host-session={TOKEN}")
        self.assertEqual(result.status, 503)
        self.assertFalse(result.app_called)
        self.assertEqual(result.all("Set-Cookie"), [])

    def test_throttled_client_gets_429(self):
        self.client.outcomes[TOKEN] = sessiond.TooManyRequests("sessiond: 429")
        result = self.driver.request(cookie=f"__Host-session={TOKEN}")
        self.assertEqual(result.status, 429)
        self.assertFalse(result.app_called)

    def test_reauth_required_keeps_the_cookie_and_grants_nothing(self):
        self.client.outcomes[TOKEN] = sessiond.ReauthRequired("sessiond: 401 reauth_required")
        result = self.driver.request(cookie=f"__Host-session={TOKEN}")
        self.assertTrue(result.state.reauth_required)
        self.assertIsNone(result.state.session)
        self.assertEqual(result.all("Set-Cookie"), [])
        with self.assertRaises(sessiond.ReauthRequired):
            result.state.require()

    def test_cross_site_post_is_refused_before_any_call(self):
        result = self.driver.request("POST", cookie=f"__Host-session={TOKEN}", headers={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(result.status, 403)
        self.assertFalse(result.app_called)
        self.assertEqual(self.client.calls, [])

    def test_same_origin_post_goes_through(self):
        result = self.driver.request("POST", cookie=f"__Host-session={TOKEN}", headers={"Origin": "https://app.example"})
        self.assertEqual((result.status, result.state.session.id), (200, "s1"))

    def test_error_let_through_by_the_app_is_its_status(self):
        def deny(state):
            raise sessiond.Unauthenticated("sessiond: no session")

        result = self.driver.request(action=deny)
        self.assertEqual(result.status, 401)


class WSGIBehaviour(Behaviour, unittest.TestCase):
    driver_class = WSGIDriver


class ASGIBehaviour(Behaviour, unittest.TestCase):
    driver_class = ASGIDriver

    def test_sessiond_is_called_outside_the_event_loop(self):
        self.driver.request(cookie=f"__Host-session={TOKEN}", action=lambda s: s.login("u1"))
        self.assertEqual(self.client.names(), ["validate", "revoke", "create"])
        self.assertNotIn(self.driver.loop_thread, [c[-1] for c in self.client.calls])

    def test_async_login_and_logout_set_and_clear_the_cookie(self):
        login = self.driver.request(action=lambda s: s.login("u1"))
        self.assertEqual(login.all("Set-Cookie"), ["__Host-session=created-token" + COOKIE_ATTRS])
        logout = self.driver.request(cookie=f"__Host-session={TOKEN}", action=lambda s: s.logout())
        self.assertEqual(logout.all("Set-Cookie"), ["__Host-session=" + COOKIE_ATTRS + "; Max-Age=0"])
        self.assertEqual(logout.all("Clear-Site-Data"), ['"cache", "cookies", "storage"'])

    def test_other_scopes_pass_through(self):
        seen = []

        async def app(scope, receive, send):
            seen.append(scope)

        asyncio.run(sessiond.asgi.SessionMiddleware(app, self.sessions)({"type": "lifespan"}, None, None))
        self.assertEqual(seen, [{"type": "lifespan"}])


class HelperTest(unittest.TestCase):
    """login, logout, reauth, require_recent_auth and form tokens, through WSGI."""

    def setUp(self):
        self.client = FakeClient({TOKEN: sessiond.Validated(session(auth_age=700), None),
                                  "other-token": sessiond.Validated(session("s9"), None)})
        self.sessions = sessiond.Sessions(self.client, csrf_secret=SECRET, now=lambda: NOW)
        self.driver = WSGIDriver(self.sessions)

    def test_login_ends_the_old_session_and_sets_a_browser_session_cookie(self):
        result = self.driver.request("POST", cookie=f"__Host-session={TOKEN}", headers={"Origin": "https://app.example"},
                                     action=lambda s: s.login("u1", auth_methods=["pwd", "totp"], data={"theme": "dark"}))
        self.assertEqual(self.client.names(), ["validate", "revoke", "create"])
        self.assertEqual(self.client.calls[2][1:6], ("u1", "192.0.2.1", "UA", ["pwd", "totp"], {"theme": "dark"}))
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=created-token" + COOKIE_ATTRS])
        self.assertEqual(result.all("Cache-Control"), ["no-store"])
        self.assertEqual(result.state.session.id, "s2")

    def test_remember_me_max_age_ends_at_the_absolute_deadline(self):
        result = self.driver.request("POST", headers={"Sec-Fetch-Site": "same-origin"},
                                     action=lambda s: s.login("u1", remember=True))
        self.assertEqual(self.client.calls[0][5], {"sessiond.remember": True})
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=created-token" + COOKIE_ATTRS + "; Max-Age=3600"])

    def test_strict_same_site_is_kept(self):
        sessions = sessiond.Sessions(self.client, csrf_secret=SECRET, same_site="Strict", now=lambda: NOW)
        result = WSGIDriver(sessions).request("POST", headers={"Sec-Fetch-Site": "same-origin"}, action=lambda s: s.login("u1"))
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=created-token; Path=/; Secure; HttpOnly; SameSite=Strict"])

    def test_logout_revokes_clears_and_sends_clear_site_data(self):
        result = self.driver.request("POST", cookie=f"__Host-session={TOKEN}", headers={"Sec-Fetch-Site": "same-origin"},
                                     action=lambda s: s.logout())
        self.assertEqual(self.client.calls[1][:2], ("revoke", TOKEN))
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=" + COOKIE_ATTRS + "; Max-Age=0"])
        self.assertEqual(result.all("Clear-Site-Data"), ['"cache", "cookies", "storage"'])
        self.assertIsNone(result.state.session)

    def test_reauth_replaces_the_token(self):
        result = self.driver.request("POST", cookie=f"__Host-session={TOKEN}", headers={"Sec-Fetch-Site": "same-origin"},
                                     action=lambda s: s.reauth(["pwd"]))
        self.assertEqual(self.client.calls[1][:3], ("reauth", TOKEN, ["pwd"]))
        self.assertEqual(result.all("Set-Cookie"), ["__Host-session=reauth-token" + COOKIE_ATTRS])

    def test_recent_auth_is_measured_from_auth_time(self):
        state = self.driver.request(cookie=f"__Host-session={TOKEN}").state  # logged in 700 s ago
        self.assertEqual(state.require_recent_auth(700).id, "s1")
        with self.assertRaises(sessiond.ReauthRequired):
            state.require_recent_auth()  # the default, 600 s
        with self.assertRaises(sessiond.ReauthRequired):
            state.require_recent_auth(699)
        anonymous = self.driver.request().state
        with self.assertRaises(sessiond.Unauthenticated):
            anonymous.require_recent_auth(10_000)

    def test_form_token_is_bound_to_the_session(self):
        mine = self.driver.request(cookie=f"__Host-session={TOKEN}").state
        other = self.driver.request(cookie="__Host-session=other-token").state
        token = mine.csrf_token()
        mine.check_csrf_token(token)
        for wrong in [other.csrf_token(), "", None, token[:-1], token + "x"]:
            with self.subTest(wrong=wrong), self.assertRaises(sessiond.CSRFRefused):
                mine.check_csrf_token(wrong)
        keyed_otherwise = sessiond.Sessions(self.client, csrf_secret=b"t" * 32)
        self.assertNotEqual(keyed_otherwise._csrf_token("s1"), token)
        anonymous = self.driver.request().state
        with self.assertRaises(sessiond.CSRFRefused):
            anonymous.check_csrf_token(token)
