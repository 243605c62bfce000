package sessiond

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/sessiond/sessiond/internal/clientip"
)

// Load validates a token presented by client c and returns its session.
// When the token was due for periodic rotation (Config.RotateEvery) it is
// replaced, and the new token is returned for the caller to deliver;
// otherwise the returned token is empty. Every invalid token gives
// [ErrInvalidToken], or [ErrThrottled] once the client has presented too
// many; any other error means the store could not answer, and the caller
// must refuse the request (fail closed).
//
// The session's client is compared with c by the anomaly policy
// (Config.Anomaly); a session it revokes is ErrInvalidToken, one that must
// re-authenticate is returned with [StateReauthRequired].
//
// Load does not check a device binding: for a browser's request, whose
// session may be bound to a device key, use [Manager.LoadDevice].
func (m *Manager) Load(ctx context.Context, token string, c Client) (*Session, string, error) {
	s := new(Session)
	tok, err := m.load(ctx, token, c, loadOptions{rotate: true}, s)
	if err != nil {
		return nil, "", err
	}
	return s, tok, nil
}

// LoadWithoutRotation is [Manager.Load] for a caller that could not
// deliver a new token to the token's holder: a token due for periodic
// rotation is kept, and only the idle touch is written. Login,
// re-authentication and [Session.Renew] still rotate.
func (m *Manager) LoadWithoutRotation(ctx context.Context, token string, c Client) (*Session, error) {
	s := new(Session)
	if _, err := m.load(ctx, token, c, loadOptions{}, s); err != nil {
		return nil, err
	}
	return s, nil
}

// loadOptions say what a load does besides validating the token.
type loadOptions struct {
	// rotate replaces a token due for periodic rotation.
	rotate bool
	// device, when not nil, is the request's proof of its session's
	// device binding, which a bound session must pass.
	device *DeviceProof
	// req, when not nil, is a browser's request whose proof a bound
	// session must pass: it is read only for a bound session.
	req *http.Request
}

// load is Load into s, with periodic rotation and the device check
// optional. It counts invalid tokens against the client; a bound session
// refused for its missing proof is no invalid token, and is not counted.
func (m *Manager) load(ctx context.Context, token string, c Client, o loadOptions, s *Session) (string, error) {
	tok, err := m.validate(ctx, token, c, o, s)
	if errors.Is(err, ErrDeviceUnverified) {
		return "", err
	}
	if !errors.Is(err, ErrInvalidToken) {
		return tok, err
	}
	blocked, started := m.invalidTokens.failure(c.IP, m.now())
	if started {
		m.Audit(ctx, Event{Type: EventThrottled, IP: c.IP, UserAgent: c.UserAgent, Reason: ReasonInvalidTokens})
	}
	if blocked {
		return "", ErrThrottled
	}
	return "", err
}

// validate checks a token and loads its session into s.
func (m *Manager) validate(ctx context.Context, token string, c Client, o loadOptions, s *Session) (string, error) {
	h, ok := parseToken(token)
	if !ok {
		return "", ErrInvalidToken
	}
	rec, found, err := m.store.Find(ctx, h)
	if err != nil {
		return "", storeErr(err)
	}
	if !found {
		return "", ErrInvalidToken
	}
	now := m.now()
	current, err := m.checkToken(ctx, rec, h, now, c)
	if err != nil {
		return "", err
	}
	if err := m.checkDeadlines(ctx, rec, now, c); err != nil {
		return "", err
	}
	if err := m.checkDevice(ctx, rec, o, now, c); err != nil {
		return "", err
	}
	s.init(m, rec, c, h)
	if err := s.anomaly(ctx); err != nil {
		return "", err
	}
	if current && o.rotate && now.Sub(rec.TokenIssuedAt) >= m.cfg.RotateEvery {
		return s.rotateIfDue(ctx, now)
	}
	return "", s.touch(ctx, now)
}

// checkToken reports whether h is rec's current token. A retired token is
// accepted inside its grace window; after it, the session is revoked as
// stolen.
func (m *Manager) checkToken(ctx context.Context, rec *Record, h Hash, now time.Time, c Client) (bool, error) {
	if rec.TokenHash == h {
		return true, nil
	}
	for _, t := range rec.Retired {
		if t.Hash != h {
			continue
		}
		if now.Before(t.GraceUntil) {
			return false, nil
		}
		m.audit(ctx, EventTokenReused, rec, c, ReasonTokenReuse)
		return false, m.end(ctx, rec, c, EventRevoked, ReasonTokenReuse)
	}
	return false, ErrInvalidToken
}

