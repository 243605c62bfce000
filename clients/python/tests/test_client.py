"""The client against a scripted stand-in for sessiond over plain HTTP."""

import http.server
import json
import socket
import threading
import unittest

import sessiond

TOKEN = "tok_" + "A" * 40
SESSION = {
    "id": "s1", "user_id": "u1", "state": "active", "created_at": "2026-01-01T00:00:00Z",
    "last_seen_at": "2026-01-01T00:00:00Z", "idle_expires_at": "2026-01-01T00:30:00Z",
    "absolute_expires_at": "2026-01-01T12:00:00Z", "auth_time": "2026-01-01T00:00:00Z",
    "auth_methods": ["pwd"], "ip": "192.0.2.1", "user_agent": "UA", "version": 1, "data": {},
}


class FakeSessiond:
    """Answers each request with the next scripted (status, body); "drop"
    closes the connection without an answer. Records requests and counts
    connections."""

    def __init__(self):
        self.script, self.requests, self.connections = [], [], 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                fake.connections += 1
                super().setup()

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append((self.command, self.path, dict(self.headers), body))
                status, answer = fake.script.pop(0) if fake.script else (200, {})
                if status == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                raw = json.dumps(answer).encode() if status != 204 else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeSessiond()
        self.client = sessiond.Client(self.fake.url, "key-1", timeout=2)
        self.addCleanup(self.fake.close)
        self.addCleanup(self.client.close)

    def test_create_sends_the_login_and_returns_token_and_session(self):
        self.fake.script = [(201, {"token": TOKEN, "session": SESSION})]
        issued = self.client.create("u1", ip="192.0.2.1", user_agent="UA", auth_methods=["pwd"], data={"k": 1})
        method, path, headers, body = self.fake.requests[0]
        self.assertEqual((method, path), ("POST", "/v1/sessions"))
        self.assertEqual(headers["Authorization"], "Bearer key-1")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(body, {"user_id": "u1", "ip": "192.0.2.1", "user_agent": "UA", "auth_methods": ["pwd"], "data": {"k": 1}})
        self.assertEqual(issued.token, TOKEN)
        self.assertEqual(issued.session.id, "s1")
        self.assertEqual(issued.session.absolute_expires_at.isoformat(), "2026-01-01T12:00:00+00:00")
        self.assertNotIn(TOKEN, repr(issued))

    def test_validate_returns_the_rotated_token_only_when_there_is_one(self):
        self.fake.script = [(200, {"session": SESSION}), (200, {"session": SESSION, "token": "new"})]
        self.assertIsNone(self.client.validate(TOKEN, ip="192.0.2.1", user_agent="UA").token)
        rotated = self.client.validate(TOKEN)
        self.assertEqual(rotated.token, "new")
        self.assertNotIn("new", repr(rotated))
        self.assertEqual(self.fake.requests[0][3], {"token": TOKEN, "ip": "192.0.2.1", "user_agent": "UA"})
        self.assertEqual(self.fake.requests[1][3], {"token": TOKEN})

    def test_every_call_has_its_path_and_body(self):
        self.fake.script = [
            (200, {"token": "t2", "session": SESSION}), (200, {"session": SESSION}),
            (200, {"token": "t3", "session": SESSION}), (204, None), (204, None),
            (200, {"sessions": [SESSION]}), (200, {"revoked": 2}), (200, {"revoked": 1}), (200, {"events": []}),
            (200, {"events": [{"type": "session.revoked"}], "next_cursor": "c2"}),
        ]
        c = self.client
        c.rotate(TOKEN)
        c.change_data(TOKEN, set={"a": 1}, delete=["b"], version=3)
        c.reauth(TOKEN, ["pwd", "totp"], ip="192.0.2.1")
        c.revoke(TOKEN)
        c.revoke_session("s/1")
        self.assertEqual([s.id for s in c.list_user_sessions("u 1")], ["s1"])
        self.assertEqual(c.revoke_user_sessions("u1"), 2)
        self.assertEqual(c.revoke_others(sessiond.Session.from_json(SESSION)), 1)
        self.assertEqual(c.audit(user_id="u1", type="session.revoked", limit=5), [])
        self.assertEqual(c.audit_page(type="session.revoked", cursor="c1"), ([{"type": "session.revoked"}], "c2"))
        got = [(m, p, b) for m, p, _, b in self.fake.requests]
        self.assertEqual(got, [
            ("POST", "/v1/sessions/rotate", {"token": TOKEN}),
            ("POST", "/v1/sessions/data", {"token": TOKEN, "set": {"a": 1}, "delete": ["b"], "version": 3}),
            ("POST", "/v1/sessions/reauth", {"token": TOKEN, "auth_methods": ["pwd", "totp"], "ip": "192.0.2.1"}),
            ("POST", "/v1/sessions/revoke", {"token": TOKEN}),
            ("DELETE", "/v1/sessions/s%2F1", None),
            ("GET", "/v1/users/u%201/sessions", None),
            ("DELETE", "/v1/users/u1/sessions", None),
            ("DELETE", "/v1/users/u1/sessions?except=s1", None),
            ("GET", "/v1/audit?user_id=u1&type=session.revoked&limit=5", None),
            ("GET", "/v1/audit?type=session.revoked&cursor=c1", None),
        ])

    def test_errors_are_typed_and_never_hold_the_token(self):
        cases = [
            (401, "invalid_session", sessiond.Unauthenticated),
            (401, "reauth_required", sessiond.ReauthRequired),
            (409, "conflict", sessiond.Conflict),
            (429, "too_many_requests", sessiond.TooManyRequests),
            (503, "unavailable", sessiond.ServiceUnavailable),
            (400, "bad_request", sessiond.APIError),
            (401, "unauthorized", sessiond.APIError),
        ]
        for status, code, cls in cases:
            with self.subTest(code=code):
                self.fake.script = [(status, {"error": code, "detail": "what was wrong"})]
                with self.assertRaises(cls) as caught:
                    self.client.validate(TOKEN)
                self.assertEqual(caught.exception.code, code)
                self.assertNotIn(TOKEN, str(caught.exception))
                self.assertNotIn(TOKEN, repr(caught.exception.args))

    def test_api_error_answers_500_whatever_sessiond_said(self):
        self.fake.script = [(401, {"error": "unauthorized", "detail": "no valid API key"})]
        with self.assertRaises(sessiond.APIError) as caught:
            self.client.list_user_sessions("u1")
        self.assertEqual((caught.exception.status, caught.exception.api_status), (500, 401))

    def test_keep_alive_connection_is_reused(self):
        self.fake.script = [(200, {"session": SESSION})] * 3
        for _ in range(3):
            self.client.validate(TOKEN)
        self.assertEqual(self.fake.connections, 1)

    def test_close_closes_every_threads_connection(self):
        self.fake.script = [(200, {"session": SESSION})] * 4
        worker = threading.Thread(target=self.client.validate, args=(TOKEN,))
        worker.start()
        worker.join()
        self.client.validate(TOKEN)
        self.assertEqual(self.fake.connections, 2)
        self.client.close()
        self.client.validate(TOKEN)
        worker = threading.Thread(target=self.client.validate, args=(TOKEN,))
        worker.start()
        worker.join()
        self.assertEqual(self.fake.connections, 4)

    def test_idempotent_call_is_retried_once_on_a_fresh_connection(self):
        self.fake.script = [("drop", None), (200, {"sessions": []})]
        self.assertEqual(self.client.list_user_sessions("u1"), [])
        self.assertEqual(len(self.fake.requests), 2)
        self.assertEqual(self.fake.connections, 2)

    def test_post_is_never_retried(self):
        self.fake.script = [("drop", None), (200, {"session": SESSION})]
        with self.assertRaises(sessiond.ServiceUnavailable) as caught:
            self.client.validate(TOKEN)
        self.assertEqual(len(self.fake.requests), 1)
        self.assertNotIn(TOKEN, str(caught.exception))

    def test_retry_gives_up_after_the_second_failure(self):
        self.fake.script = [("drop", None), ("drop", None), (200, {"sessions": []})]
        with self.assertRaises(sessiond.ServiceUnavailable):
            self.client.list_user_sessions("u1")
        self.assertEqual(len(self.fake.requests), 2)

    def test_a_silent_service_times_out(self):
        silent = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(silent.close)
        client = sessiond.Client(f"http://127.0.0.1:{silent.getsockname()[1]}", "key", timeout=0.2, retries=0)
        with self.assertRaises(sessiond.ServiceUnavailable) as caught:
            client.validate(TOKEN)
        self.assertIn("TimeoutError", str(caught.exception))

    def test_a_closed_port_is_unavailable(self):
        free = socket.create_server(("127.0.0.1", 0))
        port = free.getsockname()[1]
        free.close()
        with self.assertRaises(sessiond.ServiceUnavailable):
            sessiond.Client(f"http://127.0.0.1:{port}", "key").revoke(TOKEN)

    def test_bad_configuration_is_refused_at_construction(self):
        for args, kwargs in [
            (("ftp://x", "k"), {}), (("https://", "k"), {}), (("https://x", ""), {}),
            (("https://x", "k"), {"timeout": 0}),
        ]:
            with self.subTest(args=args, kwargs=kwargs), self.assertRaises(ValueError):
                sessiond.Client(*args, **kwargs)
        with self.assertRaises(ValueError):
            self.client.revoke_session("")


if __name__ == "__main__":
    unittest.main()
