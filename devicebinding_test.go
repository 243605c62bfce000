package sessiond_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// device is a browser's key: it signs dbsc+jwt proofs as Chromium does.
type device struct {
	alg string
	ec  *ecdsa.PrivateKey
	rsa *rsa.PrivateKey
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// newDevice makes a key for alg: "ES256", or "RS256" (one 2048-bit key
// shared by the tests, which are slow to make).
func newDevice(t testing.TB, alg string) *device {
	t.Helper()
	if alg == "RS256" {
		rsaOnce.Do(func() { rsaKey, _ = rsa.GenerateKey(rand.Reader, 2048) })
		return &device{alg: alg, rsa: rsaKey}
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &device{alg: alg, ec: k}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwk is the device's public key as a JWK.
func (d *device) jwk() map[string]string {
	if d.ec != nil {
		var x, y [32]byte
		d.ec.X.FillBytes(x[:])
		d.ec.Y.FillBytes(y[:])
		return map[string]string{"kty": "EC", "crv": "P-256", "x": b64(x[:]), "y": b64(y[:])}
	}
	return map[string]string{"kty": "RSA", "n": b64(d.rsa.N.Bytes()), "e": b64(big.NewInt(int64(d.rsa.E)).Bytes())}
}

// sign makes a JWT of hdr and payload signed with the device's key.
func (d *device) sign(t testing.TB, hdr, payload map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(hdr)
	p, _ := json.Marshal(payload)
	input := b64(h) + "." + b64(p)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	if d.ec != nil {
		r, s, err := ecdsa.Sign(rand.Reader, d.ec, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	} else {
		var err error
		if sig, err = rsa.SignPKCS1v15(rand.Reader, d.rsa, crypto.SHA256, digest[:]); err != nil {
			t.Fatal(err)
		}
	}
	return input + "." + b64(sig)
}

// registration is the proof of a registration for challenge and authz.
func (d *device) registration(t testing.TB, challenge, authz string) string {
	return d.sign(t, map[string]any{"alg": d.alg, "typ": "dbsc+jwt", "jwk": d.jwk()},
		map[string]any{"jti": challenge, "authorization": authz})
}

// refresh is the proof of a refresh for challenge.
func (d *device) refresh(t testing.TB, challenge string) string {
	return d.sign(t, map[string]any{"alg": d.alg, "typ": "dbsc+jwt"}, map[string]any{"jti": challenge})
}

// bindingConfig is the configuration of the device-binding tests.
func bindingConfig() sessiond.Config {
	return sessiond.Config{
		Keys:          []sessiond.Key{{ID: 1, Secret: make([]byte, 32)}},
		DeviceBinding: sessiond.DeviceBindingConfig{Enabled: true},
	}
}

const (
	regPath     = sessiond.DefaultDeviceBindingPath + "/registration"
	refreshPath = sessiond.DefaultDeviceBindingPath + "/refresh"
	boundName   = sessiond.DefaultBoundCookieName
)

var (
	offerRE     = regexp.MustCompile(`^\(ES256 RS256\);path="([^"]+)";challenge="([^"]+)";authorization="([^"]+)"$`)
	challengeRE = regexp.MustCompile(`^"([^"]+)";id="([^"]+)"$`)
)

// dbscBrowser is a browser with DBSC: it keeps the session cookie, the
// bound cookie, its key and the challenge it was last given.
type dbscBrowser struct {
	t         testing.TB
	h         http.Handler
	dev       *device
	token     string
	bound     string
	sid       string
	authz     string
	challenge string
}

// newBrowser logs user in through h and keeps the offer.
func newBrowser(t testing.TB, h http.Handler, alg, user string) *dbscBrowser {
	t.Helper()
	b := &dbscBrowser{t: t, h: h, dev: newDevice(t, alg)}
	res := do(h, "POST", "/login?user="+user, "")
	b.token = sessionCookie(res).Value
	m := offerRE.FindStringSubmatch(res.Header.Get("Secure-Session-Registration"))
	if m == nil {
		t.Fatalf("login: Secure-Session-Registration %q, want an offer", res.Header.Get("Secure-Session-Registration"))
	}
	if m[1] != regPath {
		t.Errorf("offer path: got %q, want %q", m[1], regPath)
	}
	b.challenge, b.authz = m[2], m[3]
	return b
}

// send sends a request with the browser's cookies and extra headers, and
// keeps what the answer sets.
func (b *dbscBrowser) send(method, target string, hdr map[string]string) *http.Response {
	r := httptestRequest(method, target)
	if b.token != "" {
		r.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: b.token})
	}
	if b.bound != "" {
		r.AddCookie(&http.Cookie{Name: boundName, Value: b.bound})
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	res := serve(b.h, r)
	for _, c := range res.Cookies() {
		switch {
		case c.Name == boundName:
			b.bound = c.Value
		case c.Name == sessiond.DefaultCookieName && c.MaxAge >= 0:
			b.token = c.Value
		}
	}
	if m := challengeRE.FindStringSubmatch(res.Header.Get("Secure-Session-Challenge")); m != nil {
		b.challenge = m[1]
		if m[2] != b.sid && b.sid != "" {
			b.t.Errorf("challenge for session %q, want %q", m[2], b.sid)
		}
	}
	return res
}

// register sends proof as the registration.
func (b *dbscBrowser) register(proof string) *http.Response {
	res := b.send("POST", regPath, map[string]string{"Secure-Session-Response": proof})
	if res.StatusCode == http.StatusOK {
		var cfg struct {
			SessionIdentifier string `json:"session_identifier"`
		}
		json.NewDecoder(res.Body).Decode(&cfg)
		b.sid = cfg.SessionIdentifier
	}
	return res
}

// mustRegister registers the browser's key.
func (b *dbscBrowser) mustRegister() {
	b.t.Helper()
	if res := b.register(b.dev.registration(b.t, b.challenge, b.authz)); res.StatusCode != http.StatusOK {
		b.t.Fatalf("registration: got %d, want 200", res.StatusCode)
	}
}

// refresh sends a refresh with proof (none if empty).
func (b *dbscBrowser) refresh(proof string) *http.Response {
	hdr := map[string]string{"Sec-Secure-Session-Id": b.sid}
	if proof != "" {
		hdr["Secure-Session-Response"] = proof
	}
	return b.send("POST", refreshPath, hdr)
}

// mustRefresh refreshes as Chromium does: without a proof first, then
// with one for the challenge of the 403.
func (b *dbscBrowser) mustRefresh() {
	b.t.Helper()
	if res := b.refresh(""); res.StatusCode != http.StatusForbidden || res.Header.Get("Secure-Session-Challenge") == "" {
		b.t.Fatalf("refresh without proof: got %d, want 403 with a challenge", res.StatusCode)
	}
	if res := b.refresh(b.dev.refresh(b.t, b.challenge)); res.StatusCode != http.StatusOK {
		b.t.Fatalf("refresh: got %d, want 200", res.StatusCode)
	}
}

// me reports the status of GET /me.
func (b *dbscBrowser) me() int { return b.send("GET", "/me", nil).StatusCode }

// boundSet returns the bound cookie res sets, or nil.
func boundSet(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == boundName {
			return c
		}
	}
	return nil
}

// wantEvent checks that the last event of type t has reason.
func (e *env) wantEvent(t *testing.T, typ sessiond.EventType, reason string) {
	t.Helper()
	ev, ok := e.audit.last(typ)
	if !ok {
		t.Fatalf("no %s event", typ)
	}
	if ev.Reason != reason {
		t.Errorf("%s reason: got %q, want %q", typ, ev.Reason, reason)
	}
}

func TestDeviceBinding_Registration(t *testing.T) {
	for _, alg := range []string{"ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			e := newEnv(t, bindingConfig())
			b := newBrowser(t, e.app(), alg, "alice")
			res := b.register(b.dev.registration(t, b.challenge, b.authz))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("registration: got %d, want 200", res.StatusCode)
			}
			c := boundSet(res)
			raw := strings.Join(res.Header.Values("Set-Cookie"), "\n")
			switch {
			case c == nil:
				t.Fatalf("no bound cookie in %q", raw)
			case !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || !strings.Contains(raw, "SameSite=Lax"):
				t.Errorf("bound cookie attributes: %q", raw)
			case c.MaxAge != int(sessiond.DefaultBoundCookieLife/time.Second):
				t.Errorf("bound cookie Max-Age: got %d, want %v", c.MaxAge, sessiond.DefaultBoundCookieLife)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control: got %q, want no-store", cc)
			}
			s, _, err := e.m.Load(context.Background(), b.token, sessiond.Client{})
			if err != nil {
				t.Fatal(err)
			}
			if d := s.Device(); !d.Bound() || d.Alg != alg || d.Thumbprint() == "" {
				t.Errorf("Device: got %+v, want bound with %s", d, alg)
			}
			if b.sid != s.ID() {
				t.Errorf("session_identifier: got %q, want %q", b.sid, s.ID())
			}
			e.wantEvent(t, sessiond.EventDeviceBound, "")
			if b.me() != http.StatusOK {
				t.Errorf("GET /me with both cookies: refused")
			}
		})
	}
}

