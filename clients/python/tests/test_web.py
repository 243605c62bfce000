"""The checks the WSGI and ASGI middleware share: CSRF, the client's address."""

import unittest

import sessiond
from sessiond.web import RequestInfo

from fakes import FakeClient

SECRET = b"k" * 32


def info(method="POST", headers=None, remote="192.0.2.1"):
    return RequestInfo(method=method, headers=headers or {}, remote_addr=remote, scheme="https", host="app.example")


class OriginTest(unittest.TestCase):
    def test_unsafe_methods_from_another_site_are_refused(self):
        sessions = sessiond.Sessions(FakeClient(), csrf_secret=SECRET, trusted_origins=["https://partner.example/"])
        cases = [
            ("GET", {}, True),
            ("HEAD", {"sec-fetch-site": "cross-site"}, True),
            ("OPTIONS", {}, True),
            ("POST", {"sec-fetch-site": "same-origin"}, True),
            ("POST", {"sec-fetch-site": "none"}, True),
            ("POST", {"sec-fetch-site": "cross-site", "origin": "https://app.example"}, False),
            ("PUT", {"sec-fetch-site": "same-site"}, False),
            ("POST", {"origin": "https://app.example"}, True),
            ("POST", {"origin": "HTTPS://APP.EXAMPLE"}, True),
            ("DELETE", {"origin": "https://partner.example"}, True),
            ("PATCH", {"origin": "https://evil.example"}, False),
            ("POST", {"origin": "http://app.example"}, False),
            ("POST", {"origin": "null"}, False),
            ("POST", {}, False),
        ]
        for method, headers, allowed in cases:
            with self.subTest(method=method, headers=headers):
                try:
                    sessions.check_origin(info(method, headers))
                    got = True
                except sessiond.CSRFRefused:
                    got = False
                self.assertEqual(got, allowed)


class ClientIPTest(unittest.TestCase):
    def test_forwarded_for_is_believed_from_trusted_proxies_only(self):
        sessions = sessiond.Sessions(FakeClient(), csrf_secret=SECRET, trusted_proxies=["10.0.0.0/8", "fd00::/8"])
        cases = [
            ("192.0.2.1", "203.0.113.9", "192.0.2.1"),
            ("10.0.0.1", "203.0.113.9", "203.0.113.9"),
            ("10.0.0.1", "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
            ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),
            ("10.0.0.1", "203.0.113.9, bogus", "10.0.0.1"),
            ("10.0.0.1", "", "10.0.0.1"),
            ("fd00::1", "2001:db8::5", "2001:db8::5"),
            ("::ffff:192.0.2.4", "203.0.113.9", "192.0.2.4"),
            ("fe80::1%eth0", "", "fe80::1"),
            (None, "203.0.113.9", None),
            ("unix-socket", "203.0.113.9", None),
        ]
        for remote, forwarded, want in cases:
            with self.subTest(remote=remote, forwarded=forwarded):
                headers = {"x-forwarded-for": forwarded} if forwarded else {}
                self.assertEqual(sessions.client_ip(info(headers=headers, remote=remote)), want)


class ConfigurationTest(unittest.TestCase):
    def test_bad_configuration_is_refused_at_construction(self):
        for kwargs in [{"csrf_secret": b"short"}, {"csrf_secret": "k" * 32}, {"csrf_secret": SECRET, "same_site": "None"},
                       {"csrf_secret": SECRET, "reauth_max_age": -1}, {"csrf_secret": SECRET, "trusted_proxies": ["x"]}]:
            with self.subTest(kwargs=kwargs), self.assertRaises(ValueError):
                sessiond.Sessions(FakeClient(), **kwargs)
