// Package clientip says what a client's address counts under when its
// requests are counted (invalid tokens, login failures, sign-ups).
package clientip

import "net/netip"

// Key returns what one client's address counts under: the address itself
// for IPv4 (IPv4-mapped IPv6 included), its /64 for IPv6, since one
// subscriber usually holds a whole /64 and could otherwise take a fresh
// address for every attempt, and the string as given when it is not an IP
// address.
func Key(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64) // cannot fail: a is IPv6 without a zone
	return p.String()
}
