"""The example Flask site against a real sessiond serve."""

import re
import secrets
import unittest

import sessiond

from example.app import Users, create_app
from sessiond_process import Sessiond

COOKIE = re.compile(r"__Host-session=([^;]*)")


class Browser:
    """A browser of the site through Flask's test client: keeps the session
    cookie, sends a User-Agent and, on unsafe methods, a same-origin
    Sec-Fetch-Site unless told otherwise."""

    def __init__(self, app, user_agent="Browser/1"):
        self.http = app.test_client(use_cookies=False)
        self.user_agent = user_agent
        self.cookie = None
        self.set_cookies = []

    def request(self, method, path, data=None, headers=None):
        sent = {"User-Agent": self.user_agent}
        if method == "POST":
            sent["Sec-Fetch-Site"] = "same-origin"
        if self.cookie:
            sent["Cookie"] = "__Host-session=" + self.cookie
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}  # None leaves a header out
        response = self.http.open(path, method=method, data=data, headers=sent, base_url="https://app.test",
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"})
        self.set_cookies = response.headers.getlist("Set-Cookie")
        for header in self.set_cookies:
            value = COOKIE.match(header).group(1)
            self.cookie = value if value and "Max-Age=0" not in header else None
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, data=None, **kw):
        return self.request("POST", path, data=data, **kw)

    def csrf(self, path):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).text).group(1)

    def login(self, username="ann", password="ann-password-1", remember=False):
        form = {"username": username, "password": password}
        if remember:
            form["remember"] = "on"
        return self.post("/login", form)


class Site(unittest.TestCase):
    """A site on a sessiond of its own (flags), with the user ann."""

    flags = ()
    reauth_max_age = None

    @classmethod
    def setUpClass(cls):
        cls.sessiond = Sessiond(*cls.flags)
        cls.client = cls.sessiond.client()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.sessiond.close()

    def setUp(self):
        self.users = Users()
        self.ann = self.users.add("ann", "ann-password-1")
        sessions = sessiond.Sessions(self.client, csrf_secret=secrets.token_bytes(32))
        self.app = create_app(sessions, self.users, reauth_max_age=self.reauth_max_age)

    def signed_in(self, **login):
        browser = Browser(self.app)
        self.assertEqual(browser.login(**login).status_code, 303)
        return browser


