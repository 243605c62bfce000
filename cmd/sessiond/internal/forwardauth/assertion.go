package forwardauth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/secretfile"
)

// AssertionLifetime is how long an assertion is valid after it is issued.
const AssertionLifetime = 30 * time.Second

// Signer signs identity assertions with an Ed25519 key.
type Signer struct {
	key    ed25519.PrivateKey
	kid    string
	header string // the JWS header, base64url-encoded, ending in "."
	jwks   []byte
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
	return &Signer{key: key, kid: kid, header: b64(header) + ".", jwks: append(jwks, '\n')}
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
// aud, issued at now.
func (s *Signer) Sign(aud, sub, sid string, authTime time.Time, amr []string, now time.Time) string {
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
