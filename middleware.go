package sessiond

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sessiond/sessiond/forwarded"
)

// Handler is the session middleware. It loads the session of the request's
// cookie (or, with Config.AcceptBearer, of its Authorization header) into
// the request context, where [FromContext] finds it and [Manager.Login]
// replaces it; an invalid token makes the request anonymous and expires the
// cookie.
//
// Before the first byte of the response it writes pending data changes and
// sets the cookie; every response that carries a session or a cookie gets
// "Cache-Control: no-store" and "Vary: Cookie". A request that only reads
// the session never rewrites it: activity is recorded by a touch at most
// once per Config.TouchInterval.
//
// The handler's writer keeps the abilities of the one it wraps: it is an
// [http.Flusher] and an [http.Hijacker], and flushing, hijacking or
// answering 101 Switching Protocols commits the session first, as the
// first byte does. A protocol upgrade is never rotated periodically (its
// 101 may not carry a new cookie); the next plain request is.
//
// When the store fails, the request is refused with Config.ErrorHandler
// (503 by default, the cause logged): never served as anonymous, never as
// authenticated. A client past Config.InvalidTokenLimit is refused the same
// way (429 by default) while it keeps presenting invalid tokens.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dbsc := m.dbsc != nil && m.dbsc.owns(r.URL.Path)
		rs, err := m.start(r, dbsc)
		if err != nil {
			m.refuse(w, r, err)
			return
		}
		rs.w = commitWriter{ResponseWriter: w, rs: rs, r: r}
		rs.Context = r.Context()
		h := next
		if dbsc {
			h = http.HandlerFunc(m.serveDeviceBinding)
		}
		h.ServeHTTP(&rs.w, r.WithContext(rs))
		rs.w.begin()
	})
}

// start reads the request's token and loads its session into the
// request's state. A request to the device-binding endpoints (dbsc) is
// loaded without the device check, which it is there to pass, and
// without periodic rotation.
func (m *Manager) start(r *http.Request, dbsc bool) (*requestState, error) {
	rs := &requestState{m: m, client: m.Client(r)}
	if m.dbsc != nil {
		rs.https = forwarded.HTTPS(r)
	}
	tok, found := "", false
	if m.cfg.AcceptBearer {
		tok, found = bearerToken(r.Header)
		rs.bearer = found
	}
	if !found {
		tok, found = cookieValue(r.Header, m.cfg.CookieName)
	}
	if !found {
		return rs, nil
	}
	// A periodic rotation needs a response that carries the new cookie: a
	// bearer client never gets one, and a protocol upgrade may not either
	// (a WebSocket library that writes its own 101 leaves the header
	// behind), which would leave the browser holding the retired token
	// and, after the grace window, look like theft. The next plain request
	// rotates it.
	o := loadOptions{rotate: !rs.bearer && r.Header.Get("Upgrade") == "" && !dbsc}
	if !dbsc {
		o.req = r
	}
	newTok, err := m.load(r.Context(), tok, rs.client, o, &rs.loaded)
	switch {
	case errors.Is(err, ErrThrottled):
		return nil, err
	case errors.Is(err, ErrDeviceUnverified):
		// Anonymous, but the cookie is kept: the session's own browser,
		// whose refresh failed for now, goes on once it succeeds.
		return rs, nil
	case errors.Is(err, ErrInvalidToken):
		rs.clear = !rs.bearer
		return rs, nil
	case err != nil:
		return nil, err
	}
	rs.adopt(&rs.loaded, newTok)
	return rs, nil
}

// errorKey is the context key of the error a request was refused for.
type errorKey struct{}

// refuse answers r, which the middleware refuses for err, with
// Config.ErrorHandler.
func (m *Manager) refuse(w http.ResponseWriter, r *http.Request, err error) {
	m.cfg.ErrorHandler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), errorKey{}, err)))
}

// ErrorFrom returns why the middleware refused r, for a
// Config.ErrorHandler: [ErrThrottled], or the store's error. It returns nil
// for a request the middleware did not refuse.
func ErrorFrom(r *http.Request) error {
	err, _ := r.Context().Value(errorKey{}).(error)
	return err
}

// Records of the default error handler: at most errorLogBurst a second.
const errorLogBurst = 5

