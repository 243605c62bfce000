// Package apikey keeps the API keys that sessiond's clients present as
// "Authorization: Bearer <key>", and checks them in constant time.
//
// A key may carry a scope that narrows what it can call: a key file line
// "KEY forward-auth" makes a key that can call only the forward-auth
// endpoint, for a reverse proxy's configuration. A line with a key alone
// is a full key, as it always was.
package apikey

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// minKeyLen is the shortest key accepted from a file or the environment.
const minKeyLen = 16

// Scope is what a key may call.
type Scope string

// The scopes of a key.
const (
	// Full may call every call of the API and /metrics.
	Full Scope = ""
	// ForwardAuth may call only the forward-auth endpoint.
	ForwardAuth Scope = "forward-auth"
)

// Set is a set of API keys, kept only as SHA-256 digests with their
// scopes.
type Set struct {
	digests [][sha256.Size]byte
	scopes  []Scope
}

// Load reads the keys of file (one per line, optionally followed by
// white space and a scope, e.g. "KEY forward-auth"; blank lines and lines
// starting with # are skipped) and adds envKey, a full key, if it is not
// empty. When the
// file does not exist and envKey is empty, a random key is written to the
// file (mode 0600) and returned as generated, for the caller to print once.
func Load(file, envKey string) (set *Set, generated string, err error) {
	set = &Set{}
	if envKey != "" {
		if err := set.add(envKey, Full); err != nil {
			return nil, "", fmt.Errorf("SESSIOND_API_KEY: %w", err)
		}
	}
	data, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist) && envKey == "":
		generated, err = create(file)
		if err != nil {
			return nil, "", err
		}
		return set, generated, set.add(generated, Full)
	case errors.Is(err, fs.ErrNotExist):
		return set, "", nil
	case err != nil:
		return nil, "", fmt.Errorf("reading API keys: %w", err)
	}
	if err := set.addLines(data); err != nil {
		return nil, "", fmt.Errorf("%s: %w", file, err)
	}
	if len(set.digests) == 0 {
		return nil, "", fmt.Errorf("%s holds no API key", file)
	}
	return set, "", nil
}

// addLines adds the keys of a key file.
func (s *Set) addLines(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := s.addLine(line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// addLine adds the key of one line of a key file: a key, then
// optionally a scope.
func (s *Set) addLine(line string) error {
	fields := strings.Fields(line)
	scope := Full
	switch {
	case len(fields) > 2:
		return errors.New("want a key, then optionally a scope (forward-auth)")
	case len(fields) == 2 && Scope(fields[1]) != ForwardAuth:
		// The scope is not a secret, but the line holds a key: it is
		// not quoted.
		return errors.New("unknown scope: the only scope is forward-auth (a key alone is a full key)")
	case len(fields) == 2:
		scope = ForwardAuth
	}
	return s.add(fields[0], scope)
}

// add keeps the digest of key, with its scope.
func (s *Set) add(key string, scope Scope) error {
	if len(key) < minKeyLen {
		return fmt.Errorf("an API key must be at least %d characters", minKeyLen)
	}
	s.digests = append(s.digests, sha256.Sum256([]byte(key)))
	s.scopes = append(s.scopes, scope)
	return nil
}

// create writes a new random key to file, creating its directory.
func create(file string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", filepath.Dir(file), err)
	}
	key := "sk_" + rand.Text() + rand.Text()
	content := "# sessiond API keys, one per line\n" + key + "\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		return "", fmt.Errorf("writing %s: %w", file, err)
	}
	return key, nil
}

// Valid reports whether key is in the set, whatever its scope.
func (s *Set) Valid(key string) bool {
	_, ok := s.Scope(key)
	return ok
}

// Scope returns the scope of key, and whether key is in the set. Every
// stored key is compared, in constant time, whatever matches.
func (s *Set) Scope(key string) (Scope, bool) {
	d := sha256.Sum256([]byte(key))
	found, at := 0, 0
	for i := range s.digests {
		eq := subtle.ConstantTimeCompare(d[:], s.digests[i][:])
		found |= eq
		at = subtle.ConstantTimeSelect(eq, i, at)
	}
	if found != 1 || key == "" {
		return Full, false
	}
	return s.scopes[at], true
}

// Require lets through requests with a valid full key in
// "Authorization: Bearer"; see [Set.RequireScope].
func (s *Set) Require(next http.Handler) http.Handler {
	return s.RequireScope(Full, next)
}

// RequireScope lets through requests with a valid "Authorization: Bearer"
// key that is a full key or has scope. A request without a valid key is
// answered 401 and one whose key has another scope 403, each with a
// generic JSON error in the API's form.
func (s *Set) RequireScope(scope Scope, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got, ok := s.Scope(strings.TrimSpace(key))
		switch {
		case !strings.EqualFold(scheme, "Bearer") || !ok:
			w.Header().Set("WWW-Authenticate", `Bearer realm="sessiond"`)
			refuse(w, http.StatusUnauthorized, `{"error":"unauthorized","detail":"a valid API key is required, as Authorization: Bearer <key>"}`)
		case got != Full && got != scope:
			refuse(w, http.StatusForbidden, `{"error":"forbidden","detail":"this API key's scope does not allow this call"}`)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// refuse answers status with body, a JSON error.
func refuse(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(body + "\n"))
}
