// Package admin is sessiond's admin UI, served under /admin/: operators
// sign in, list the live sessions of every user, the newest logins first,
// a page at a time (sessiond.Manager.ListAll; a store that cannot list
// them all is said to), find a user's sessions (device, IP address,
// created, last seen), revoke one, all of a user's, or every session at
// once, and read the audit log a page at a time, filtered by user,
// session and event type. Where sessiond knows the users (the demo site,
// through Config.Users), operators also list and search the users, find
// a user's sessions and events by name, and disable a user, which ends
// all of the user's sessions at once and refuses new logins until the
// user is enabled again.
//
// The pages are plain HTML from html/template with one embedded
// stylesheet: no script, no build step.
//
// # Operators and their sessions
//
// Operators sign in at /admin/login with an account of the operators
// file (package operators). The login form is throttled (package
// throttle, accounts counted as "operator:<name>"), answers "Wrong
// username or password." whether the user is unknown or the password
// wrong, and writes login.succeeded and login.failed events with the user
// id "operator:<name>" to the application's audit trail. What an operator
// does (ending one session, a user's or every session, disabling or
// enabling a user) is audited with "operator:<name>" as the event's
// actor; disabling and enabling write user.disabled and user.enabled.
//
// Operator sessions run on a sessiond.Manager of their own, on a private
// memory store: they never show in an application user's list, never
// count against a user's limit, and survive "end every session". Their
// cookie is "__Host-sessiond-admin" (SameSite=Strict); they end after 15
// minutes without a request or 8 hours after login, and at once when
// their operator is removed from the operators file. Being in memory,
// they are known to one process only: behind a load balancer, send /admin/
// to one replica, or make the balancer's sessions sticky.
//
// # Protections
//
// Every unsafe request must come from the UI's own origin and carry a
// CSRF token bound to the operator session (the login form's, to a
// pre-session): package csrf, refusing with 403. State changes only on
// POST; each action answers 303 to a page that shows its outcome once
// (post, redirect, get). Every response carries "Cache-Control: no-store"
// and the headers of package secheaders, with a Content-Security-Policy
// that allows the stylesheet and nothing else. Sign-out also sends
// Clear-Site-Data. No page carries a session token.
//
// # Routes
//
//	GET  /admin/                      every user's sessions (?after=), or a user's (?user_id=)
//	GET  /admin/users                 the users (?q=, after=; with Config.Users)
//	POST /admin/sessions/revoke       session_id: end one session
//	POST /admin/users/revoke          user_id: end all of a user's sessions
//	POST /admin/sessions/revoke-all   confirm=all: end every session
//	POST /admin/users/disable         user_id (with Config.Users)
//	POST /admin/users/enable          user_id (with Config.Users)
//	GET  /admin/audit                 ?user_id=, session_id=, type=, before= (with Config.Audit)
//	GET  /admin/login, POST /admin/login, POST /admin/logout
//	GET  /admin/static/style.css
package admin