// TestDeviceBinding_SessionConfig checks the JSON a registration answers
// with, field by field, and the challenge issued ahead.
func TestDeviceBinding_SessionConfig(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice")
	res := b.send("POST", regPath, map[string]string{"Secure-Session-Response": b.dev.registration(t, b.challenge, b.authz)})
	var got map[string]any
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	sid := got["session_identifier"].(string)
	want := map[string]any{
		"session_identifier": sid,
		"refresh_url":        refreshPath,
		"scope":              map[string]any{"origin": "https://example.test", "include_site": false, "scope_specification": []any{}},
		"credentials": []any{map[string]any{
			"type": "cookie", "name": boundName, "attributes": "Path=/; Secure; HttpOnly; SameSite=Lax",
		}},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("session config:\ngot  %s\nwant %s", gotJSON, wantJSON)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q", ct)
	}
	if m := challengeRE.FindStringSubmatch(res.Header.Get("Secure-Session-Challenge")); m == nil || m[2] != sid {
		t.Errorf("Secure-Session-Challenge: got %q, want one for %s", res.Header.Get("Secure-Session-Challenge"), sid)
	}
}

func TestDeviceBinding_OfferedOnFullHTTPSLoginsOnly(t *testing.T) {
	offer := func(h http.Handler, target string) string {
		r := httptestRequest("POST", target)
		return serve(h, r).Header.Get("Secure-Session-Registration")
	}
	e := newEnv(t, bindingConfig())
	if offer(e.app(), "/login?user=alice") == "" {
		t.Errorf("login over HTTPS: no offer")
	}
	b := newBrowser(t, e.app(), "ES256", "bob")
	if res := b.send("GET", "/me", nil); res.Header.Get("Secure-Session-Registration") != "" {
		t.Errorf("a request that is no login: offered")
	}
	plain := httptestRequest("POST", "/login?user=alice")
	plain.TLS = nil
	if serve(e.app(), plain).Header.Get("Secure-Session-Registration") != "" {
		t.Errorf("login over plain HTTP: offered")
	}
	off := newEnv(t, sessionConfig())
	if offer(off.app(), "/login?user=alice") != "" {
		t.Errorf("device binding off: offered")
	}
}

