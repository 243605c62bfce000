// Package demo is the site that "sessiond demo" serves: sign-up, login with
// an optional TOTP second step, re-authentication, a devices page and
// password and two-step-login settings, each on the sessiond library with
// its defaults. It shows every protection in a browser, and its tests prove
// them: CSRF tokens on every form, login throttling that cannot lock the
// owner out, answers that do not tell whether a user exists, fresh logins
// for sensitive actions, and sessions that end on the server.
package demo
