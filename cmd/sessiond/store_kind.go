package main

import "strings"

// storeKind names the store of a URL without its credentials, for logs.
func storeKind(url string) string {
	scheme, _, _ := strings.Cut(url, "://")
	return scheme
}