// errorLog is the default Config.ErrorHandler. It fails closed with a
// generic answer and logs the cause of a store failure, so that an outage
// reaches an operator without flooding the log.
type errorLog struct {
	logger *slog.Logger // nil: slog.Default()
	now    func() time.Time

	mu         sync.Mutex
	second     time.Time // the start of the current second's records
	n          int       // records in it
	suppressed int       // records left out since the last one logged
}

// ServeHTTP answers 429 with a Retry-After for a throttled client, and
// 503 for a store failure, whose cause it logs.
func (e *errorLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := ErrorFrom(r)
	w.Header().Set("Cache-Control", "no-store")
	if errors.Is(err, ErrThrottled) {
		w.Header().Set("Retry-After", strconv.Itoa(int(invalidTokenBlock/time.Second)))
		http.Error(w, "too many requests", http.StatusTooManyRequests)
		return
	}
	e.log(r, err)
	http.Error(w, "service unavailable", http.StatusServiceUnavailable)
}

// log records err at level Error, unless this second has had its records;
// then it counts the record as left out, for the next one to say.
func (e *errorLog) log(r *http.Request, err error) {
	now := e.now()
	e.mu.Lock()
	if now.Sub(e.second) >= time.Second {
		e.second, e.n = now, 0
	}
	e.n++
	if e.n > errorLogBurst {
		e.suppressed++
		e.mu.Unlock()
		return
	}
	suppressed := e.suppressed
	e.suppressed = 0
	e.mu.Unlock()
	l := e.logger
	if l == nil {
		l = slog.Default()
	}
	// The path, not the query: the cause and where it struck, never a
	// token (none reaches a store, and none belongs in a URL).
	l.LogAttrs(r.Context(), slog.LevelError, "sessiond: request refused: the session store failed",
		slog.Any("error", err), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("suppressed", suppressed))
}

// ErrHeadersWritten is returned by an operation that would change the
// session cookie after the response has begun, when the cookie can no
// longer be sent.
var ErrHeadersWritten = errors.New("sessiond: response already begun; the session cookie cannot change")

// requestKey is the context key of the request's state.
type requestKey struct{}

// requestState is the middleware's state of one request: its session and
// what the response must say about the cookie. Its methods are safe on a
// nil requestState (a session used outside the middleware), where they do
// nothing.
type requestState struct {
	// Context is the request's own: the state is the context the
	// handler sees, answering for requestKey itself (one allocation less
	// than context.WithValue on every request).
	context.Context

	m      *Manager
	client Client
	bearer bool // the token came in an Authorization header: no cookies
	https  bool // the client reached the site over HTTPS (known with device binding on)
	// w, loaded and cacheHeaders live here to save the request
	// allocations.
	w            commitWriter
	loaded       Session
	cacheHeaders [2]string

	mu        sync.Mutex
	s         *Session
	token     string // a token to send in a cookie
	clear     bool   // expire the cookie
	login     bool   // the token is a login's: offer device binding
	committed bool
}

// Value answers requestKey with the state and asks the request's context
// for anything else.
func (rs *requestState) Value(key any) any {
	if key == (requestKey{}) {
		return rs
	}
	return rs.Context.Value(key)
}

// requestFrom returns the request's state, or nil outside the middleware.
func requestFrom(ctx context.Context) *requestState {
	rs, _ := ctx.Value(requestKey{}).(*requestState)
	return rs
}

// FromContext returns the request's session when it grants access
// ([StateActive]), or nil: the request is anonymous, its token is invalid,
// its login is half-finished, or it must re-authenticate first. Code that
// guards access needs nothing else.
func FromContext(ctx context.Context) *Session {
	if s := FromContextAny(ctx); s != nil && s.State() == StateActive {
		return s
	}
	return nil
}

