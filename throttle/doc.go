// Package throttle slows down password guessing at login without letting
// a guesser lock the owner of an account out.
//
// # Using it
//
// Make one [Throttle] with [New] and share it. For every login attempt:
//
//  1. call [Throttle.Begin] first; if it refuses, answer 429 with a
//     generic message (and a Retry-After of the wait), without checking
//     the password;
//  2. otherwise defer [Attempt.Release] on the attempt it returns, and
//     check the credentials;
//  3. call [Attempt.Fail] if they are wrong, whether the account exists
//     or not, or [Attempt.Succeed] if they are right, before the response
//     is written: it sets the device cookie.
//
// An attempt that ends neither way (an error, or a right password with a
// second factor still to check) is given back by the deferred Release and
// counts for nothing.
//
// Account names should be normalised by the caller as for the login
// itself. The throttle keeps only SHA-256 digests of them and logs
// nothing.
//
// # Policy
//
// Per client and account: after 5 consecutive failures (Config.FreeFailures)
// from one client for one account, each further attempt waits 1 s, then
// 2 s, 4 s, and so on, doubling up to 15 minutes (Config.BaseDelay,
// Config.MaxDelay), counted from the last failure. A success ends the run;
// a client's run is forgotten 24 hours after its last failure
// (Config.ResetAfter). A client is a browser that has signed in to the
// account before (see below), otherwise the client's IP address; IPv6
// addresses count by their /64.
//
// Per account: after 100 failures within an hour (Config.AccountLimit,
// Config.AccountWindow), from all clients together, the account refuses
// attempts from browsers that have never signed in to it
// ([ErrAccountLocked]) until the count falls below 100 again.
//
// Per address: after 300 failures within an hour (Config.ClientLimit,
// Config.ClientWindow), for all accounts together, one address is refused
// for every account it has no device cookie for ([ErrClientLimited]).
// This slows credential stuffing, where one address tries a few
// passwords on many accounts and so never meets the per-account limits.
// A busy shared address (a large NAT) can reach it too: its users who
// have signed in before are not affected, new ones wait.
//
// Windows are counted in tenths: a failure counts for at least the window
// and at most a tenth longer. An attempt refused by any rule is not a
// failure and counts for nothing.
//
// An attempt counts from the moment Begin lets it through: one step under
// one lock checks the limits and counts the attempt, and until it ends
// every rule counts it as a failure just made. Checking a password takes
// a while (argon2id, some 0.2 s), but guesses sent at the same moment get
// no more through than guesses sent one at a time: of 16 wrong passwords
// for one account sent together from one address, 5 are checked and 11
// are refused, and no burst takes an account or an address past its cap.
//
// # Why the owner cannot be locked out
//
// No rule ever refuses everybody. The shared limits, the only ones an
// attacker can drive from many addresses, refuse only browsers that have
// never signed in to the account. A successful login sets a device
// cookie, "__Host-device" ([DeviceCookieName]: Secure, HttpOnly,
// SameSite=Lax, Path=/, kept a year), that holds a random device id and,
// for each of the last 8 accounts signed in to from the browser, an
// HMAC-SHA256 of the id and the account under Config.Key. With it the
// browser passes the account and address limits for those accounts only,
// and its run of failures is its own, keyed by the device rather than the
// address, so that nobody sharing its address can push it into backoff. A
// cookie for another account, a forged or altered one, or one signed
// under another key counts for nothing. The worst an attacker can do to
// the owner is make a browser that has never signed in wait until the
// attack stops.
//
// Config.Key must be shared by every process that answers logins, and
// kept: without it, New makes a random key and browsers are recognised by
// that process only until it stops. A logout that sends Clear-Site-Data
// "cookies" also clears the device cookie; the browser counts as new until
// its next successful login.
//
// # Sign-ups
//
// A [Limiter] limits, per client address, a costly request that is not a
// login, such as a sign-up, which hashes a password: by default 10 an hour
// from one address (IPv6 by its /64). Call [Limiter.Take] before the
// costly work; like Begin it counts the request in the step that checks
// the limit, and a refused request counts for nothing. A sign-up form
// must tell a person when a name is taken, so it tells anyone which names
// exist; the limit keeps that to a few names an hour from one address.
//
// # Memory
//
// Each of the three tables (client and account runs, accounts, addresses)
// keeps at most Config.MaxEntries (100,000) entries, some 130 bytes each
// (about 40 MB when all three are full at the default); past it, the entry whose last failure is oldest goes, and entries whose
// failures are all forgotten are swept as new failures arrive. Losing an
// entry only forgets failures, so eviction can make the throttle more
// lenient for that account or client, never lock anyone out. Attempts in
// flight are counted apart, never evicted, in entries that go when the
// attempts end.
//
// # Standards
//
// NIST SP 800-63B (rev. 3 §5.2.2, rev. 4 §3.2.2) asks verifiers to limit
// consecutive failed attempts on one account to no more than 100, and
// names increasing wait times and risk-based techniques, such as
// recognising a browser seen before, as ways to slow an attacker while
// sparing the subscriber. OWASP ASVS 4.0.3 V2.2.1 (5.0 V6.3.1) asks for
// anti-automation against brute force and credential stuffing that cannot
// itself become an account lockout — ever-increasing delays, IP address
// restrictions, first login on a device — with no more than 100 failed
// attempts an hour on one account. Here browsers that never signed in to
// an account get at most 100 failures an hour at it; a browser that has
// gets its own run of failures, which backoff slows to four an hour once
// the delay reaches 15 minutes.
package throttle