// TestDeviceBinding_BoundSessionNeedsItsCookie_R21 checks that once bound,
// the session token alone grants nothing: copied without the bound
// cookie, with a foreign or an expired one, the request is anonymous and
// audited; the session and its cookie stay for its own browser.
func TestDeviceBinding_BoundSessionNeedsItsCookie_R21(t *testing.T) {
	e := newEnv(t, bindingConfig())
	h := e.app()
	b := newBrowser(t, h, "ES256", "alice")
	b.mustRegister()
	other := newBrowser(t, h, "ES256", "mallory")
	other.mustRegister()

	tests := []struct {
		name, bound, skipped, reason string
	}{
		{"TokenOnly", "", "", sessiond.ReasonBoundCookieMissing},
		{"ForeignBoundCookie", other.bound, "", sessiond.ReasonBoundCookieInvalid},
		{"MalformedBoundCookie", "not-a-cookie", "", sessiond.ReasonBoundCookieInvalid},
		{"SkippedUnreachable", "", `unreachable;session_identifier="` + b.sid + `"`, sessiond.ReasonSkippedUnreachable},
		{"SkippedQuota", "", "quota_exceeded", sessiond.ReasonSkippedQuotaExceeded},
		{"SkippedOtherSession", "", `server_error;session_identifier="x"`, sessiond.ReasonBoundCookieMissing},
		{"SkippedMalformed", "", `"unreachable`, sessiond.ReasonBoundCookieMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			thief := &dbscBrowser{t: t, h: h, token: b.token, bound: tc.bound}
			res := thief.send("GET", "/me", map[string]string{"Secure-Session-Skipped": tc.skipped})
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET /me: got %d, want 401", res.StatusCode)
			}
			if sc := res.Header.Values("Set-Cookie"); len(sc) != 0 {
				t.Errorf("Set-Cookie %q: the session cookie must be kept for its own browser", sc)
			}
			e.wantEvent(t, sessiond.EventDeviceUnverified, tc.reason)
		})
	}
	if b.me() != http.StatusOK {
		t.Errorf("the session's own browser: refused after the attempts")
	}
	e.clock.Advance(sessiond.DefaultBoundCookieLife)
	if b.me() != http.StatusUnauthorized {
		t.Errorf("expired bound cookie: accepted")
	}
	e.wantEvent(t, sessiond.EventDeviceUnverified, sessiond.ReasonBoundCookieExpired)
	b.mustRefresh()
	if b.me() != http.StatusOK {
		t.Errorf("after refresh: refused")
	}
}