// FromContextAny returns the request's session whatever its [State], or
// nil. It is for the pages that finish a login or re-authenticate, and for
// logout; anything that grants access uses [FromContext].
func FromContextAny(ctx context.Context) *Session {
	rs := requestFrom(ctx)
	if rs == nil {
		return nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.s
}

// canWrite refuses cookie changes once the response has begun.
func (rs *requestState) canWrite() error {
	if rs == nil {
		return nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.committed && !rs.bearer {
		return ErrHeadersWritten
	}
	return nil
}

// adopt makes s the request's session, with tok to send.
func (rs *requestState) adopt(s *Session, tok string) {
	if rs == nil {
		return
	}
	s.rq = rs
	rs.mu.Lock()
	rs.s = s
	rs.mu.Unlock()
	rs.issue(tok)
}

// issue schedules a cookie carrying tok.
func (rs *requestState) issue(tok string) {
	if rs == nil || rs.bearer {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.token, rs.clear = tok, false
}

// drop forgets s, if it is the request's session, and expires the cookie.
func (rs *requestState) drop(s *Session) {
	if rs == nil {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.s == s {
		rs.s = nil
	}
	rs.token, rs.clear = "", !rs.bearer
}

// endCurrent revokes the request's current session, if any.
func (rs *requestState) endCurrent(ctx context.Context, reason string) error {
	rs.mu.Lock()
	s := rs.s
	rs.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.Revoke(ctx, reason)
}

// commit writes pending data and sets the response's session headers. It
// runs once, before the first byte of the response.
func (rs *requestState) commit(ctx context.Context, hdr http.Header) error {
	rs.mu.Lock()
	rs.committed = true
	s, tok, clear := rs.s, rs.token, rs.clear
	rs.mu.Unlock()
	if s != nil {
		if err := s.Commit(ctx); err != nil {
			return err
		}
	}
	if s == nil && tok == "" && !clear {
		return nil
	}
	// Authenticated content and cookies must never be stored by a cache.
	vals := rs.cacheHeaders[:]
	vals[0], vals[1] = "no-store", "Cookie"
	hdr["Cache-Control"] = vals[0:1:1]
	if vary := hdr["Vary"]; vary != nil {
		hdr["Vary"] = append(vary, vals[1])
	} else {
		hdr["Vary"] = vals[1:2:2]
	}
	switch {
	case tok != "" && s != nil:
		hdr.Add("Set-Cookie", rs.m.sessionCookie(tok, s.record()).String())
		rs.offerBinding(hdr, s)
	case clear || tok != "":
		hdr.Add("Set-Cookie", rs.m.expiredCookie().String())
	}
	return nil
}

// sessionCookie is the cookie that carries tok for the session rec: Secure,
// HttpOnly, Path=/, no Domain (the __Host- prefix demands all three), and no
// Max-Age unless the session is persistent, when it ends no later than the
// absolute deadline.
func (m *Manager) sessionCookie(tok string, rec *Record) *http.Cookie {
	c := m.baseCookie()
	c.Value = tok
	if rec.Persistent {
		// Whole seconds, rounded down, so the cookie never outlives the
		// session; a session this close to its end gets no Max-Age at all
		// and dies with the browser or the server's check, whichever first.
		c.MaxAge = max(int(rec.AbsoluteExpiresAt.Sub(m.now())/time.Second), 0)
	}
	return c
}

// CookieToken returns the token of r's session cookie, read as the
// middleware reads it (the first cookie named Config.CookieName), and
// whether there is one. With [Manager.Load] and [Manager.SessionCookie] it
// serves a handler that judges a browser's request for another server,
// outside the middleware.
func (m *Manager) CookieToken(r *http.Request) (string, bool) {
	return cookieValue(r.Header, m.cfg.CookieName)
}

// SessionCookie returns the cookie the middleware sets to carry tok, a
// token of s (one [Manager.Load] rotated, for instance), with every
// attribute the middleware gives it.
func (m *Manager) SessionCookie(tok string, s *Session) *http.Cookie {
	return m.sessionCookie(tok, s.record())
}

// expiredCookie tells the browser to drop the session cookie.
func (m *Manager) expiredCookie() *http.Cookie {
	c := m.baseCookie()
	c.MaxAge = -1
	return c
}

// baseCookie holds the attributes every session cookie carries.
func (m *Manager) baseCookie() *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Path:     "/",
		Secure:   true,
		HttpOnly: true,
		SameSite: m.cfg.SameSite,
	}
}

// cookieValue returns the value of the first cookie called name in the
// request's Cookie headers, without parsing the others (the read path runs
// on every request).
func cookieValue(h http.Header, name string) (string, bool) {
	for _, line := range h["Cookie"] {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			if v, ok := strings.CutPrefix(part, name); ok && strings.HasPrefix(v, "=") {
				return v[1:], true
			}
		}
	}
	return "", false
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(h http.Header) (string, bool) {
	scheme, tok, ok := strings.Cut(h.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// commitWriter commits the session before the first byte of the response.
// It is an http.Flusher and an http.Hijacker, as streaming and WebSocket
// code asserts, and exposes the underlying writer through Unwrap, so that
// http.ResponseController reaches its other abilities.
type commitWriter struct {
	http.ResponseWriter
	rs     *requestState
	r      *http.Request
	begun  bool
	failed bool
}

// begin commits once; on failure it answers with the error handler instead
// of the handler's response, whose later writes are dropped.
func (w *commitWriter) begin() bool {
	if !w.begun {
		w.begun = true
		if err := w.rs.commit(w.r.Context(), w.Header()); err != nil {
			w.failed = true
			maps.DeleteFunc(w.Header(), func(string, []string) bool { return true })
			w.rs.m.refuse(w.ResponseWriter, w.r, err)
		}
	}
	return !w.failed
}

// WriteHeader commits before a final status, or 101 Switching Protocols
// after which no other comes; other informational ones pass.
func (w *commitWriter) WriteHeader(code int) {
	if (code >= 200 || code == http.StatusSwitchingProtocols) && !w.begin() {
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write commits before the first byte.
func (w *commitWriter) Write(b []byte) (int, error) {
	if !w.begin() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// WriteString commits before the first byte, and hands s on without the
// copy into a []byte that io.WriteString would otherwise make.
func (w *commitWriter) WriteString(s string) (int, error) {
	if !w.begin() {
		return len(s), nil
	}
	return io.WriteString(w.ResponseWriter, s)
}

// FlushError commits, then flushes.
func (w *commitWriter) FlushError() error {
	if !w.begin() {
		return nil
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush commits, then flushes, for code that asserts http.Flusher. The
// assertion holds whatever the underlying writer; where that cannot flush,
// Flush does nothing, and FlushError, which http.ResponseController calls,
// says so.
func (w *commitWriter) Flush() { _ = w.FlushError() }

// errNotHandedOver is returned by Hijack when the session could not be
// saved: the error handler has answered instead, and the connection stays
// with the server.
var errNotHandedOver = errors.New("sessiond: connection not handed over: the session could not be saved")

// Hijack commits, then hands the connection over. Pending data changes are
// saved first, and the cookie (a rotated token, a login's) and no-store
// are set in Header(): a WebSocket library that answers 101 through
// WriteHeader sends them, one that writes its own answer on the connection
// sends them only if it copies Header() after Hijack. Without the cookie,
// a client whose token this request rotated keeps the retired one, which
// is taken for theft once its grace has passed. Either way the cookie
// cannot change afterwards ([ErrHeadersWritten]).
//
// As with chi's and scs's writers, the http.Hijacker assertion succeeds
// even when the underlying writer cannot hijack (HTTP/2, a recorder):
// Hijack then returns an error wrapping http.ErrNotSupported, which is
// what http.ResponseController returns too.
func (w *commitWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.begin() {
		return nil, nil, errNotHandedOver
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the underlying ResponseWriter.
func (w *commitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Commit writes the pending data changes. Concurrent changes to other keys
// of the same session are kept: on a version conflict the fresh data is
// reloaded and the changes applied to it again. Inside the middleware it
// runs by itself before the response begins.
func (s *Session) Commit(ctx context.Context) error {
	return s.commit(ctx, false)
}

// CommitVersion writes the pending data changes only if the session is still
// at version; otherwise it returns [ErrConflict] and changes nothing.
func (s *Session) CommitVersion(ctx context.Context, version int64) error {
	if s.Version() != version {
		return ErrConflict
	}
	return s.commit(ctx, true)
}

// commit writes pending changes, if any, and clears them.
func (s *Session) commit(ctx context.Context, strict bool) error {
	s.mu.Lock()
	changes := maps.Clone(s.changes)
	s.mu.Unlock()
	if len(changes) == 0 {
		return nil
	}
	var values map[string]json.RawMessage
	err := s.update(ctx, strict, func(next *Record) error {
		stored, err := s.m.openData(next)
		if err != nil {
			return err
		}
		values = applyChanges(stored, changes)
		next.Data, err = s.m.sealData(next.ID, values)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values = values
	for k, v := range changes {
		if raw, ok := s.changes[k]; ok && string(raw) == string(v) {
			delete(s.changes, k)
		}
	}
	return nil
}
