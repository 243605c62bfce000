package sessiond

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
)

// This file reads what a browser sends for Device Bound Session Credentials:
// the dbsc+jwt proofs of registration and refresh, the JWK inside a
// registration, and the structured headers Sec-Secure-Session-Id and
// Secure-Session-Skipped. All of it is untrusted input: every parser here
// bounds its input and answers an error, never a panic.

// The JWS algorithms a browser may bind a session with. No other is ever
// accepted, "none" least of all.
const (
	algES256 = "ES256"
	algRS256 = "RS256"
)

// dbscJWTType is the typ of every DBSC proof.
const dbscJWTType = "dbsc+jwt"

// Bounds of the proofs: a JWT with an RSA key of 8192 bits is under 4 KiB.
const (
	maxProofLen   = 8 << 10
	minRSABits    = 2048
	maxRSABits    = 8192
	maxRSAExpBits = 31
)

// ErrDeviceRefused is returned by [Manager.RegisterDevice] and
// [Manager.RefreshDevice] when the browser's registration or refresh is
// refused; the application answers the browser 403, which ends its bound
// session. Every refusal wraps it, with the audit reason in its message.
var ErrDeviceRefused = errors.New("sessiond: device binding proof refused")

// proofError is a refused proof with the audit reason that names why.
type proofError struct{ reason string }

func (e *proofError) Error() string { return ErrDeviceRefused.Error() + ": " + e.reason }
func (e *proofError) Unwrap() error { return ErrDeviceRefused }

// refusal returns a proof error whose audit reason is reason.
func refusal(reason string) error { return &proofError{reason: reason} }

// refusalReason returns the audit reason of err: a proof error's own, or
// ReasonDeviceStoreError for anything else.
func refusalReason(err error) string {
	var pe *proofError
	if errors.As(err, &pe) {
		return pe.reason
	}
	return ReasonDeviceStoreError
}

// proof is a parsed dbsc+jwt, not yet verified.
type proof struct {
	alg    string
	jwk    json.RawMessage // the header's key; nil when absent
	jti    string
	authz  string
	signed string // header.payload, what the signature covers
	sig    []byte
}

// parseProof parses a compact JWS whose typ is dbsc+jwt. It checks the
// shape only; [proof.verify] checks the signature.
func parseProof(s string) (*proof, error) {
	if len(s) > maxProofLen {
		return nil, refusal(ReasonDeviceMalformedProof)
	}
	h64, rest, ok1 := strings.Cut(s, ".")
	p64, s64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s64, ".") {
		return nil, refusal(ReasonDeviceMalformedProof)
	}
	var hdr struct {
		Alg  string          `json:"alg"`
		Typ  string          `json:"typ"`
		JWK  json.RawMessage `json:"jwk"`
		Crit json.RawMessage `json:"crit"`
	}
	var payload struct {
		JTI   string `json:"jti"`
		Authz string `json:"authorization"`
	}
	sig, err := b64.DecodeString(s64)
	if err != nil || decodeJSON(h64, &hdr) != nil || decodeJSON(p64, &payload) != nil {
		return nil, refusal(ReasonDeviceMalformedProof)
	}
	switch {
	case hdr.Typ != dbscJWTType, hdr.Crit != nil, payload.JTI == "":
		// crit names extensions a verifier must understand: none here.
		return nil, refusal(ReasonDeviceMalformedProof)
	case hdr.Alg != algES256 && hdr.Alg != algRS256:
		return nil, refusal(ReasonDeviceBadAlg)
	}
	return &proof{alg: hdr.Alg, jwk: hdr.JWK, jti: payload.JTI, authz: payload.Authz,
		signed: s[:len(h64)+1+len(p64)], sig: sig}, nil
}

// b64 is the JWS encoding: unpadded base64url, refusing stray bits.
var b64 = base64.RawURLEncoding.Strict()

// decodeJSON decodes the base64url JSON object s into v.
func decodeJSON(s string, v any) error {
	b, err := b64.DecodeString(s)
	if err != nil {
		return err
	}
	if len(b) == 0 || b[0] != '{' {
		return ErrDeviceRefused // a JSON null would leave v as it is
	}
	return json.Unmarshal(b, v)
}

