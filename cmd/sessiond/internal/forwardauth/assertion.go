package forwardauth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/secretfile"
)

// AssertionLifetime is how long an assertion is valid after it is issued.
const AssertionLifetime = 30 * time.Second

// AssertionReuse is how long after it was issued an assertion is given
// again for the same session and audience, when nothing it says has
// changed: signing costs more than the rest of a forward-auth answer, and
// a proxied page brings many requests at once. An assertion given out is
// thus valid for at least AssertionLifetime - AssertionReuse.
const AssertionReuse = 10 * time.Second

// maxReused bounds the assertions a Signer keeps for reuse.
const maxReused = 4096

// Signer signs identity assertions with an Ed25519 key. It is safe for
// concurrent use.
type Signer struct {
	key    ed25519.PrivateKey
	kid    string
	header string // the JWS header, base64url-encoded, ending in "."
	jwks   []byte

	mu     sync.Mutex
	reused map[reuseKey]issued // assertions given out lately
}

// reuseKey names what an assertion is about.
type reuseKey struct{ aud, sid string }

// issued is an assertion given out, with what it says.
type issued struct {
	sub      string
	authTime int64
	amr      []string
	iat      time.Time
	jwt      string
}

// LoadSigner returns the Signer of the key kept in path as a base64
// seed, making the file (mode 0600) when it does not exist.
func LoadSigner(path string) (*Signer, error) {
	seed, err := secretfile.Load(path, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return NewSigner(seed), nil
}

// jwk is the public key as a JSON Web Key (RFC 8037).
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
}

// NewSigner returns the Signer of an Ed25519 seed of
// ed25519.SeedSize bytes.
func NewSigner(seed []byte) *Signer {
	key := ed25519.NewKeyFromSeed(seed)
	x := b64(key.Public().(ed25519.PublicKey))
	// RFC 7638: the thumbprint hashes the required members, in
	// lexicographic order, without white space.
	thumb := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + x + `"}`))
	kid := b64(thumb[:])
	header, _ := json.Marshal(map[string]string{"alg": "EdDSA", "typ": "JWT", "kid": kid})
	jwks, _ := json.Marshal(map[string][]jwk{"keys": {{Kty: "OKP", Crv: "Ed25519", X: x, Kid: kid, Alg: "EdDSA", Use: "sig"}}})
	return &Signer{key: key, kid: kid, header: b64(header) + ".", jwks: append(jwks, '\n'), reused: make(map[reuseKey]issued)}
}

// b64 is base64url without padding, as JOSE writes it.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// KeyID is the "kid" of the signing key.
func (s *Signer) KeyID() string { return s.kid }

// Claims are what an assertion says about a request's session.
type Claims struct {
	Issuer      string   `json:"iss"`
	Audience    string   `json:"aud"`
	Subject     string   `json:"sub"`
	SessionID   string   `json:"sid"`
	IssuedAt    int64    `json:"iat"`
	Expires     int64    `json:"exp"`
	AuthTime    int64    `json:"auth_time"`
	AuthMethods []string `json:"amr"`
}

// Issuer is the "iss" of every assertion.
const Issuer = "sessiond"

// Sign returns the assertion that the session sid of user sub, which
// last authenticated at authTime with methods amr, is behind a request to
// aud, at now: one issued at now, or the same one issued for the same
// claims less than [AssertionReuse] before.
func (s *Signer) Sign(aud, sub, sid string, authTime time.Time, amr []string, now time.Time) string {
	k := reuseKey{aud, sid}
	s.mu.Lock()
	prev, ok := s.reused[k]
	s.mu.Unlock()
	if ok && prev.sub == sub && prev.authTime == authTime.Unix() && slices.Equal(prev.amr, amr) &&
		!now.Before(prev.iat) && now.Sub(prev.iat) < AssertionReuse {
		return prev.jwt
	}
	jwt := s.sign(aud, sub, sid, authTime, amr, now)
	s.mu.Lock()
	if len(s.reused) >= maxReused {
		s.forget(now)
	}
	s.reused[k] = issued{sub: sub, authTime: authTime.Unix(), amr: slices.Clone(amr), iat: now, jwt: jwt}
	s.mu.Unlock()
	return jwt
}

// forget drops the assertions no longer reused at now, or all of them
// when each still is; s.mu is held.
func (s *Signer) forget(now time.Time) {
	for k, v := range s.reused {
		if now.Sub(v.iat) >= AssertionReuse || now.Before(v.iat) {
			delete(s.reused, k)
		}
	}
	if len(s.reused) >= maxReused {
		clear(s.reused)
	}
}

// sign signs a new assertion issued at now.
func (s *Signer) sign(aud, sub, sid string, authTime time.Time, amr []string, now time.Time) string {
	if amr == nil {
		amr = []string{}
	}
	payload, _ := json.Marshal(Claims{
		Issuer: Issuer, Audience: aud, Subject: sub, SessionID: sid,
		IssuedAt: now.Unix(), Expires: now.Add(AssertionLifetime).Unix(),
		AuthTime: authTime.Unix(), AuthMethods: amr,
	})
	signed := s.header + b64(payload)
	return signed + "." + b64(ed25519.Sign(s.key, []byte(signed)))
}

// JWKS serves the JWK Set of the public key: it holds no secret, and
// proxies and upstreams may cache it for five minutes.
func (s *Signer) JWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.jwks)
}