// checkDeadlines ends a session whose idle or absolute deadline has passed.
func (m *Manager) checkDeadlines(ctx context.Context, rec *Record, now time.Time, c Client) error {
	switch {
	case !now.Before(rec.AbsoluteExpiresAt):
		return m.end(ctx, rec, c, EventExpired, ReasonAbsolute)
	case !now.Before(rec.IdleExpiresAt):
		return m.end(ctx, rec, c, EventExpired, ReasonIdle)
	}
	return nil
}

// end deletes rec, audits why, and answers ErrInvalidToken (or the store's
// error: the session must not be reported gone while it is still there).
func (m *Manager) end(ctx context.Context, rec *Record, c Client, t EventType, reason string) error {
	if err := m.store.Delete(ctx, rec.ID); err != nil {
		return storeErr(err)
	}
	m.audit(ctx, t, rec, c, reason)
	return ErrInvalidToken
}

// touch records activity at most once per TouchInterval, moving the idle
// deadline without rewriting the session.
func (s *Session) touch(ctx context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.rec.LastSeenAt) < s.m.cfg.TouchInterval {
		return nil
	}
	idle := s.m.idleDeadline(now, s.rec.AbsoluteExpiresAt)
	var err error
	if tt, ok := s.m.store.(TokenToucher); ok {
		err = tt.TouchToken(ctx, s.rec.ID, s.rec.TokenHash, now, idle)
	} else {
		err = s.m.store.Touch(ctx, s.rec.ID, now, idle)
	}
	if err != nil {
		return storeErr(err)
	}
	touched := *s.rec // the store's record is read-only
	touched.LastSeenAt, touched.IdleExpiresAt = now, idle
	s.rec = &touched
	return nil
}

// anomaly compares the request's client with the session's and applies the
// policy. A revoked session is ErrInvalidToken.
//
// A User-Agent that is missing or empty where one was recorded is a change:
// dropping the header must not switch the comparison off. An IP address is
// compared only when the request has one (the middleware always does; an
// API caller may leave it out), and a zero Client, no client known, is not
// compared at all. What the policy lets through becomes the value compared
// next, but never an empty one: nothing overwrites a recorded value with
// nothing.
func (s *Session) anomaly(ctx context.Context) error {
	if s.client == (Client{}) {
		return nil
	}
	rec := s.record()
	ua := clip(s.client.UserAgent, maxUserAgent)
	ipMoved := s.client.IP != "" && rec.IP != "" && !sameNetwork(rec.IP, s.client.IP)
	uaChanged := rec.UserAgent != "" && ua != rec.UserAgent
	reason, action := s.m.cfg.Anomaly.judge(ipMoved, uaChanged)
	if action == 0 || (action == ActionReauth && rec.ReauthRequired) {
		return nil // nothing new: a demand already made is not made again
	}
	s.m.audit(ctx, EventAnomaly, rec, s.client, reason)
	if action == ActionRevoke {
		if err := s.revoke(ctx, ReasonAnomaly); err != nil {
			return err
		}
		return ErrInvalidToken
	}
	return s.update(ctx, false, func(next *Record) error {
		if action == ActionReauth {
			next.ReauthRequired = true
			return nil
		}
		if s.client.IP != "" {
			next.IP = s.client.IP
		}
		if ua != "" {
			next.UserAgent = ua
		}
		return nil
	})
}

// sameNetwork reports whether two addresses share their /24 (IPv4) or /48
// (IPv6). Text that is not an address compares as text.
func sameNetwork(a, b string) bool {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return a == b
	}
	x, y = x.Unmap(), y.Unmap()
	if x.Is4() != y.Is4() {
		return false
	}
	bits := 48
	if x.Is4() {
		bits = 24
	}
	px, _ := x.Prefix(bits)
	return px.Contains(y)
}

// ErrThrottled is returned by [Manager.Load] when a client has presented
// too many invalid tokens (Config.InvalidTokenLimit a minute) and presents
// another. Valid tokens are never throttled.
var ErrThrottled = errors.New("sessiond: too many invalid tokens")

// Defaults of the invalid-token throttle.
const (
	DefaultInvalidTokenLimit = 100
	invalidTokenWindow       = time.Minute
	invalidTokenBlock        = time.Minute
	maxInvalidTokenClients   = 100000
)

// invalidTokenCounter counts invalid tokens per client address, in this process:
// IPv6 clients by their /64, as the login throttle counts them, so that a
// client cannot take a fresh address for every hundred guesses.
type invalidTokenCounter struct {
	limit int

	mu      sync.Mutex
	clients map[string]*clientCount
}