// verify checks the signature of p with key, whose algorithm alg must be
// p's: an ES256 key never verifies an RS256 proof, nor the reverse.
func (p *proof) verify(alg string, key crypto.PublicKey) error {
	if p.alg != alg {
		return refusal(ReasonDeviceBadAlg)
	}
	digest := sha256.Sum256([]byte(p.signed))
	ok := false
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		// JWS ES256 signatures are r and s as 32 bytes each, not ASN.1.
		if alg == algES256 && len(p.sig) == 64 {
			r, s := new(big.Int).SetBytes(p.sig[:32]), new(big.Int).SetBytes(p.sig[32:])
			ok = ecdsa.Verify(k, digest[:], r, s)
		}
	case *rsa.PublicKey:
		ok = alg == algRS256 && rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], p.sig) == nil
	}
	if !ok {
		return refusal(ReasonDeviceBadSignature)
	}
	return nil
}

// jwk is a public key parsed from a JWK.
type jwk struct {
	alg       string // the only algorithm it verifies
	key       crypto.PublicKey
	canonical string // the RFC 7638 form: required members only, in order
}

// parseJWK parses a public key as a JWK: an EC key on P-256 (ES256) or an
// RSA key of 2048 to 8192 bits (RS256). A private member ("d") is refused,
// as is anything else.
func parseJWK(raw []byte) (*jwk, error) {
	var k struct {
		Kty, Crv, X, Y, N, E, D string
	}
	if len(raw) == 0 || len(raw) > maxProofLen || raw[0] != '{' || json.Unmarshal(raw, &k) != nil || k.D != "" {
		return nil, refusal(ReasonDeviceBadKey)
	}
	switch k.Kty {
	case "EC":
		return parseECKey(k.Crv, k.X, k.Y)
	case "RSA":
		return parseRSAKey(k.N, k.E)
	}
	return nil, refusal(ReasonDeviceBadKey)
}

// parseECKey reads a P-256 point; one off the curve is refused.
func parseECKey(crv, x64, y64 string) (*jwk, error) {
	x, errX := b64.DecodeString(x64)
	y, errY := b64.DecodeString(y64)
	if crv != "P-256" || errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
		return nil, refusal(ReasonDeviceBadKey)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, refusal(ReasonDeviceBadKey)
	}
	canonical := `{"crv":"P-256","kty":"EC","x":"` + x64 + `","y":"` + y64 + `"}`
	return &jwk{alg: algES256, key: pub, canonical: canonical}, nil
}

// parseRSAKey reads a modulus of 2048 to 8192 bits and an odd public
// exponent of at least 3 that fits 31 bits. Both must be minimal (no
// leading zero byte), so that one key has one canonical form.
func parseRSAKey(n64, e64 string) (*jwk, error) {
	n, errN := b64.DecodeString(n64)
	e, errE := b64.DecodeString(e64)
	if errN != nil || errE != nil || len(n) == 0 || len(e) == 0 || n[0] == 0 || e[0] == 0 {
		return nil, refusal(ReasonDeviceBadKey)
	}
	N, E := new(big.Int).SetBytes(n), new(big.Int).SetBytes(e)
	if N.BitLen() < minRSABits || N.BitLen() > maxRSABits || E.BitLen() > maxRSAExpBits ||
		E.Int64() < 3 || E.Bit(0) == 0 {
		return nil, refusal(ReasonDeviceBadKey)
	}
	pub := &rsa.PublicKey{N: N, E: int(E.Int64())}
	canonical := `{"e":"` + e64 + `","kty":"RSA","n":"` + n64 + `"}`
	return &jwk{alg: algRS256, key: pub, canonical: canonical}, nil
}

// sfItem is a structured-field item (RFC 8941): a bare item that is a
// token or a string, with its parameters, whose values are kept as text
// (a string's unescaped, any other bare item as written).
type sfItem struct {
	value  string
	params map[string]string
}

// maxHeaderLen bounds the structured headers read here.
const maxHeaderLen = 1024

// parseSFItem parses a structured-field item whose bare item is a token or
// a string. Parameters may be tokens, strings, integers or booleans.
func parseSFItem(s string) (sfItem, bool) {
	if len(s) > maxHeaderLen {
		return sfItem{}, false
	}
	p := sfParser{s: strings.Trim(s, " \t")}
	item := sfItem{}
	var ok bool
	if item.value, ok = p.bareItem(false); !ok {
		return sfItem{}, false
	}
	for p.more() && p.peek() == ';' {
		p.pos++
		p.skipSP()
		key, ok := p.key()
		if !ok {
			return sfItem{}, false
		}
		val := "?1" // a parameter without a value is true
		if p.more() && p.peek() == '=' {
			p.pos++
			if val, ok = p.bareItem(true); !ok {
				return sfItem{}, false
			}
		}
		if item.params == nil {
			item.params = make(map[string]string, 1)
		}
		item.params[key] = val
	}
	if p.more() {
		return sfItem{}, false
	}
	return item, true
}

