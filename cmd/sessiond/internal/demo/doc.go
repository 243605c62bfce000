// Package demo is the site that "sessiond demo" serves: sign-up, login with
// an optional TOTP second step, re-authentication, a devices page and
// password and two-step-login settings, each on the sessiond library with
// its defaults. It shows every protection in a browser, and its tests prove
// them: CSRF tokens on every form, login throttling that cannot lock the
// owner out, answers that do not tell whether a user exists, fresh logins
// for sensitive actions, and sessions that end on the server.
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
package demo
