package sessiond_test

import (
	"encoding/base64"
	"math/bits"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

func TestTokens_EntropyAndUniqueness_R1(t *testing.T) {
	e := newEnv(t, sessionConfig())
	const n = 1000
	seen := make(map[string]bool, n)
	ones := 0
	for range n {
		_, tok := e.login(t, "alice")
		raw, err := base64.RawURLEncoding.Strict().DecodeString(tok)
		if err != nil {
			t.Fatalf("token %q is not base64url: %v", tok, err)
		}
		if len(raw) < 32 {
			t.Fatalf("token decodes to %d bytes, want at least 32", len(raw))
		}
		if seen[tok] {
			t.Fatalf("token repeated after %d logins", len(seen))
		}
		seen[tok] = true
		for _, b := range raw {
			ones += bits.OnesCount8(b)
		}
	}
	// 256,000 fair bits: the share of ones is within 1% of half unless the
	// source is biased (the chance of a fair source failing is ~1e-23).
	share := float64(ones) / float64(n*256)
	if share < 0.49 || share > 0.51 {
		t.Errorf("share of one bits = %.4f, want 0.5 ± 0.01", share)
	}
}

func TestTokens_MeaningNothing_R2(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s1, a := e.login(t, "alice")
	s2, b := e.login(t, "bob")
	if len(a) != len(b) {
		t.Fatalf("token lengths %d and %d differ", len(a), len(b))
	}
	common := 0
	for common < len(a) && a[common] == b[common] {
		common++
	}
	if common > 3 {
		t.Errorf("tokens made at one instant share a %d-character prefix", common)
	}
	for _, leak := range []string{"alice", "bob", s1.ID(), s2.ID(), "192.0.2.1"} {
		if strings.Contains(a, leak) || strings.Contains(b, leak) {
			t.Errorf("a token contains %q", leak)
		}
	}
}

func TestTokens_UntrustedValues_R4(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, good := e.login(t, "alice")
	h := e.app()
	cases := map[string]string{
		"empty":           "",
		"unissued":        strings.Repeat("A", len(good)),
		"short":           good[:20],
		"long":            good + "A",
		"oversized":       strings.Repeat("x", 8000),
		"padded":          good[:len(good)-1] + "=",
		"non-ascii":       good[:len(good)-2] + "é",
		"sql":             "' OR '1'='1",
		"script":          "<script>alert(1)</script>",
		"standard base64": strings.ReplaceAll(strings.ReplaceAll(good, "-", "+"), "_", "/") + "+/",
		"nul":             good[:len(good)-1] + "\x00",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := httptestRequest("GET", "/me")
			r.Header.Set("Cookie", "__Host-session="+tok)
			res := serve(h, r)
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", res.StatusCode)
			}
			if b := body(res); tok != "" && strings.Contains(b, tok) {
				t.Errorf("body %q echoes the token", b)
			}
		})
	}
}

func TestTokens_TwoLoginsTwoTokens_R5(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s1, a := e.login(t, "alice")
	s2, b := e.login(t, "alice")
	if a == b || s1.ID() == s2.ID() {
		t.Fatalf("two logins share a token or an id")
	}
	if !e.valid(t, a) || !e.valid(t, b) {
		t.Errorf("both tokens must work: got %v, %v", e.valid(t, a), e.valid(t, b))
	}
}

func TestTokens_FlippedCharacter_R6(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	for i := range tok {
		flipped := []byte(tok)
		if flipped[i] == 'A' {
			flipped[i] = 'B'
		} else {
			flipped[i] = 'A'
		}
		if e.valid(t, string(flipped)) {
			t.Fatalf("token with character %d changed was accepted", i)
		}
	}
	if !e.valid(t, tok) {
		t.Errorf("original token rejected")
	}
}

// TestIDs_OrderedByCreation checks the public id's shape: 22 base64url
// characters, unique, sorting by the time of the login to the millisecond
// (stores keyed by id add new sessions at the end of their index), with
// the rest random. It also checks what R2 asks of the tokens beside them:
// the id's time never reaches the token.
func TestIDs_OrderedByCreation(t *testing.T) {
	e := newEnv(t, sessionConfig())
	const n = 200
	var ids []string
	seen := make(map[string]bool, n)
	for i := range n {
		if i%10 == 0 {
			e.clock.Advance(time.Millisecond)
		}
		s, tok := e.login(t, "alice")
		id := s.ID()
		if len(id) != 22 || strings.Trim(id, base64URL) != "" {
			t.Fatalf("id %q: want 22 base64url characters", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
		if strings.Contains(tok, id[:8]) {
			t.Errorf("token %q holds the id's time %q", tok, id[:8])
		}
		ids = append(ids, id)
	}
	for i := 10; i < n; i++ {
		// Ids of one millisecond share their time and differ after it;
		// each millisecond's ids sort after the last one's.
		if i%10 != 0 {
			if ids[i][:8] != ids[i-1][:8] {
				t.Errorf("ids %q and %q of one millisecond differ in their first 8 characters", ids[i-1], ids[i])
			}
			continue
		}
		if prev := slices.Max(ids[i-10 : i]); ids[i] <= prev {
			t.Errorf("id %q made a millisecond later sorts before %q", ids[i], prev)
		}
	}
}

// TestNewID checks that NewID makes ids as the Manager does: for the
// millisecond of a login the same first 8 characters as the session's id,
// the same shape, and ids of later times sorting after.
func TestNewID(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, _ := e.login(t, "alice")
	id, err := sessiond.NewID(e.clock.Now())
	if err != nil {
		t.Fatalf("NewID: %v", err)
	}
	if len(id) != 22 || strings.Trim(id, base64URL) != "" || id[:8] != s.ID()[:8] || id == s.ID() {
		t.Errorf("NewID at the login's time: got %q, want 22 characters beginning as the session's %q", id, s.ID())
	}
	later, _ := sessiond.NewID(e.clock.Now().Add(time.Millisecond))
	if later <= id {
		t.Errorf("id of a millisecond later %q sorts before %q", later, id)
	}
}

// base64URL is the alphabet of tokens and ids.
const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
