package sessiond_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sessiond/sessiond"
)

func TestData_TypedValues(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, tok := e.login(t, "alice")
	type cart struct {
		Items []string `json:"items"`
	}
	if err := s.Set("cart", cart{Items: []string{"book"}}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := s.Set("visits", 3); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := s.Commit(t.Context()); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	loaded, _, err := e.m.Load(t.Context(), tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c, ok := sessiond.Get[cart](loaded, "cart"); !ok || len(c.Items) != 1 || c.Items[0] != "book" {
		t.Errorf("cart = %+v, %v; want [book]", c, ok)
	}
	if n, ok := sessiond.Get[int](loaded, "visits"); !ok || n != 3 {
		t.Errorf("visits = %d, %v; want 3", n, ok)
	}
	if _, ok := sessiond.Get[int](loaded, "cart"); ok {
		t.Errorf("Get[int] of an object reported ok")
	}
	if _, ok := sessiond.Get[string](loaded, "missing"); ok {
		t.Errorf("Get of a missing key reported ok")
	}
	loaded.Delete("visits")
	if _, ok := sessiond.Get[int](loaded, "visits"); ok {
		t.Errorf("deleted key still read before commit")
	}
	if err := loaded.Set("", 1); !errors.Is(err, sessiond.ErrBadKey) {
		t.Errorf("Set of empty key = %v, want ErrBadKey", err)
	}
}

func TestData_ConcurrentRequestsKeepEveryWrite(t *testing.T) {
	e := newEnv(t, sessionConfig())
	b := &browser{h: e.app()}
	b.do("POST", "/login?user=alice")
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res := do(b.h, "POST", fmt.Sprintf("/set?k=key%d&v=%d", i, i), b.tok)
			if res.StatusCode != http.StatusOK {
				t.Errorf("request %d = %d", i, res.StatusCode)
			}
		})
	}
	wg.Wait()
	s, _, err := e.m.Load(t.Context(), b.tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	data, err := s.Data()
	if err != nil {
		t.Fatalf("Data: %v", err)
	}
	if len(data) != n {
		t.Errorf("%d keys survived %d concurrent writers, want %d", len(data), n, n)
	}
	for i := range n {
		if v, ok := sessiond.Get[string](s, fmt.Sprintf("key%d", i)); !ok || v != fmt.Sprint(i) {
			t.Errorf("key%d = %q, %v", i, v, ok)
		}
	}
	if s.Version() != 1+n {
		t.Errorf("version = %d, want %d (one per write)", s.Version(), 1+n)
	}
}

func TestData_CommitVersionRefusesStaleVersion(t *testing.T) {
	e := newEnv(t, sessionConfig())
	_, tok := e.login(t, "alice")
	a, _, _ := e.m.Load(t.Context(), tok, sessiond.Client{})
	b, _, _ := e.m.Load(t.Context(), tok, sessiond.Client{})
	v := a.Version()
	a.Set("k", "a")
	if err := a.CommitVersion(t.Context(), v); err != nil {
		t.Fatalf("first CommitVersion: %v", err)
	}
	b.Set("k", "b")
	if err := b.CommitVersion(t.Context(), v); !errors.Is(err, sessiond.ErrConflict) {
		t.Fatalf("stale CommitVersion = %v, want ErrConflict", err)
	}
	s, _, _ := e.m.Load(t.Context(), tok, sessiond.Client{})
	if got, _ := sessiond.Get[string](s, "k"); got != "a" {
		t.Errorf("k = %q after a refused write, want a", got)
	}
	if s.Version() != v+1 {
		t.Errorf("version = %d, want %d", s.Version(), v+1)
	}
}

