package e2e

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/devcert"
)

// service is a running sessiond as its clients see it.
type service struct {
	base   string // https://127.0.0.1:PORT
	key    string // a valid API key
	client *http.Client
	seen   *tokens
}

// answer is one HTTP answer, its JSON body decoded when it is JSON.
type answer struct {
	code   int
	header http.Header
	raw    []byte
	body   map[string]any
}

// newClient returns an HTTPS client that trusts only the development
// certificate kept in dataDir.
func newClient(t *testing.T, dataDir string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(dataDir, devcert.CertFile))
	if err != nil {
		t.Fatalf("reading the development certificate: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("the development certificate does not parse")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// call sends a request with the service's API key. body is sent as is
// when it is a string or []byte, as JSON otherwise (nil: no body).
func (s *service) call(t *testing.T, method, path string, body any) answer {
	t.Helper()
	return s.send(t, method, path, body, http.Header{
		"Authorization": {"Bearer " + s.key},
		"Content-Type":  {"application/json"},
	})
}

// send sends a request with exactly the given headers, and checks that
// the answer carries no token issued before it (R8, R10).
func (s *service) send(t *testing.T, method, path string, body any, h http.Header) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.base+path, encode(t, body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	a := answer{code: res.StatusCode, header: res.Header, raw: raw}
	json.Unmarshal(raw, &a.body)
	s.seen.check(t, method+" "+path, a)
	if tok, ok := a.body["token"].(string); ok {
		s.seen.add(tok)
	}
	return a
}

// encode makes a request body.
func encode(t *testing.T, body any) io.Reader {
	t.Helper()
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	case []byte:
		return bytes.NewReader(b)
	}
	js, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(js)
}

// tokens are the session tokens a service has issued so far.
type tokens struct {
	mu  sync.Mutex
	all []string
}

// add keeps a newly issued token.
func (k *tokens) add(tok string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.all = append(k.all, tok)
}

// list returns the tokens issued so far.
func (k *tokens) list() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.all...)
}

// check fails when an answer's body or headers carry a token issued
// before it: every token is shown once, to whom it was issued.
func (k *tokens) check(t *testing.T, call string, a answer) {
	t.Helper()
	var hdr strings.Builder
	a.header.Write(&hdr)
	for _, tok := range k.list() {
		if bytes.Contains(a.raw, []byte(tok)) || strings.Contains(hdr.String(), tok) {
			t.Errorf("%s: the answer carries an earlier token", call)
		}
	}
}

// str returns the string at a path of keys in a decoded JSON body.
func str(body map[string]any, keys ...string) string {
	v, _ := dig(body, keys...).(string)
	return v
}

// dig follows a path of keys in a decoded JSON body.
func dig(body map[string]any, keys ...string) any {
	var v any = body
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
