"""A Starlette app under uvicorn, behind the ASGI middleware, against a real
sessiond serve."""

import http.client
import json
import re
import secrets
import unittest

import sessiond
from example.app import Users
from example.asgi import create_app
from sessiond_process import Sessiond
from uvicorn_server import UvicornServer


class StarletteTest(unittest.TestCase):
    def setUp(self):
        self.sessiond = Sessiond()
        self.addCleanup(self.sessiond.close)
        self.client = self.sessiond.client()
        users = Users()
        self.ann = users.add("ann", "ann-password-1")
        app = create_app(sessiond.Sessions(self.client, csrf_secret=secrets.token_bytes(32)), users)
        self.server = UvicornServer(app)
        self.addCleanup(self.server.close)
        self.addCleanup(self.client.close)  # before the server's worker threads end with their connections
        self.origin = f"http://127.0.0.1:{self.server.port}"
        self.cookie = None

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        sent = {"User-Agent": "Browser/1", "Origin": self.origin, **(headers or {})}
        if self.cookie:
            sent["Cookie"] = "__Host-session=" + self.cookie
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
        response = conn.getresponse()
        response.body = response.read()
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            value = re.match(r"__Host-session=([^;]*)", header).group(1)
            self.cookie = value if value and "Max-Age=0" not in header else None
        return response

    def test_login_validate_revoke_cross_site_and_service_down(self):
        login = self.request("POST", "/login", {"username": "ann", "password": "ann-password-1"})
        self.assertEqual(login.status, 204)
        self.assertRegex(login.headers["Set-Cookie"], r"^__Host-session=[A-Za-z0-9_-]{40,}; Path=/; Secure; HttpOnly; SameSite=Lax$")
        self.assertEqual(self.client.validate(self.cookie).session.user_id, self.ann)

        me = self.request("GET", "/me")
        self.assertEqual(json.loads(me.body), {"user": "ann", "user_id": self.ann})
        self.assertEqual(me.headers["Cache-Control"], "no-store")

        cross = self.request("POST", "/logout", headers={"Origin": "https://evil.example"})
        self.assertEqual(cross.status, 403)
        self.assertEqual(self.request("GET", "/me").status, 200)

        [listed] = self.client.list_user_sessions(self.ann)
        self.client.revoke_session(listed.id)
        gone = self.request("GET", "/me")
        self.assertEqual(gone.status, 401)
        self.assertEqual(gone.headers["Set-Cookie"], "__Host-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")

        self.request("POST", "/login", {"username": "ann", "password": "ann-password-1"})
        self.sessiond.stop()
        self.assertEqual(self.request("GET", "/me").status, 503)

    def test_logout_clears_the_cookie_and_the_session(self):
        self.request("POST", "/login", {"username": "ann", "password": "ann-password-1"})
        token = self.cookie
        logout = self.request("POST", "/logout")
        self.assertEqual(logout.status, 204)
        self.assertEqual(logout.headers["Clear-Site-Data"], '"cache", "cookies", "storage"')
        self.assertIsNone(self.cookie)
        with self.assertRaises(sessiond.Unauthenticated):
            self.client.validate(token)
