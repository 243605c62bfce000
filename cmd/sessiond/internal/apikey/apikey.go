// Package apikey keeps the API keys that sessiond's clients present as
// "Authorization: Bearer <key>", and checks them in constant time.
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

// Set is a set of API keys, kept only as SHA-256 digests.
type Set struct {
	digests [][sha256.Size]byte
}

// Load reads the keys of file (one per line; blank lines and lines
// starting with # are skipped) and adds envKey if it is not empty. When the
// file does not exist and envKey is empty, a random key is written to the
// file (mode 0600) and returned as generated, for the caller to print once.
func Load(file, envKey string) (set *Set, generated string, err error) {
	set = &Set{}
	if envKey != "" {
		if err := set.add(envKey); err != nil {
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
		return set, generated, set.add(generated)
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
		if err := s.add(line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// add keeps the digest of key.
func (s *Set) add(key string) error {
	if len(key) < minKeyLen {
		return fmt.Errorf("an API key must be at least %d characters", minKeyLen)
	}
	s.digests = append(s.digests, sha256.Sum256([]byte(key)))
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

// Valid reports whether key is in the set. Every stored key is compared,
// in constant time, whatever matches.
func (s *Set) Valid(key string) bool {
	d := sha256.Sum256([]byte(key))
	found := 0
	for i := range s.digests {
		found |= subtle.ConstantTimeCompare(d[:], s.digests[i][:])
	}
	return found == 1 && key != ""
}

// Require lets through requests with a valid "Authorization: Bearer" key
// and answers the rest 401 with a generic JSON error, in the API's form.
func (s *Set) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || !s.Valid(strings.TrimSpace(key)) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sessiond"`)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"unauthorized","detail":"a valid API key is required, as Authorization: Bearer <key>"}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
