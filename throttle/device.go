package throttle

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// Device cookie constants.
const (
	// DeviceCookieName is the cookie that marks a browser that has signed
	// in to an account.
	DeviceCookieName = "__Host-device"
	// DeviceCookieMaxAge is how long a browser keeps its device cookie
	// after its last successful login: a year.
	DeviceCookieMaxAge = 365 * 24 * time.Hour
	// maxDeviceAccounts is how many accounts one device cookie vouches
	// for; past it, the one signed in to least recently goes.
	maxDeviceAccounts = 8
)

// Sizes of a device cookie's parts, in bytes and base64url characters.
const (
	deviceIDSize = 16
	tagSize      = 16
	partLen      = 22 // base64url of 16 bytes, unpadded
	maxDeviceLen = partLen + maxDeviceAccounts*(1+partLen)
)

// b64 encodes the cookie's parts; Strict makes every value have one
// encoding only.
var b64 = base64.RawURLEncoding.Strict()

// deviceCookie is a browser's random id and one tag per account it has
// signed in to, newest first. A tag is the HMAC of the id and the account
// under the throttle's key; the account itself is not in the cookie.
type deviceCookie struct {
	id   [deviceIDSize]byte
	tags [][tagSize]byte
}

// parseDevice decodes "id.tag.tag…" with one to maxDeviceAccounts tags,
// refusing anything else with a zero deviceCookie.
func parseDevice(v string) (deviceCookie, bool) {
	var c deviceCookie
	if len(v) > maxDeviceLen {
		return deviceCookie{}, false
	}
	id, rest, found := strings.Cut(v, ".")
	if !found || !decodePart(c.id[:], id) {
		return deviceCookie{}, false
	}
	for part := range strings.SplitSeq(rest, ".") {
		var tag [tagSize]byte
		if !decodePart(tag[:], part) {
			return deviceCookie{}, false
		}
		c.tags = append(c.tags, tag)
	}
	return c, true
}

// decodePart decodes one 16-byte part into dst.
func decodePart(dst []byte, s string) bool {
	if len(s) != partLen {
		return false
	}
	n, err := b64.Decode(dst, []byte(s))
	return err == nil && n == len(dst)
}

// String encodes the cookie's value.
func (c deviceCookie) String() string {
	var b strings.Builder
	b.WriteString(b64.EncodeToString(c.id[:]))
	for _, tag := range c.tags {
		b.WriteByte('.')
		b.WriteString(b64.EncodeToString(tag[:]))
	}
	return b.String()
}

// tag is the MAC that says the device id signed in to account.
func (t *Throttle) tag(id [deviceIDSize]byte, account string) [tagSize]byte {
	m := hmac.New(sha256.New, t.cfg.Key)
	m.Write([]byte("sessiond throttle device v1\x00"))
	m.Write(id[:])
	m.Write([]byte(account))
	var tag [tagSize]byte
	copy(tag[:], m.Sum(nil))
	return tag
}

// has reports, in constant time, whether c vouches for account.
func (t *Throttle) has(c deviceCookie, account string) bool {
	want := t.tag(c.id, account)
	found := 0
	for _, tag := range c.tags {
		found |= subtle.ConstantTimeCompare(tag[:], want[:])
	}
	return found == 1
}

// readDevice returns the well-formed device cookie of r, if any; whether
// it vouches for an account is for has to say.
func readDevice(r *http.Request) (deviceCookie, bool) {
	if r == nil {
		return deviceCookie{}, false
	}
	ck, err := r.Cookie(DeviceCookieName)
	if err != nil {
		return deviceCookie{}, false
	}
	return parseDevice(ck.Value)
}

// KnownDevice reports whether the browser that sent r carries a valid
// device cookie for account, that is, has signed in to it before. A
// device cookie for another account, or one signed with another key, does
// not count.
func (t *Throttle) KnownDevice(r *http.Request, account string) bool {
	c, ok := readDevice(r)
	return ok && t.has(c, account)
}

// setDevice adds account to c, the browser's device cookie (a new one if
// c has no tags), and sets it on w.
func (t *Throttle) setDevice(w http.ResponseWriter, c deviceCookie, account string) {
	if c.tags == nil {
		rand.Read(c.id[:]) // never fails: crypto/rand aborts the program instead
	}
	tag := t.tag(c.id, account)
	tags := [][tagSize]byte{tag}
	for _, old := range c.tags {
		if old != tag && len(tags) < maxDeviceAccounts {
			tags = append(tags, old)
		}
	}
	c.tags = tags
	http.SetCookie(w, &http.Cookie{
		Name:     DeviceCookieName,
		Value:    c.String(),
		Path:     "/",
		MaxAge:   int(DeviceCookieMaxAge / time.Second),
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
	// A response that sets a cookie must not be stored by a cache.
	w.Header().Set("Cache-Control", "no-store")
}
