// Package sessiond gives net/http applications secure server-side sessions,
// with nothing to configure but a store.
//
// # Getting started
//
// Make a [Manager] on a [Store] with [New], wrap the application in
// [Manager.Handler], and call [Manager.Login] once a user has proved who
// they are. [FromContext] returns the request's [Session]:
//
//	m, err := sessiond.New(memstore.New(memstore.Config{}), sessiond.Config{})
//	...
//	http.ListenAndServeTLS(addr, cert, key, m.Handler(mux))
//
// # Tokens
//
// A token is 256 bits from crypto/rand, as unpadded base64url. It means
// nothing by itself: no user, time or counter is inside it. Only its
// SHA-256 digest ([Hash]) ever reaches a store, a log or a metric, so a
// copy of the store cannot be replayed. Each session also has a public id,
// not derived from the token, by which it is listed and revoked: the
// millisecond of its login, so that ids sort by it and stores add new
// sessions at the end of their indexes, then 80 random bits.
//
// # Cookies
//
// The cookie is named "__Host-session" and is Secure, HttpOnly,
// SameSite=Lax, Path=/, with no Domain and no Max-Age: it ends with the
// browser. A "remember me" login ([LoginInfo.Persistent]) gets a Max-Age
// that ends no later than the absolute deadline. Cookie expiry never
// enforces a timeout: the server does.
//
// # Timeouts
//
// Every session has an idle deadline (default 30 minutes after the last
// request) and an absolute one (default 12 hours after login), both checked
// on the server on every request. Activity moves the idle deadline only;
// nothing but a new login starts a new absolute deadline. The defaults meet
// NIST SP 800-63B at AAL2 (12 hours absolute, 30 minutes idle: rev. 3
// §4.2.3, rev. 4 §2.2.3); for AAL3 (12 hours, 15 minutes) set IdleTimeout
// to 15 minutes. Idle and absolute timeouts are ASVS 5 V7.3.1 and V7.3.2.
//
// Activity is recorded by a "touch" that moves the idle deadline without
// rewriting the session, at most once per session per
// max(1 s, IdleTimeout/100) (Config.TouchInterval): a session may
// therefore end up to that much before a full IdleTimeout of inactivity.
//
// # Rotation and theft detection
//
// A login always issues a new token, and in the middleware revokes the
// request's previous session, so a token planted before login dies with it
// (session fixation). [Session.Reauth] and [Session.Renew] (for privilege
// changes) issue a new token and keep the absolute deadline; a token older
// than Config.RotateEvery (default 15 minutes) is replaced on its next use.
//
// After a rotation the old token keeps working for Config.RotationGrace
// (default 30 seconds), for requests already in flight: they read and
// write the session's data. A request made with it is never answered with
// the new token, and it cannot act on the account: [Session.Renew],
// [Session.Reauth], [Session.RevokeOthers] and a [Guard] with MaxAge or
// Methods refuse it with [ErrStaleToken], so a stolen old token never
// becomes a live one. It can log out ([Session.Revoke]): ending the
// session hands nobody anything. Presented after the grace window, a
// rotated-out token means two parties hold the session: the whole session
// is revoked and a [EventTokenReused] audit event says so.
//
// # Data
//
// Values are typed with [Get] and [Session.Set], encoded as JSON and sealed
// at rest with XChaCha20-Poly1305 under a key ring ([Key]) with the
// session's id as associated data, so a payload copied to another session
// does not open. A [KeyRing] of the same keys seals an application's own
// secrets at rest. Data is decoded only when a request reads it. Every
// session has a version; writes are compare-and-swap, and the middleware
// merges concurrent changes key by key, so two requests never lose each
// other's writes.
//
// # Revocation
//
// [Session.Revoke] (logout), [Session.RevokeOthers] ("sign out my other
// devices"), [Manager.RevokeID], [Manager.RevokeUser] (with exceptions) and
// [Manager.RevokeEverything] delete sessions from the store: the next
// request through any Manager on the same store is refused. [Manager.List]
// reads a user's sessions from the store's per-user index; [Manager.ListAll]
// reads every user's, the newest logins first, a page at a time, from a
// store that is a [SessionLister] (every store of this module's family is).
//
// # Login states and re-authentication
//
// A login whose second factor is still due ([LoginInfo.Pending]) makes a
// session that grants nothing: [FromContext] returns nil for it, and it
// ends after Config.PendingTimeout (10 minutes) unless a full login
// replaces it. [FromContextAny] finds it, for the page that finishes the
// login. A session records when its user last proved who they are
// (auth_time) and how (the methods); a [Guard] demands, for sensitive
// routes, a proof no older than MaxAge ([RequireFresh]) or by given
// methods ([RequireMethods]), sending a browser to re-authenticate and
// answering an API client 401 {"error": "reauth_required"}. A session
// never counts as stronger than its latest proof: [Session.Reauth]
// replaces the methods with the ones just used.
//
// # Anomalies
//
// Each request's client ([Manager.Client]: the connection's address, or
// X-Forwarded-For behind Config.TrustedProxies only) is compared with the
// session's. By default ([AnomalyPolicy]) an IP that leaves its /24 (IPv4)
// or /48 (IPv6) is audited and becomes the one compared next; a changed
// User-Agent is audited and demands re-authentication
// ([StateReauthRequired]); both at once revoke the session. Every decision
// is a session.anomaly audit event. A missing User-Agent where the session
// recorded one is a change like any other, and nothing the policy lets
// through replaces a recorded value with an empty one.
//
// # Limits
//
// Config.MaxSessionsPerUser (default: no limit) caps the sessions of one
// user: a login past it revokes the oldest, audited as session.evicted, and
// every session a user holds shows in [Manager.List]. A client address
// that presents more than Config.InvalidTokenLimit invalid tokens in a
// minute (default 100) is answered 429 for a minute while it goes on, and
// a session.throttled event says so; valid tokens are never throttled.
//
// # Failure
//
// Invalid, expired, revoked and unknown tokens are all [ErrInvalidToken]
// and look the same to a client; the audit log says which it was. When the
// store cannot answer, the middleware refuses the request (fail closed)
// with Config.ErrorHandler, which finds the cause with [ErrorFrom]; the
// default answers 503 and logs the cause at level Error, a few records a
// second at most.
//
// # Device binding
//
// Config.DeviceBinding turns on Device Bound Session Credentials (W3C
// DBSC), off by default: a browser that supports them keeps a private key
// it cannot export (in a TPM) and proves possession of it to renew a
// short-lived bound cookie, so that a session cookie stolen from the
// device (by malware reading the cookie store, say) stops working
// elsewhere. Chrome 146 and later do it on Windows with a TPM; Chromium
// behind the DeviceBoundSessions feature. Other browsers ignore it and
// their sessions work as before.
//
//	m, err := sessiond.New(store, sessiond.Config{
//		Keys:          keys, // shared by every replica
//		DeviceBinding: sessiond.DeviceBindingConfig{Enabled: true},
//	})
//
// The response of a full login over HTTPS inside [Manager.Handler]
// offers the binding (Secure-Session-Registration, ES256 or RS256, a
// challenge and an authorization for that session), and the middleware
// answers the browser's registration and refresh at
// DeviceBindingConfig.Path+"/registration" and "/refresh" itself. The
// registration's dbsc+jwt must be signed by the key it carries, with an
// algorithm offered (never "none"), for the offered challenge and
// authorization; the key is stored in the session's [Record]
// ([DeviceBinding], [Session.Device]). A refresh must be signed by that
// stored key, never by one the proof carries, for a challenge of the
// session's current generation, issued in a 403 Secure-Session-Challenge
// or ahead on the previous answer; each success advances the generation
// by a compare-and-swap write, so a challenge is used once, and sets a new
// bound cookie (a __Host- cookie, Secure, HttpOnly, SameSite like the
// session cookie, Max-Age DeviceBindingConfig.CookieLifetime, 10 minutes
// by default). The record keeps the SHA-256 of the newest bound cookie and
// of the one before it (for requests already on their way): checking it
// costs one hash, and no store call. A registration or refresh is a write
// and counts as a change (the version grows by one); a request that only
// presents the cookies writes nothing more than before.
//
// Once bound, a session is refused without a live bound cookie: the
// request is anonymous, as with an invalid token ([ErrDeviceUnverified]
// outside the middleware, from [Manager.LoadDevice]), and a
// session.device_unverified event names why, with the reason Chromium
// gives in Secure-Session-Skipped. The session and its cookie are kept:
// whoever copied the token gets nothing, and the session's own browser,
// whose refresh failed for now (unreachable, quota), goes on once a
// refresh succeeds. Its user sees the page an anonymous visitor sees (the
// login page, or a 401) until then, or logs in again; an operator who sees
// many skipped refreshes lengthens CookieLifetime, so that browsers
// refresh less often. There is no downgrade: a bound session is refused
// without its cookie even by a Manager with DeviceBinding off (turning it
// off makes bound sessions end for their users once their bound cookie
// runs out). Rotation and re-authentication keep the binding; logout,
// revocation and expiry end it with the session, and a refresh of an
// ended session is refused, which ends the browser's bound session too.
//
// A service that runs the sessions of another application does the same
// without the middleware: [Manager.DeviceOffer] is the offer for a login,
// [Manager.RegisterDevice] and [Manager.RefreshDevice] take the browser's
// headers and the application's origin as a [DeviceRequest] and return the
// [DeviceAnswer] to send, and [Manager.LoadDevice] checks the bound cookie
// ([DeviceProof]).
//
// DBSC protects against the theft of cookies, not against malware that
// drives the browser itself on the device: such malware makes the
// browser sign for it. It binds the session to a browser's key, not to a
// person. Challenges are made with keys derived from Config.Keys, so set
// the same Keys on every replica.
//
// # Audit
//
// Every lifecycle event goes to an [Auditor]; the default, [SlogAuditor],
// writes structured log/slog records with UTC time, user, session id, IP,
// User-Agent and reason. No token, raw or hashed, is ever in an event. An
// action taken for someone else, such as an operator ending a user's
// sessions, runs with a context from [WithActor], and its events name
// that actor.
//
// # Writing a store
//
// An application picks a store (memstore, boltstore, redisstore, pgstore)
// and needs nothing else from this section. A new backend implements
// [Store], whose doc is the contract; the rest is for store authors only:
//
//   - [Record] is what a store keeps, found by any of its [Record.Hashes];
//     [Record.MarshalBinary], [Record.UnmarshalBinary] and
//     [Record.UnmarshalString] are a compact, versioned encoding for
//     stores that keep bytes. A store that keeps fields of its own keeps
//     [Record.Device] too. [NewID] makes ids as the Manager does, for a
//     tool that creates records itself.
//   - [TokenToucher] lets a store touch a session by its token hash in one
//     round trip; [ExpiryWatcher] and [ExpiryCallbacks] report sessions a
//     sweeper removes, so that they are audited as expired.
//   - [EventCreator] stores a new session with its audit events in one
//     write, and [BatchDeleter] deletes several sessions in one, for
//     [Manager.RevokeUser].
//   - [AuditStore] keeps audit events and answers an [EventQuery]
//     ([EventQuery.Match], [EventQuery.Max]) for the service's audit API;
//     [StoreAuditor] writes to it. [EventPager] reads the answer a page
//     at a time.
//   - [SessionLister] lists the sessions of every user a page at a time
//     ([ListPosition]), for [Manager.ListAll] and the operators' list.
//
// Package storetest holds the conformance suite every store runs, and the
// benchmarks they share.
package sessiond