class SessionLifeTest(Site):
    def test_login_sets_the_cookie_and_validate_sees_it(self):
        browser = Browser(self.app)
        response = browser.login()
        self.assertEqual((response.status_code, response.location), (303, "/account"))
        self.assertEqual(len(browser.set_cookies), 1)
        self.assertRegex(browser.set_cookies[0], r"^__Host-session=[A-Za-z0-9_-]{40,}; Path=/; Secure; HttpOnly; SameSite=Lax$")
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        validated = self.client.validate(browser.cookie, ip="127.0.0.1", user_agent="Browser/1")
        self.assertEqual(validated.session.user_id, self.ann)
        self.assertEqual(validated.session.auth_methods, ("pwd",))
        self.assertEqual(browser.get("/api/me").json, {"user": "ann", "user_id": self.ann})
        self.assertIn("Signed in as <b>ann</b>", browser.get("/account").text)

    def test_wrong_password_sets_no_cookie(self):
        browser = Browser(self.app)
        for username in ["ann", "nobody"]:
            response = browser.login(username=username, password="wrong-password")
            self.assertEqual(response.status_code, 401)
            self.assertEqual(browser.set_cookies, [])
        self.assertEqual(browser.get("/account").location, "/login")

    def test_remember_me_cookie_ends_by_the_absolute_deadline(self):
        browser = self.signed_in(remember=True)
        max_age = int(re.search(r"; Max-Age=(\d+)$", browser.set_cookies[0]).group(1))
        self.assertTrue(12 * 3600 - 60 < max_age <= 12 * 3600, max_age)

    def test_revocation_in_the_api_ends_the_session_on_its_next_request(self):
        browser = self.signed_in()
        [listed] = self.client.list_user_sessions(self.ann)
        self.client.revoke_session(listed.id)
        response = browser.get("/account")
        self.assertEqual(response.location, "/login")
        self.assertEqual(browser.set_cookies, ["__Host-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"])

    def test_logout_ends_the_session_everywhere(self):
        browser = self.signed_in()
        token = browser.cookie
        response = browser.post("/logout", {"csrf_token": browser.csrf("/account")})
        self.assertEqual(response.location, "/login")
        self.assertEqual(response.headers["Clear-Site-Data"], '"cache", "cookies", "storage"')
        self.assertIsNone(browser.cookie)
        with self.assertRaises(sessiond.Unauthenticated):
            self.client.validate(token)

    def test_devices_page_lists_and_revokes_the_users_own_sessions_only(self):
        laptop, phone = self.signed_in(), Browser(self.app, "Phone/2")
        phone.login()
        page = laptop.get("/account/sessions").text
        ids = re.findall(r'data-session-id="([^"]+)" data-current="(true|false)"', page)
        self.assertEqual(sorted(c for _, c in ids), ["false", "true"])
        self.assertIn("Phone/2", page)
        phone_id = next(i for i, current in ids if current == "false")

        bob = Browser(self.app)
        self.users.add("bob", "bob-password-1")
        bob.login("bob", "bob-password-1")
        refused = bob.post("/account/sessions/revoke", {"csrf_token": bob.csrf("/account"), "session_id": phone_id})
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(phone.get("/account").status_code, 200)

        done = laptop.post("/account/sessions/revoke", {"csrf_token": laptop.csrf("/account"), "session_id": phone_id})
        self.assertEqual(done.location, "/account/sessions")
        self.assertEqual(phone.get("/account").location, "/login")
        self.assertEqual(laptop.get("/account").status_code, 200)

    def test_cross_site_post_is_refused(self):
        browser = self.signed_in()
        csrf = browser.csrf("/account")
        for headers in [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                        {"Sec-Fetch-Site": None, "Origin": "https://evil.example"},
                        {"Sec-Fetch-Site": None, "Origin": "null"}, {"Sec-Fetch-Site": None}]:
            with self.subTest(headers=headers):
                self.assertEqual(browser.post("/logout", {"csrf_token": csrf}, headers=headers).status_code, 403)
        self.assertEqual(browser.post("/logout", {"csrf_token": "forged"}).status_code, 403)
        self.assertEqual(browser.post("/logout", {}).status_code, 403)
        self.assertEqual(browser.get("/account").status_code, 200)
        same_origin = {"Sec-Fetch-Site": None, "Origin": "https://app.test"}
        self.assertEqual(browser.post("/logout", {"csrf_token": csrf}, headers=same_origin).location, "/login")

    def test_password_change_rotates_the_token_and_ends_other_sessions(self):
        browser, other = self.signed_in(), self.signed_in()
        before = browser.cookie
        response = browser.post("/account/password", {
            "csrf_token": browser.csrf("/account/password"), "current_password": "ann-password-1",
            "new_password": "ann-password-2", "revoke_others": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(browser.cookie, before)
        self.assertEqual(other.get("/account").location, "/login")
        self.assertEqual(browser.get("/account").status_code, 200)
        self.assertEqual(Browser(self.app).login(password="ann-password-1").status_code, 401)
        self.assertEqual(Browser(self.app).login(password="ann-password-2").status_code, 303)

    def test_a_new_user_agent_must_re_authenticate_as_the_same_user(self):
        browser = self.signed_in()
        browser.user_agent = "Other/9"
        response = browser.get("/account")
        self.assertEqual(response.location, "/reauth?next=/account")
        self.assertIsNotNone(browser.cookie)
        self.assertIn('name="username"', browser.get("/reauth").text)
        self.users.add("bob", "bob-password-1")
        as_bob = browser.post("/reauth", {"username": "bob", "password": "bob-password-1", "next": "/account"})
        self.assertEqual(as_bob.location, "/login")
        self.assertIsNone(browser.cookie)
        self.assertEqual(self.client.list_user_sessions(self.ann), [])

        browser = self.signed_in()
        browser.user_agent = "Other/9"
        done = browser.post("/reauth", {"username": "ann", "password": "ann-password-1", "next": "/account"})
        self.assertEqual(done.location, "/account")
        self.assertEqual(browser.get("/account").status_code, 200)

    def test_the_client_refuses_an_unverified_certificate(self):
        unverified = sessiond.Client(self.sessiond.url, self.sessiond.api_key)
        with self.assertRaises(sessiond.ServiceUnavailable) as caught:
            unverified.list_user_sessions(self.ann)
        self.assertIn("SSLCertVerificationError", str(caught.exception))


class RotationTest(Site):
    # A token older than 1 ns is replaced on its next use: every request
    # after the login's comes back with a new one.
    flags = ("--rotate-every", "1ns")

    def test_rotation_re_sets_the_cookie(self):
        browser = self.signed_in()
        first = browser.cookie
        self.assertEqual(browser.get("/account").status_code, 200)
        self.assertNotEqual(browser.cookie, first)
        self.assertRegex(browser.set_cookies[0], r"^__Host-session=[A-Za-z0-9_-]{40,}; Path=/; Secure; HttpOnly; SameSite=Lax$")
        second = browser.cookie
        self.assertEqual(browser.get("/account").status_code, 200)
        self.assertNotIn(browser.cookie, (first, second))


class ReauthWindowTest(Site):
    # The password change takes a login at most 0 s old: as soon as any time
    # has passed since the login the window is over, which is the state of a
    # session past its window, reached without waiting. The test above with
    # the default window shows a fresh login is let through.
    reauth_max_age = 0

    def test_reauth_is_demanded_after_the_window(self):
        browser = self.signed_in()
        response = browser.get("/account/password")
        self.assertEqual((response.status_code, response.location), (303, "/reauth?next=/account/password"))
        posted = browser.post("/account/password", {"csrf_token": browser.csrf("/account"),
                                                    "current_password": "ann-password-1", "new_password": "ann-password-2"})
        self.assertEqual(posted.location, "/reauth?next=/account/password")
        self.assertEqual(Browser(self.app).login(password="ann-password-1").status_code, 303)

    def test_reauth_renews_the_token_and_auth_time(self):
        browser = self.signed_in()
        before = self.client.validate(browser.cookie).session
        token = browser.cookie
        wrong = browser.post("/reauth", {"csrf_token": browser.csrf("/reauth"), "password": "nope", "next": "/account"})
        self.assertEqual(wrong.status_code, 401)
        done = browser.post("/reauth", {"csrf_token": browser.csrf("/reauth"), "password": "ann-password-1",
                                        "next": "https://evil.example/"})
        self.assertEqual(done.location, "/account")
        self.assertNotEqual(browser.cookie, token)
        after = self.client.validate(browser.cookie).session
        self.assertGreater(after.auth_time, before.auth_time)


class ServiceDownTest(Site):
    def test_service_stopped_gives_503(self):
        browser = self.signed_in()
        self.sessiond.stop()
        response = browser.get("/account")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(browser.set_cookies, [])
        self.assertNotIn("ann", response.text)
        self.assertEqual(browser.get("/api/me").status_code, 503)
        self.assertEqual(Browser(self.app).get("/login").status_code, 200)
        self.assertEqual(Browser(self.app).login().status_code, 503)