// clientCount is one client's count in its current window.
type clientCount struct {
	start        time.Time
	n            int
	blockedUntil time.Time
}

// newInvalidTokenCounter makes a counter allowing limit invalid tokens a
// minute.
func newInvalidTokenCounter(limit int) *invalidTokenCounter {
	return &invalidTokenCounter{limit: limit, clients: make(map[string]*clientCount)}
}

// failure counts an invalid token from ip at now, under its client key. It reports whether the
// client is blocked, and whether this failure started the block.
func (g *invalidTokenCounter) failure(ip string, now time.Time) (blocked, started bool) {
	if ip == "" {
		return false, false
	}
	key := clientip.Key(ip)
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.clients[key]
	if c == nil {
		g.makeRoom(now)
		c = &clientCount{start: now}
		g.clients[key] = c
	}
	if now.Before(c.blockedUntil) {
		return true, false
	}
	if now.Sub(c.start) >= invalidTokenWindow {
		c.start, c.n = now, 0
	}
	c.n++
	if c.n > g.limit {
		c.blockedUntil = now.Add(invalidTokenBlock)
		return true, true
	}
	return false, false
}

// makeRoom keeps the map bounded: past the bound it forgets the clients
// whose window and block have passed, and failing that every unblocked one.
// Forgetting can only make the throttle more lenient, never refuse anyone.
func (g *invalidTokenCounter) makeRoom(now time.Time) {
	if len(g.clients) < maxInvalidTokenClients {
		return
	}
	for ip, c := range g.clients {
		if now.Sub(c.start) >= invalidTokenWindow && !now.Before(c.blockedUntil) {
			delete(g.clients, ip)
		}
	}
	if len(g.clients) < maxInvalidTokenClients {
		return
	}
	for ip, c := range g.clients {
		if !now.Before(c.blockedUntil) {
			delete(g.clients, ip)
		}
	}
}

// tokenBytes is the entropy of a session token: 256 bits.
const tokenBytes = 32

// tokenLen is the length of a token as text: unpadded base64url of
// tokenBytes.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// newToken reads a fresh token from r and returns it with its hash.
func newToken(r io.Reader) (string, Hash, error) {
	var b [tokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", Hash{}, fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	return tok, sha256.Sum256([]byte(tok)), nil
}

// parseToken checks that s has the shape of a token this package issues and
// returns its hash. Anything else (wrong length, padding, characters outside
// base64url, stray bits in the last character) is refused before any store
// is asked. It allocates nothing: it runs on every request.
func parseToken(s string) (Hash, bool) {
	if len(s) != tokenLen {
		return Hash{}, false
	}
	for i := 0; i < len(s); i++ {
		if base64URLValue[s[i]] < 0 {
			return Hash{}, false
		}
	}
	// 43 characters carry 258 bits: the last character's two low bits
	// are padding and must be zero, or two texts would name one token.
	if base64URLValue[s[len(s)-1]]&3 != 0 {
		return Hash{}, false
	}
	var text [43]byte
	copy(text[:], s)
	return sha256.Sum256(text[:]), true
}

// base64URLValue maps a byte to its value in the base64url alphabet, or -1.
var base64URLValue = func() (t [256]int8) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = -1
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// NewID returns a new public id in the form the Manager gives sessions
// and audit events, for one made at t: see newID, with 80 bits from
// crypto/rand. A store or tool that creates records itself (an import, a
// load test) gives them ids with it, so that they sort by creation as the
// Manager's do.
func NewID(t time.Time) (string, error) { return newID(rand.Reader, t) }

// newID returns a public id made at now: 128 bits, of which the first 48
// are now in Unix milliseconds and the other 80 come from r, written as 22
// characters of the base64url alphabet in an order that keeps the bytes'
// (idEncoding). Ids made later compare greater as strings, to the
// millisecond, so a store keyed by id adds each new session at the end of
// its index, where the pages of the last additions are, rather than at a
// random place; the 80 random bits keep ids unguessable and unique.
func newID(r io.Reader, now time.Time) (string, error) {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(max(now.UnixMilli(), 0))<<16)
	if _, err := io.ReadFull(r, b[6:]); err != nil {
		return "", fmt.Errorf("sessiond: reading randomness: %w", err)
	}
	return idEncoding.EncodeToString(b[:]), nil
}

// idEncoding is unpadded base64 over the base64url characters in
// ascending byte order, so that encoded ids sort as their bytes do.
var idEncoding = base64.NewEncoding("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz").WithPadding(base64.NoPadding)