func TestData_ReadOnlyRequestsNeverWrite(t *testing.T) {
	e := newEnv(t, sessionConfig())
	counting := &countingStore{Store: e.store}
	m, err := sessiond.New(counting, sessiond.Config{Now: e.clock.Now, Auditor: e.audit})
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	b := &browser{h: e.app()}
	b.do("POST", "/login?user=alice")
	b.do("POST", "/set?k=a&v=1")
	counting.reset()
	for range 100 {
		b.do("GET", "/get?k=a")
	}
	if w := counting.writes(); w != 0 {
		t.Errorf("100 reads inside one touch interval made %d writes, want 0", w)
	}
	e.clock.Advance(sessiond.DefaultIdleTimeout / 100)
	for range 100 {
		b.do("GET", "/get?k=a")
	}
	if counting.touches != 1 || counting.updates != 0 {
		t.Errorf("after one touch interval: %d touches, %d updates; want 1, 0", counting.touches, counting.updates)
	}
}

func TestData_DataJSON(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, tok := e.login(t, "alice")
	if got, err := s.DataJSON(); err != nil || string(got) != "{}" {
		t.Errorf("DataJSON of no data = %s, %v; want {}", got, err)
	}
	s.Set("b", 2)
	s.Set("a", "x")
	s.Commit(t.Context())
	loaded, _, _ := e.m.Load(t.Context(), tok, sessiond.Client{})
	if got, err := loaded.DataJSON(); err != nil || string(got) != `{"a":"x","b":2}` {
		t.Errorf("DataJSON = %s, %v; want {\"a\":\"x\",\"b\":2}", got, err)
	}
	loaded.Delete("a")
	if got, _ := loaded.DataJSON(); string(got) != `{"b":2}` {
		t.Errorf("DataJSON with a pending delete = %s, want {\"b\":2}", got)
	}
}

// A login with data writes the session once, data sealed inside, at
// version 1 as a login without; a data change then grows it by one.
func TestLoginToken_DataStartsAtVersion1(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, tok, err := e.m.LoginToken(t.Context(), sessiond.LoginInfo{
		UserID: "alice", Data: map[string]any{"theme": "dark", "visits": 3},
	})
	if err != nil {
		t.Fatalf("LoginToken: %v", err)
	}
	if s.Version() != 1 {
		t.Errorf("version after a login with data: got %d, want 1", s.Version())
	}
	loaded, _, err := e.m.Load(t.Context(), tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if theme, _ := sessiond.Get[string](loaded, "theme"); theme != "dark" || loaded.Version() != 1 {
		t.Errorf("loaded: got theme %q at version %d, want dark at 1", theme, loaded.Version())
	}
	rec, _, err := e.store.Get(t.Context(), s.ID())
	if err != nil || len(rec.Data) == 0 || bytes.Contains(rec.Data, []byte("dark")) {
		t.Errorf("stored data: got %q (%v), want it sealed", rec.Data, err)
	}
	loaded.Set("theme", "light")
	if err := loaded.Commit(t.Context()); err != nil || loaded.Version() != 2 {
		t.Errorf("after a data change: got version %d (%v), want 2", loaded.Version(), err)
	}
}

// A bad key in a login's data fails the login before anything is
// written: no session, no session.created event.
func TestLoginToken_BadDataKeyWritesNothing(t *testing.T) {
	e := newEnv(t, sessionConfig())
	for _, data := range []map[string]any{{"": 1}, {strings.Repeat("k", 257): 1}, {"ok": 1, "f": func() {}}} {
		if _, _, err := e.m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Data: data}); err == nil {
			t.Errorf("LoginToken with data %v: got no error", data)
		}
	}
	if _, _, err := e.m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice", Data: map[string]any{"": 1}}); !errors.Is(err, sessiond.ErrBadKey) {
		t.Errorf("LoginToken with an empty key: got %v, want ErrBadKey", err)
	}
	if list, err := e.m.List(t.Context(), "alice"); err != nil || len(list) != 0 {
		t.Errorf("sessions after refused logins: got %d (%v), want 0", len(list), err)
	}
	if _, ok := e.audit.last(sessiond.EventCreated); ok {
		t.Errorf("a refused login was audited as session.created")
	}
}
