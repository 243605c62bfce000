"""A small Flask site on sessiond: login against its own user table (scrypt
password hashes), an account page, a devices page with revoke, and
re-authentication before a password change.

Run it (sessiond serve running, see README.md):

    SESSIOND_URL=https://127.0.0.1:8443 SESSIOND_API_KEY=... \
    SESSIOND_CA_FILE=sessiond-data/dev-cert.pem /usr/bin/python3 -m example.app

then open http://localhost:5000 and sign in as demo / demo-password. A
browser keeps a Secure __Host- cookie on http://localhost only; anywhere
else serve the site over HTTPS.
"""

import hashlib
import hmac
import os
import secrets
import threading

from flask import Flask, abort, jsonify, redirect, render_template_string, request
from markupsafe import Markup, escape

import sessiond
from sessiond.wsgi import SessionMiddleware

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class Users:
    """The site's own user table: username → id and scrypt hash, in memory."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_name = {}
        self._dummy = self._hash("not a password", secrets.token_bytes(16))

    @staticmethod
    def _hash(password, salt):
        return salt, hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)

    def add(self, username, password):
        with self._lock:
            self._by_name[username] = {"id": "user-" + secrets.token_hex(8), "hash": self._hash(password, secrets.token_bytes(16))}
        return self._by_name[username]["id"]

    def check(self, username, password):
        """The user's id when the password is right, else None; an unknown name
        costs the same hashing as a known one."""
        user = self._by_name.get(username)
        salt, want = user["hash"] if user else self._dummy
        ok = hmac.compare_digest(self._hash(password, salt)[1], want)
        return user["id"] if user and ok else None

    def name_of(self, user_id):
        return next((n for n, u in self._by_name.items() if u["id"] == user_id), None)

    def set_password(self, user_id, password):
        with self._lock:
            self._by_name[self.name_of(user_id)]["hash"] = self._hash(password, secrets.token_bytes(16))


PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }}</title>
<h1>{{ title }}</h1>
{% if message %}<p role="alert">{{ message }}</p>{% endif %}
{% if session %}<nav><a href="/account">Account</a> · <a href="/account/sessions">Devices</a> ·
<a href="/account/password">Password</a>
<form method="post" action="/logout" style="display:inline"><input type="hidden" name="csrf_token" value="{{ csrf }}">
<button>Log out</button></form></nav>{% endif %}
{{ body }}"""

LOGIN = """<form method="post" action="/login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<label><input type="checkbox" name="remember"> Remember me</label> <button>Sign in</button></form>"""

REAUTH = """<p>Type your password again to go on.</p><form method="post" action="/reauth">
<input type="hidden" name="csrf_token" value="{csrf}"><input type="hidden" name="next" value="{next}">{username}
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Confirm</button></form>"""

PASSWORD = """<form method="post" action="/account/password"><input type="hidden" name="csrf_token" value="{csrf}">
<label>Current password <input name="current_password" type="password" required></label>
<label>New password <input name="new_password" type="password" minlength="10" required></label>
<label><input type="checkbox" name="revoke_others" checked> Sign out my other devices</label>
<button>Change password</button></form>"""