// sfParser reads a structured field from s.
type sfParser struct {
	s   string
	pos int
}

func (p *sfParser) more() bool { return p.pos < len(p.s) }
func (p *sfParser) peek() byte { return p.s[p.pos] }

func (p *sfParser) skipSP() {
	for p.more() && p.peek() == ' ' {
		p.pos++
	}
}

// bareItem reads a string or a token, and with param also an integer or
// a boolean, as parameter values may be.
func (p *sfParser) bareItem(param bool) (string, bool) {
	if !p.more() {
		return "", false
	}
	c := p.peek()
	switch {
	case c == '"':
		return p.string()
	case isAlpha(c) || c == '*':
		return p.run(isTokenChar), true
	case param && (c == '-' || isDigit(c)):
		p.pos++
		v := string(c) + p.run(isDigit)
		return v, len(v) <= 16 && v != "-"
	case param && c == '?':
		v := p.s[p.pos:min(p.pos+2, len(p.s))]
		p.pos += len(v)
		return v, v == "?0" || v == "?1"
	}
	return "", false
}

// string reads an sf-string: printable ASCII between quotes, with \" and
// \\ the only escapes.
func (p *sfParser) string() (string, bool) {
	var b strings.Builder
	for p.pos++; p.more(); p.pos++ {
		c := p.peek()
		switch {
		case c == '"':
			p.pos++
			return b.String(), true
		case c == '\\':
			p.pos++
			if !p.more() || (p.peek() != '"' && p.peek() != '\\') {
				return "", false
			}
			b.WriteByte(p.peek())
		case c < 0x20 || c > 0x7e:
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// key reads a parameter key: a lowercase letter or *, then lowercase
// letters, digits, _, -, . and *.
func (p *sfParser) key() (string, bool) {
	if !p.more() || !(isLower(p.peek()) || p.peek() == '*') {
		return "", false
	}
	return p.run(func(c byte) bool {
		return isLower(c) || isDigit(c) || strings.IndexByte("_-.*", c) >= 0
	}), true
}

// run reads the bytes that ok accepts.
func (p *sfParser) run(ok func(byte) bool) string {
	start := p.pos
	for p.more() && ok(p.peek()) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isTokenChar reports whether c may follow the first character of an
// sf-token: a tchar, ":" or "/".
func isTokenChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("!#$%&'*+-.^_`|~:/", c) >= 0
}

// parseSessionIDHeader reads Sec-Secure-Session-Id: an sf-string or
// sf-token, or, as Chromium sends it, the bare identifier, which for this
// package's ids (base64url) may begin with a digit, "-" or "_" and so be
// no sf-token.
func parseSessionIDHeader(s string) (string, bool) {
	s = strings.Trim(s, " \t")
	if item, ok := parseSFItem(s); ok && item.params == nil && item.value != "" {
		return item.value, true
	}
	if s == "" || len(s) > maxHeaderLen {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if base64URLValue[s[i]] < 0 {
			return "", false
		}
	}
	return s, true
}

// skipReasons maps the tokens of Secure-Session-Skipped that Chromium
// sends to audit reasons; any other token is ReasonSkipped.
var skipReasons = map[string]string{
	"unreachable":    ReasonSkippedUnreachable,
	"server_error":   ReasonSkippedServerError,
	"quota_exceeded": ReasonSkippedQuotaExceeded,
}

// parseSkipped reads Secure-Session-Skipped, which a browser sends on a
// request it sent without the bound cookie because the refresh failed:
// a token naming why, with the session it concerns. It returns the audit
// reason, and false when the header is malformed or concerns another
// session (then it says nothing about this one).
func parseSkipped(header, sessionID string) (string, bool) {
	item, ok := parseSFItem(header)
	if !ok || item.value == "" || !isAlpha(item.value[0]) {
		return "", false
	}
	if id, named := item.params["session_identifier"]; named && id != sessionID {
		return "", false
	}
	if r, known := skipReasons[item.value]; known {
		return r, true
	}
	return ReasonSkipped, true
}