// TestDeviceBinding_RegistrationRefused_R4 sends proofs that must not
// bind: none gets a bound cookie, and the session stays unbound.
func TestDeviceBinding_RegistrationRefused_R4(t *testing.T) {
	es, rs := newDevice(t, "ES256"), newDevice(t, "RS256")
	tests := []struct {
		name   string
		proof  func(b *dbscBrowser, foreign string) string
		reason string
	}{
		{"Missing", func(*dbscBrowser, string) string { return "" }, sessiond.ReasonDeviceMissingProof},
		{"Malformed", func(*dbscBrowser, string) string { return "a.b" }, sessiond.ReasonDeviceMalformedProof},
		{"WrongKey", func(b *dbscBrowser, _ string) string {
			return es.sign(t, map[string]any{"alg": "ES256", "typ": "dbsc+jwt", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadSignature},
		{"AlgNone", func(b *dbscBrowser, _ string) string {
			p := b.dev.sign(t, map[string]any{"alg": "none", "typ": "dbsc+jwt", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
			return p[:strings.LastIndexByte(p, '.')+1]
		}, sessiond.ReasonDeviceBadAlg},
		{"AlgNoneSigned", func(b *dbscBrowser, _ string) string {
			return b.dev.sign(t, map[string]any{"alg": "none", "typ": "dbsc+jwt", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadAlg},
		{"AlgMissing", func(b *dbscBrowser, _ string) string {
			return b.dev.sign(t, map[string]any{"typ": "dbsc+jwt", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadAlg},
		{"AlgHS256", func(b *dbscBrowser, _ string) string {
			return b.dev.sign(t, map[string]any{"alg": "HS256", "typ": "dbsc+jwt", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadAlg},
		{"RS256HeaderOnECKey", func(b *dbscBrowser, _ string) string {
			return b.dev.sign(t, map[string]any{"alg": "RS256", "typ": "dbsc+jwt", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadAlg},
		{"ES256HeaderOnRSAKey", func(b *dbscBrowser, _ string) string {
			return rs.sign(t, map[string]any{"alg": "ES256", "typ": "dbsc+jwt", "jwk": rs.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadAlg},
		{"WrongTyp", func(b *dbscBrowser, _ string) string {
			return b.dev.sign(t, map[string]any{"alg": "ES256", "typ": "JWT", "jwk": b.dev.jwk()},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceMalformedProof},
		{"NoJWK", func(b *dbscBrowser, _ string) string {
			return b.dev.sign(t, map[string]any{"alg": "ES256", "typ": "dbsc+jwt"},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadKey},
		{"PrivateJWK", func(b *dbscBrowser, _ string) string {
			k := b.dev.jwk()
			d, _ := b.dev.ec.Bytes()
			k["d"] = b64(d)
			return b.dev.sign(t, map[string]any{"alg": "ES256", "typ": "dbsc+jwt", "jwk": k},
				map[string]any{"jti": b.challenge, "authorization": b.authz})
		}, sessiond.ReasonDeviceBadKey},
		{"ForeignChallenge", func(b *dbscBrowser, foreign string) string {
			return b.dev.registration(t, foreign, b.authz)
		}, sessiond.ReasonDeviceBadChallenge},
		{"MadeUpChallenge", func(b *dbscBrowser, _ string) string {
			return b.dev.registration(t, b64(make([]byte, 36)), b.authz)
		}, sessiond.ReasonDeviceBadChallenge},
		{"WrongAuthorization", func(b *dbscBrowser, _ string) string {
			return b.dev.registration(t, b.challenge, "nope")
		}, sessiond.ReasonDeviceBadAuthz},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, bindingConfig())
			h := e.app()
			b := newBrowser(t, h, "ES256", "alice")
			foreign := newBrowser(t, h, "ES256", "bob")
			res := b.register(tc.proof(b, foreign.challenge))
			if res.StatusCode != http.StatusForbidden || boundSet(res) != nil {
				t.Errorf("got %d with bound cookie %v, want 403 and none", res.StatusCode, boundSet(res))
			}
			e.wantEvent(t, sessiond.EventDeviceRegistrationFailed, tc.reason)
			if s, _, _ := e.m.Load(context.Background(), b.token, sessiond.Client{}); s.Device().Bound() {
				t.Errorf("session bound by a refused proof")
			}
		})
	}
}

func TestDeviceBinding_RegistrationChallengeExpiredOrUsed(t *testing.T) {
	e := newEnv(t, bindingConfig())
	h := e.app()
	b := newBrowser(t, h, "ES256", "alice")
	e.clock.Advance(sessiond.DefaultBoundCookieLife + 5*time.Minute)
	if res := b.register(b.dev.registration(t, b.challenge, b.authz)); res.StatusCode != http.StatusForbidden {
		t.Errorf("expired challenge: got %d, want 403", res.StatusCode)
	}
	e.wantEvent(t, sessiond.EventDeviceRegistrationFailed, sessiond.ReasonDeviceExpired)

	b = newBrowser(t, h, "ES256", "carol")
	proof := b.dev.registration(t, b.challenge, b.authz)
	b.mustRegister()
	// The same proof again, or another key for the same challenge: a key
	// is never replaced.
	for _, p := range []string{proof, newDevice(t, "ES256").registration(t, b.challenge, b.authz)} {
		if res := b.register(p); res.StatusCode != http.StatusForbidden || boundSet(res) != nil {
			t.Errorf("second registration: got %d, want 403 without a cookie", res.StatusCode)
		}
		e.wantEvent(t, sessiond.EventDeviceRegistrationFailed, sessiond.ReasonDeviceAlreadyBound)
	}
}

// TestDeviceBinding_RefreshRefused_R4 sends refreshes that must not get a
// cookie: each is answered 403, with a fresh challenge where the browser
// may try again.
func TestDeviceBinding_RefreshRefused_R4(t *testing.T) {
	thief := newDevice(t, "ES256")
	tests := []struct {
		name          string
		proof         func(b *dbscBrowser, foreign string) string
		reason        string
		wantChallenge bool
	}{
		{"SwappedJWK", func(b *dbscBrowser, _ string) string {
			return thief.sign(t, map[string]any{"alg": "ES256", "typ": "dbsc+jwt", "jwk": thief.jwk()}, map[string]any{"jti": b.challenge})
		}, sessiond.ReasonDeviceBadSignature, true},
		{"WrongKey", func(b *dbscBrowser, _ string) string { return thief.refresh(t, b.challenge) }, sessiond.ReasonDeviceBadSignature, true},
		{"AlgNone", func(b *dbscBrowser, _ string) string {
			p := b.dev.sign(t, map[string]any{"alg": "none", "typ": "dbsc+jwt"}, map[string]any{"jti": b.challenge})
			return p[:strings.LastIndexByte(p, '.')+1]
		}, sessiond.ReasonDeviceBadAlg, true},
		{"RS256OnStoredES256", func(b *dbscBrowser, _ string) string {
			return newDevice(t, "RS256").sign(t, map[string]any{"alg": "RS256", "typ": "dbsc+jwt"}, map[string]any{"jti": b.challenge})
		}, sessiond.ReasonDeviceBadAlg, true},
		{"ForeignChallenge", func(b *dbscBrowser, foreign string) string { return b.dev.refresh(t, foreign) }, sessiond.ReasonDeviceBadChallenge, true},
		{"Garbage", func(*dbscBrowser, string) string { return "\x00..." }, sessiond.ReasonDeviceMalformedProof, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, bindingConfig())
			h := e.app()
			b := newBrowser(t, h, "ES256", "alice")
			b.mustRegister()
			other := newBrowser(t, h, "ES256", "bob")
			other.mustRegister()
			other.refresh("")
			b.refresh("")
			bound := b.bound
			res := b.refresh(tc.proof(b, other.challenge))
			if res.StatusCode != http.StatusForbidden || boundSet(res) != nil {
				t.Errorf("got %d with bound cookie %v, want 403 and none", res.StatusCode, boundSet(res))
			}
			if got := res.Header.Get("Secure-Session-Challenge") != ""; got != tc.wantChallenge {
				t.Errorf("challenge in the answer: got %t, want %t", got, tc.wantChallenge)
			}
			e.wantEvent(t, sessiond.EventDeviceRefreshFailed, tc.reason)
			if b.bound != bound {
				t.Errorf("bound cookie replaced by a refused refresh")
			}
		})
	}
}

func TestDeviceBinding_RefreshChallengeSingleUseAndExpiry(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice")
	b.mustRegister()
	b.refresh("")
	proof := b.dev.refresh(t, b.challenge)
	if res := b.refresh(proof); res.StatusCode != http.StatusOK {
		t.Fatalf("refresh: got %d, want 200", res.StatusCode)
	}
	if res := b.refresh(proof); res.StatusCode != http.StatusForbidden || boundSet(res) != nil {
		t.Errorf("replayed proof: got %d, want 403 without a cookie", res.StatusCode)
	}
	e.wantEvent(t, sessiond.EventDeviceRefreshFailed, sessiond.ReasonDeviceBadChallenge)

	b.refresh("")
	late := b.dev.refresh(t, b.challenge)
	e.clock.Advance(sessiond.DefaultBoundCookieLife + 5*time.Minute)
	if res := b.refresh(late); res.StatusCode != http.StatusForbidden || boundSet(res) != nil {
		t.Errorf("expired challenge: got %d, want 403 without a cookie", res.StatusCode)
	}
	e.wantEvent(t, sessiond.EventDeviceRefreshFailed, sessiond.ReasonDeviceExpired)
}

// TestDeviceBinding_RefreshWithChallengeIssuedAhead refreshes in one
// request with the challenge of the last 200, as Chromium does when it
// has cached one, and checks that the previous bound cookie still serves
// requests already on their way until it runs out.
func TestDeviceBinding_RefreshWithChallengeIssuedAhead(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "RS256", "alice")
	b.mustRegister()
	first := b.bound
	e.clock.Advance(sessiond.DefaultBoundCookieLife - time.Minute)
	res := b.refresh(b.dev.refresh(t, b.challenge))
	if res.StatusCode != http.StatusOK || boundSet(res) == nil {
		t.Fatalf("refresh with the challenge issued ahead: got %d, want 200 with a cookie", res.StatusCode)
	}
	e.wantEvent(t, sessiond.EventDeviceRefreshed, "")
	inFlight := &dbscBrowser{t: t, h: b.h, token: b.token, bound: first}
	if inFlight.me() != http.StatusOK {
		t.Errorf("previous bound cookie before it runs out: refused")
	}
	e.clock.Advance(time.Minute)
	if inFlight.me() != http.StatusUnauthorized {
		t.Errorf("previous bound cookie after it ran out: accepted")
	}
	if b.me() != http.StatusOK {
		t.Errorf("new bound cookie: refused")
	}
}

func TestDeviceBinding_ConcurrentRefreshesOneWins(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice")
	b.mustRegister()
	proof := b.dev.refresh(t, b.challenge)
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Go(func() {
			c := &dbscBrowser{t: t, h: b.h, token: b.token, sid: b.sid}
			codes[i] = c.refresh(proof).StatusCode
		})
	}
	wg.Wait()
	won := 0
	for _, c := range codes {
		if c == http.StatusOK {
			won++
		}
	}
	if won != 1 {
		t.Errorf("refreshes with one challenge: %d got a cookie (%v), want 1", won, codes)
	}
}

func TestDeviceBinding_RefreshOfWrongOrEndedSession_R28(t *testing.T) {
	e := newEnv(t, bindingConfig())
	h := e.app()
	b := newBrowser(t, h, "ES256", "alice")
	b.mustRegister()
	for _, id := range []string{"", "someone-else", `"` + b.sid + `";x=1`} {
		res := b.send("POST", refreshPath, map[string]string{"Sec-Secure-Session-Id": id})
		if res.StatusCode != http.StatusForbidden || res.Header.Get("Secure-Session-Challenge") != "" {
			t.Errorf("Sec-Secure-Session-Id %q: got %d with challenge %q, want 403 without", id, res.StatusCode, res.Header.Get("Secure-Session-Challenge"))
		}
		e.wantEvent(t, sessiond.EventDeviceRefreshFailed, sessiond.ReasonDeviceWrongSession)
	}
	// Quoted as an sf-string, the id is read too.
	if res := b.send("POST", refreshPath, map[string]string{"Sec-Secure-Session-Id": `"` + b.sid + `"`}); res.StatusCode != http.StatusForbidden || res.Header.Get("Secure-Session-Challenge") == "" {
		t.Errorf("quoted Sec-Secure-Session-Id: got %d, want 403 with a challenge", res.StatusCode)
	}
	if _, err := e.m.RevokeID(context.Background(), b.sid, sessiond.ReasonRevoked); err != nil {
		t.Fatal(err)
	}
	res := b.refresh(b.dev.refresh(t, b.challenge))
	if res.StatusCode != http.StatusForbidden || boundSet(res) != nil || res.Header.Get("Secure-Session-Challenge") != "" {
		t.Errorf("refresh of a revoked session: got %d, want 403 without cookie or challenge", res.StatusCode)
	}
	e.wantEvent(t, sessiond.EventDeviceRefreshFailed, sessiond.ReasonDeviceNoSession)
}

// TestDeviceBinding_RotationKeepsBinding_R23 checks that a rotation keeps
// the key and the bound cookie, and that logout ends the binding with the
// session.
func TestDeviceBinding_RotationKeepsBinding_R23(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice")
	b.mustRegister()
	old := b.token
	if res := b.send("POST", "/renew", nil); res.StatusCode != http.StatusOK || b.token == old {
		t.Fatalf("renew: got %d, token changed %t", res.StatusCode, b.token != old)
	}
	if b.me() != http.StatusOK {
		t.Errorf("after rotation: refused")
	}
	b.mustRefresh()
	b.send("POST", "/logout", nil)
	if res := b.refresh(""); res.StatusCode != http.StatusForbidden || res.Header.Get("Secure-Session-Challenge") != "" {
		t.Errorf("refresh after logout: got %d, want 403 without a challenge", res.StatusCode)
	}
}

func TestDeviceBinding_UnboundSessionsWorkAsBefore(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice") // never registers
	if b.me() != http.StatusOK {
		t.Errorf("unbound session without a bound cookie: refused")
	}
	if _, ok := e.audit.last(sessiond.EventDeviceUnverified); ok {
		t.Errorf("unbound session audited as unverified")
	}
	res := b.send("POST", refreshPath, map[string]string{"Sec-Secure-Session-Id": "x"})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("refresh of an unbound session: got %d, want 403", res.StatusCode)
	}
	e.wantEvent(t, sessiond.EventDeviceRefreshFailed, sessiond.ReasonDeviceNotBound)
	for _, c := range []struct{ method, path string }{{"GET", regPath}, {"GET", refreshPath}, {"POST", sessiond.DefaultDeviceBindingPath + "/other"}} {
		if res := b.send(c.method, c.path, nil); res.StatusCode != http.StatusMethodNotAllowed && res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: got %d, want 405 or 404", c.method, c.path, res.StatusCode)
		}
	}
}

// TestDeviceBinding_TurnedOffNeverDowngrades checks that a Manager with
// device binding off, on the same store, still demands the bound cookie
// of a session bound before.
func TestDeviceBinding_TurnedOffNeverDowngrades(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice")
	b.mustRegister()
	cfg := bindingConfig()
	cfg.DeviceBinding.Enabled = false
	cfg.Now, cfg.Auditor = e.clock.Now, e.audit
	off, err := sessiond.New(e.store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.h = (&env{m: off, store: e.store, clock: e.clock, audit: e.audit}).app()
	if b.me() != http.StatusOK {
		t.Errorf("with its bound cookie: refused")
	}
	b.bound = ""
	if b.me() != http.StatusUnauthorized {
		t.Errorf("token alone with device binding off: accepted")
	}
}

func TestLoadDevice(t *testing.T) {
	e := newEnv(t, bindingConfig())
	b := newBrowser(t, e.app(), "ES256", "alice")
	b.mustRegister()
	ctx := context.Background()
	if _, _, err := e.m.LoadDevice(ctx, b.token, sessiond.Client{}, sessiond.DeviceProof{Cookie: b.bound}, true); err != nil {
		t.Errorf("with the bound cookie: %v", err)
	}
	_, _, err := e.m.LoadDevice(ctx, b.token, sessiond.Client{}, sessiond.DeviceProof{Skipped: "unreachable"}, false)
	if err != sessiond.ErrDeviceUnverified {
		t.Errorf("without: got %v, want ErrDeviceUnverified", err)
	}
	e.wantEvent(t, sessiond.EventDeviceUnverified, sessiond.ReasonSkippedUnreachable)
	r := httptestRequest("GET", "/")
	r.AddCookie(&http.Cookie{Name: boundName, Value: b.bound})
	if p := e.m.DeviceProof(r); p.Cookie != b.bound {
		t.Errorf("DeviceProof: got %q, want the bound cookie", p.Cookie)
	}
}

func TestDeviceBindingConfig_Validation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*sessiond.DeviceBindingConfig)
	}{
		{"RelativePath", func(c *sessiond.DeviceBindingConfig) { c.Path = "dbsc" }},
		{"QuoteInPath", func(c *sessiond.DeviceBindingConfig) { c.Path = `/a"b` }},
		{"RootPath", func(c *sessiond.DeviceBindingConfig) { c.Path = "/" }},
		{"CookieWithoutHostPrefix", func(c *sessiond.DeviceBindingConfig) { c.CookieName = "bound" }},
		{"CookieSameAsSession", func(c *sessiond.DeviceBindingConfig) { c.CookieName = sessiond.DefaultCookieName }},
		{"CookieLifetimeTooLong", func(c *sessiond.DeviceBindingConfig) { c.CookieLifetime = 2 * time.Hour }},
		{"NegativeChallengeLifetime", func(c *sessiond.DeviceBindingConfig) { c.ChallengeLifetime = -time.Second }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := bindingConfig()
			tc.edit(&cfg.DeviceBinding)
			if _, err := sessiond.New(nopStore{}, cfg); err == nil {
				t.Errorf("New: got nil error, want one")
			}
		})
	}
	cfg := bindingConfig()
	cfg.DeviceBinding.Path = "/auth/dbsc/"
	if _, err := sessiond.New(nopStore{}, cfg); err != nil {
		t.Errorf("a trailing slash: %v", err)
	}
}

// nopStore is a store that is never used.
type nopStore struct{ sessiond.Store }

// TestDeviceBinding_TLSFlow_R21_R28 is the whole life of a bound session
// over a real TLS server with a cookie jar, the test acting as a browser
// with DBSC: login, registration, a request with the bound cookie, the
// cookie running out, a refresh, and then revocation, after which the
// refresh fails. A copy of the session cookie without the bound cookie is
// refused throughout.
func TestDeviceBinding_TLSFlow_R21_R28(t *testing.T) {
	e := newEnv(t, bindingConfig())
	srv := httptest.NewTLSServer(e.app())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: srv.Client().Transport, Jar: jar}
	other := &http.Client{Transport: srv.Client().Transport} // another device: no jar, no key
	dev := newDevice(t, "ES256")
	call := func(method, path string, hdr map[string]string, want int) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		io.Copy(io.Discard, res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s = %d, want %d", method, path, res.StatusCode, want)
		}
		return res
	}

	res := call("POST", "/login?user=alice", nil, http.StatusOK)
	offer := offerRE.FindStringSubmatch(res.Header.Get("Secure-Session-Registration"))
	if offer == nil {
		t.Fatalf("no registration offer on the login: %q", res.Header.Get("Secure-Session-Registration"))
	}
	req, _ := http.NewRequest("POST", srv.URL+offer[1], nil)
	req.Header.Set("Secure-Session-Response", dev.registration(t, offer[2], offer[3]))
	reg, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		SessionIdentifier string `json:"session_identifier"`
		RefreshURL        string `json:"refresh_url"`
		Scope             struct {
			Origin      string `json:"origin"`
			IncludeSite bool   `json:"include_site"`
		} `json:"scope"`
	}
	json.NewDecoder(reg.Body).Decode(&cfg)
	reg.Body.Close()
	if reg.StatusCode != http.StatusOK || cfg.Scope.Origin != srv.URL || cfg.Scope.IncludeSite {
		t.Fatalf("registration: got %d, scope %+v, want 200 for origin %s without include_site", reg.StatusCode, cfg.Scope, srv.URL)
	}
	call("GET", "/me", nil, http.StatusOK)

	var token string
	base, _ := url.Parse(srv.URL)
	for _, c := range jar.Cookies(base) {
		if c.Name == sessiond.DefaultCookieName {
			token = c.Value
		}
	}
	copied := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/me", nil)
		req.AddCookie(&http.Cookie{Name: sessiond.DefaultCookieName, Value: token})
		res, err := other.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := copied(); got != http.StatusUnauthorized {
		t.Errorf("session cookie copied to another client: got %d, want 401", got)
	}

	e.clock.Advance(sessiond.DefaultBoundCookieLife)
	call("GET", "/me", nil, http.StatusUnauthorized)
	id := map[string]string{"Sec-Secure-Session-Id": cfg.SessionIdentifier}
	res = call("POST", cfg.RefreshURL, id, http.StatusForbidden)
	ch := challengeRE.FindStringSubmatch(res.Header.Get("Secure-Session-Challenge"))
	if ch == nil || ch[2] != cfg.SessionIdentifier {
		t.Fatalf("refresh without proof: challenge %q", res.Header.Get("Secure-Session-Challenge"))
	}
	id["Secure-Session-Response"] = dev.refresh(t, ch[1])
	call("POST", cfg.RefreshURL, id, http.StatusOK)
	call("GET", "/me", nil, http.StatusOK)
	if got := copied(); got != http.StatusUnauthorized {
		t.Errorf("session cookie copied after the refresh: got %d, want 401", got)
	}

	if _, err := e.m.RevokeID(context.Background(), cfg.SessionIdentifier, sessiond.ReasonRevoked); err != nil {
		t.Fatal(err)
	}
	delete(id, "Secure-Session-Response")
	res = call("POST", cfg.RefreshURL, id, http.StatusForbidden)
	if res.Header.Get("Secure-Session-Challenge") != "" {
		t.Errorf("refresh of a revoked session: challenged, want refused")
	}
	call("GET", "/me", nil, http.StatusUnauthorized)
}
