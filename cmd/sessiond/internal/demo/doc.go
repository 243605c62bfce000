// Package demo is the site that "sessiond demo" serves: sign-up, login with
// an optional TOTP second step, re-authentication, a devices page and
// password and two-step-login settings, each on the sessiond library with
// its defaults. It shows every protection in a browser, and its tests prove
// them: CSRF tokens on every form, login throttling that cannot lock the
// owner out, answers that do not tell whether a user exists, fresh logins
// for sensitive actions, and sessions that end on the server. With device
// binding on (sessiond demo's default), a browser that supports Device
// Bound Session Credentials binds its session to a key it keeps, and the
// devices page marks such sessions (data-bound="true", the key's
// algorithm and thumbprint).
//
// # Sign-up
//
// Sign-up can never hide which names exist: a person who picks a taken
// name must be told to pick another, and a well-formed name that is
// refused is one that is taken. (A site that signs up by email can answer
// "check your inbox" either way; the demo has no email.) So the demo does
// what it can. Sign-ups are limited to 10 an hour from one client address,
// IPv6 addresses counting by their /64 (throttle.Limiter), each counted
// before its password is hashed, so that requests sent together cannot
// pass the limit; past it the answer is the generic 429 of a refused
// login, with a Retry-After. Testing names is thus held to 10 an hour from
// one address, and each costs the tester a sign-up. A taken name and a
// malformed one get the same answer, which does not say "taken", after the
// same password hash as an accepted sign-up. Everywhere else (login,
// re-authentication, their 429s) the answer is the same whether a user
// exists or not.
//
// # A login in the audit log
//
// Each login tells one story in the audit log, under the user's internal
// id. The login form's CSRF pre-session is a signed cookie and nothing
// more: showing the form, however often, writes no event and stores no
// session, and no session exists before a password is right. Then:
//
//   - a sign-up or a password login: session.created, then login.succeeded
//     (reason "pwd") for that session;
//   - a wrong password: login.failed (reason "password"), with the user's
//     id when there is such a user, and no session;
//   - a two-step login, pending then completed: session.created (reason
//     "pending") for the pending session when the password is right (it
//     grants nothing);
//     login.failed (reason "totp") for each wrong code; with the right
//     code, session.revoked for the pending session (reason "login": its
//     login is finished) followed by session.created and login.succeeded
//     (reason "pwd+totp") for the session that grants access. Five wrong
//     codes end the pending session instead (session.revoked, reason
//     "mfa_failed"), and one left alone expires (session.expired).
//
// login.succeeded is written once per login, always for the session that
// grants access: it is what counts logins.
//
// # Signed out on this device
//
// A browser whose session cookie no longer names a live session (revoked
// from another device or by an operator, timed out, or of a disabled
// user) is told so on the login page: "You were signed out on this
// device". The middleware expires such a cookie in its answer, so the
// site notices it on that one request: the page it renders says so, and a
// redirect to the login page carries done=ended, a fixed notice like
// every ?done= message. The notice is the same whatever ended the
// session, as any answer to an invalid token is (R49), and it only
// concerns the browser's own cookie: it tells nobody anything about an
// account, and the login's next page is checked as always.
package demo