def create_app(sessions, users, *, reauth_max_age=None):
    """The site. reauth_max_age (seconds) is how recent a login the password
    change needs; None takes the Sessions' reauth_max_age."""
    app = Flask(__name__)
    app.wsgi_app = SessionMiddleware(app.wsgi_app, sessions)
    client = sessions.client

    def state():
        return request.environ["sessiond"]

    def page(title, body="", message="", status=200):
        current = state().session
        csrf = state().csrf_token() if current else ""
        html = render_template_string(PAGE, title=title, body=Markup(body), message=message, session=current, csrf=csrf)
        return html, status

    def posted_form():
        state().check_csrf_token(request.form.get("csrf_token"))
        return request.form

    @app.after_request
    def security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response

    @app.errorhandler(sessiond.Unauthenticated)
    def to_login(_):
        return redirect("/login", 303)

    @app.errorhandler(sessiond.ReauthRequired)
    def to_reauth(_):
        return redirect("/reauth?next=" + request.path, 303)

    @app.errorhandler(sessiond.CSRFRefused)
    def refused(_):
        return page("Refused", message="This request was refused.", status=403)

    @app.errorhandler(sessiond.ServiceUnavailable)
    def unavailable(_):
        return page("Unavailable", message="Sign-in is unavailable; try again in a moment.", status=503)

    @app.get("/")
    def home():
        return redirect("/account" if state().session else "/login", 303)

    @app.get("/login")
    def login_form():
        if state().session:
            return redirect("/account", 303)
        return page("Sign in", LOGIN)

    @app.post("/login")
    def login():
        user_id = users.check(request.form.get("username", ""), request.form.get("password", ""))
        if user_id is None:
            return page("Sign in", LOGIN, "Wrong username or password.", 401)
        state().login(user_id, auth_methods=["pwd"], remember=request.form.get("remember") == "on")
        return redirect("/account", 303)

    @app.post("/logout")
    def logout():
        posted_form()
        state().logout()
        return redirect("/login", 303)

    @app.get("/account")
    def account():
        current = state().require()
        return page("Account", f"<p>Signed in as <b>{_e(users.name_of(current.user_id))}</b>.</p>")

    @app.get("/api/me")
    def me():
        current = state().require()
        return jsonify(user=users.name_of(current.user_id), user_id=current.user_id)

    @app.get("/account/sessions")
    def devices():
        current = state().require()
        csrf = state().csrf_token()
        rows = "".join(
            f'<li data-session-id="{_e(s.id)}" data-current="{str(s.id == current.id).lower()}">'
            f"{_e(s.user_agent) or 'unknown device'} · {_e(s.ip)} · since {s.created_at:%Y-%m-%d %H:%M} UTC"
            f" · last seen {s.last_seen_at:%Y-%m-%d %H:%M} UTC"
            + (" (this device)" if s.id == current.id else
               f'<form method="post" action="/account/sessions/revoke" style="display:inline">'
               f'<input type="hidden" name="csrf_token" value="{csrf}"><input type="hidden" name="session_id" value="{_e(s.id)}">'
               f"<button>Sign out</button></form>")
            + "</li>"
            for s in client.list_user_sessions(current.user_id))
        return page("Devices", f"<ul>{rows}</ul>")

    @app.post("/account/sessions/revoke")
    def revoke_device():
        current = state().require()
        target = posted_form().get("session_id", "")
        # Only the user's own sessions: an id is not a credential, but one
        # user must not end another's sessions.
        if target not in {s.id for s in client.list_user_sessions(current.user_id)}:
            abort(404)
        client.revoke_session(target)
        return redirect("/account/sessions", 303)

    @app.get("/reauth")
    def reauth_form():
        current = state()
        if not (current.session or current.reauth_required):
            return redirect("/login", 303)
        return page("Confirm it is you", _reauth_body(current, request.args.get("next")))

    @app.post("/reauth")
    def reauth():
        current = state()
        if current.session:
            posted_form()
        elif not current.reauth_required:
            return redirect("/login", 303)
        # A session sessiond holds for re-authentication (its User-Agent
        # changed) is not shown until then, so the form asks whose it is and
        # the answer must match the session reauth returns.
        username = users.name_of(current.session.user_id) if current.session else request.form.get("username", "")
        user_id = users.check(username, request.form.get("password", ""))
        if user_id is None:
            return page("Confirm it is you", _reauth_body(current, request.form.get("next")), "Wrong password.", 401)
        if current.reauth(["pwd"]).user_id != user_id:
            current.logout()
            return redirect("/login", 303)
        return redirect(_local(request.form.get("next")), 303)

    @app.get("/account/password")
    def password_form():
        state().require_recent_auth(reauth_max_age)
        return page("Change password", PASSWORD.format(csrf=state().csrf_token()))

    @app.post("/account/password")
    def change_password():
        current = state().require_recent_auth(reauth_max_age)
        form = posted_form()
        if users.check(users.name_of(current.user_id), form.get("current_password", "")) is None:
            return page("Change password", PASSWORD.format(csrf=state().csrf_token()), "The current password is wrong.", 400)
        if len(form.get("new_password", "")) < 10:
            return page("Change password", PASSWORD.format(csrf=state().csrf_token()), "Use at least 10 characters.", 400)
        users.set_password(current.user_id, form["new_password"])
        if form.get("revoke_others") == "on":
            client.revoke_others(current)
        state().reauth(["pwd"])  # a privilege change rotates the token
        return page("Account", "<p>Your password was changed.</p>")

    return app


def _e(text):
    return str(escape(text or ""))


def _reauth_body(state, next_path):
    username = "" if state.session else '<label>Username <input name="username" autocomplete="username" required></label>'
    return REAUTH.format(csrf=state.csrf_token() if state.session else "", next=_e(_local(next_path)), username=username)


def _local(path):
    """A path on this site to go to, never another site's address."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/account"


def from_environment():
    """Sessions on the sessiond of SESSIOND_URL, SESSIOND_API_KEY and
    SESSIOND_CA_FILE, and a user table holding demo / demo-password."""
    client = sessiond.Client(os.environ.get("SESSIOND_URL", "https://127.0.0.1:8443"), os.environ["SESSIOND_API_KEY"],
                             ca_file=os.environ.get("SESSIOND_CA_FILE"))
    users = Users()
    users.add("demo", "demo-password")
    return sessiond.Sessions(client, csrf_secret=secrets.token_bytes(32)), users


def main():
    create_app(*from_environment()).run(host="localhost", port=int(os.environ.get("PORT", "5000")))


if __name__ == "__main__":
    main()
