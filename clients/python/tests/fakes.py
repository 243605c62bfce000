"""A stand-in for sessiond.Client in the middleware tests."""

import datetime
import threading

import sessiond

NOW = 1_800_000_000.0  # the tests' fixed clock (2027-01-15)


def session(sid="s1", *, auth_age=0, absolute_in=3600, data=None):
    at = datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc)
    return sessiond.Session(
        id=sid, user_id="u1", state="active", created_at=at, last_seen_at=at,
        idle_expires_at=at + datetime.timedelta(minutes=30),
        absolute_expires_at=at + datetime.timedelta(seconds=absolute_in),
        auth_time=at - datetime.timedelta(seconds=auth_age), auth_methods=("pwd",),
        ip="192.0.2.1", user_agent="UA", version=1, data=dict(data or {}))


class FakeClient:
    """validate answers from outcomes, a dict from token to a Validated or an
    exception to raise; unknown tokens are Unauthenticated. Every call is
    recorded in calls with the thread it ran in."""

    def __init__(self, outcomes=None):
        self.outcomes = outcomes or {}
        self.calls = []
        self.proofs = []  # the device-binding proof of each validate and reauth

    def _record(self, *call):
        self.calls.append(call + (threading.get_ident(),))

    def validate(self, token, *, ip=None, user_agent=None, bound_cookie=None, skipped=None):
        self._record("validate", token, ip, user_agent)
        self.proofs.append((bound_cookie, skipped))
        outcome = self.outcomes.get(token)
        if outcome is None:
            raise sessiond.Unauthenticated("sessiond: 401 invalid_session")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def create(self, user_id, *, ip=None, user_agent=None, auth_methods=None, data=None):
        self._record("create", user_id, ip, user_agent, auth_methods, data)
        return sessiond.Issued("created-token", session("s2", data=data))

    def reauth(self, token, auth_methods, *, ip=None, user_agent=None, bound_cookie=None, skipped=None):
        self._record("reauth", token, auth_methods, ip, user_agent)
        self.proofs.append((bound_cookie, skipped))
        return sessiond.Issued("reauth-token", session())

    def revoke(self, token):
        self._record("revoke", token)

    def names(self):
        return [c[0] for c in self.calls]
