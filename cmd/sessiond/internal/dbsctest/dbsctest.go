// Package dbsctest is a browser's side of Device Bound Session
// Credentials, for tests: a P-256 key that signs the dbsc+jwt proofs of
// registration and refresh as Chromium does, and the reading of the
// headers a server answers with.
package dbsctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"regexp"
)

// Device is a browser's device key.
type Device struct {
	key *ecdsa.PrivateKey
}

// NewDevice makes a new ES256 key.
func NewDevice() (*Device, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Device{key: k}, nil
}

// Registration is the Secure-Session-Response of a registration for the
// challenge and authorization of an offer: it carries the public key.
func (d *Device) Registration(challenge, authorization string) string {
	return d.sign(map[string]any{"alg": "ES256", "typ": "dbsc+jwt", "jwk": d.jwk()},
		map[string]any{"jti": challenge, "authorization": authorization})
}

// Refresh is the Secure-Session-Response of a refresh for challenge.
func (d *Device) Refresh(challenge string) string {
	return d.sign(map[string]any{"alg": "ES256", "typ": "dbsc+jwt"}, map[string]any{"jti": challenge})
}

// jwk is the public key as a JWK.
func (d *Device) jwk() map[string]string {
	var x, y [32]byte
	d.key.X.FillBytes(x[:])
	d.key.Y.FillBytes(y[:])
	return map[string]string{"kty": "EC", "crv": "P-256", "x": b64(x[:]), "y": b64(y[:])}
}

// sign makes a compact JWS of hdr and payload with an r‖s signature.
func (d *Device) sign(hdr, payload map[string]any) string {
	h, _ := json.Marshal(hdr) // maps of strings: they cannot fail
	p, _ := json.Marshal(payload)
	input := b64(h) + "." + b64(p)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, d.key, digest[:])
	if err != nil {
		panic("dbsctest: signing: " + err.Error()) // crypto/rand does not fail
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

var (
	offerRE     = regexp.MustCompile(`^\(ES256 RS256\);path="([^"]+)";challenge="([^"]+)";authorization="([^"]+)"$`)
	challengeRE = regexp.MustCompile(`^"([^"]+)";id="([^"]+)"$`)
)

// Offer is a Secure-Session-Registration header as sessiond sends it.
type Offer struct {
	Path, Challenge, Authorization string
}

// ParseOffer reads a Secure-Session-Registration header.
func ParseOffer(header string) (Offer, bool) {
	m := offerRE.FindStringSubmatch(header)
	if m == nil {
		return Offer{}, false
	}
	return Offer{Path: m[1], Challenge: m[2], Authorization: m[3]}, true
}

// ParseChallenge reads a Secure-Session-Challenge header: the challenge
// and the session it is for.
func ParseChallenge(header string) (challenge, sessionID string, ok bool) {
	m := challengeRE.FindStringSubmatch(header)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}
