package main

import (
	"net"
	"strings"
)

// storeKind names the store of a URL without its credentials, for logs.
func storeKind(url string) string {
	scheme, _, _ := strings.Cut(url, "://")
	return scheme
}

// displayAddr is addr as a person types it: "localhost" for a loopback
// address, so that the browser's address matches the certificate.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && (host == "127.0.0.1" || host == "::1") {
		return net.JoinHostPort("localhost", port)
	}
	return addr
}
