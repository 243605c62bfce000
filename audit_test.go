package sessiond_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

func TestAudit_EveryLifecycleEventLogged_R52(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, _ := e.login(t, "alice")
	s.Renew(t.Context())
	s.Reauth(t.Context(), []string{"pwd"})
	s.Revoke(t.Context(), sessiond.ReasonLogout)
	_, idle := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultIdleTimeout)
	e.valid(t, idle)

	want := []sessiond.EventType{
		sessiond.EventCreated, sessiond.EventRotated, sessiond.EventReauthenticated,
		sessiond.EventRevoked, sessiond.EventCreated, sessiond.EventExpired,
	}
	if len(e.audit.events) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(e.audit.events), len(want), e.audit.events)
	}
	for i, ev := range e.audit.events {
		if ev.Type != want[i] {
			t.Errorf("event %d is %s, want %s", i, ev.Type, want[i])
		}
		if ev.ID == "" || ev.UserID != "alice" || ev.SessionID == "" || ev.IP != "192.0.2.1" || ev.UserAgent != "test-agent" {
			t.Errorf("event %d lacks a field: %+v", i, ev)
		}
		if ev.Time.Location() != time.UTC || ev.Time.IsZero() {
			t.Errorf("event %d time %v, want UTC", i, ev.Time)
		}
	}
}

func TestAudit_SlogNeverHoldsAToken_R53(t *testing.T) {
	var buf bytes.Buffer
	clk := newClock()
	store := memstore.New(memstore.Config{Now: clk.Now})
	defer store.Close()
	m, err := sessiond.New(store, sessiond.Config{
		Now:     clk.Now,
		Auditor: sessiond.SlogAuditor{Logger: slog.New(slog.NewJSONHandler(&buf, nil))},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	s, tok, _ := m.LoginToken(t.Context(), sessiond.LoginInfo{UserID: "alice"})
	tokens = append(tokens, tok)
	next, _ := s.Renew(t.Context())
	tokens = append(tokens, next)
	clk.Advance(sessiond.DefaultRotateEvery)
	_, periodic, _ := m.Load(t.Context(), next, sessiond.Client{})
	tokens = append(tokens, periodic)
	clk.Advance(time.Hour)
	m.Load(t.Context(), tok, sessiond.Client{}) // reuse: revokes
	if !strings.Contains(buf.String(), string(sessiond.EventTokenReused)) {
		t.Fatalf("log lacks the token reuse event:\n%s", buf.String())
	}
	for _, tok := range tokens {
		h := sha256.Sum256([]byte(tok))
		for _, secret := range []string{tok, hex.EncodeToString(h[:]), base64.StdEncoding.EncodeToString(h[:]), base64.RawURLEncoding.EncodeToString(h[:])} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("log holds a token or its hash: %q", secret)
			}
		}
	}
	// Every line is a JSON record with the event's fields.
	for line := range strings.Lines(buf.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		for _, k := range []string{"type", "user_id", "session_id", "ip", "user_agent", "reason", "event_time"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log line lacks %q: %s", k, line)
			}
		}
	}
}

func TestAudit_SweeperExpiry(t *testing.T) {
	e := newEnv(t, sessionConfig())
	s, _ := e.login(t, "alice")
	e.clock.Advance(sessiond.DefaultIdleTimeout)
	if n := e.store.Sweep(t.Context()); n != 1 {
		t.Fatalf("Sweep removed %d, want 1", n)
	}
	ev, ok := e.audit.last(sessiond.EventExpired)
	if !ok || ev.SessionID != s.ID() || ev.Reason != sessiond.ReasonIdle {
		t.Errorf("expiry event = %+v, want session %s reason idle", ev, s.ID())
	}
}

// An operator's revocations name the operator; the user's own logout and
// the Manager's own events name no one (R52).
func TestAudit_ActorFromContext_R52(t *testing.T) {
	e := newEnv(t, sessionConfig())
	own, _ := e.login(t, "alice")
	byID, _ := e.login(t, "alice")
	e.login(t, "bob")
	ctx := sessiond.WithActor(t.Context(), "operator:root")
	own.Revoke(t.Context(), sessiond.ReasonLogout)
	e.m.RevokeID(ctx, byID.ID(), sessiond.ReasonRevoked)
	e.m.RevokeUser(ctx, "bob", sessiond.ReasonUser)
	e.m.RevokeEverything(ctx)
	e.m.Audit(ctx, sessiond.Event{Type: sessiond.EventUserDisabled, UserID: "bob"})
	e.m.Audit(ctx, sessiond.Event{Type: sessiond.EventUserEnabled, UserID: "bob", Actor: "script"})
	want := []struct {
		typ          sessiond.EventType
		user, reason string
		actor        string
	}{
		{sessiond.EventCreated, "alice", "", ""},
		{sessiond.EventCreated, "alice", "", ""},
		{sessiond.EventCreated, "bob", "", ""},
		{sessiond.EventRevoked, "alice", sessiond.ReasonLogout, ""},
		{sessiond.EventRevoked, "alice", sessiond.ReasonRevoked, "operator:root"},
		{sessiond.EventRevoked, "bob", sessiond.ReasonUser, "operator:root"},
		{sessiond.EventRevoked, "", sessiond.ReasonAll, "operator:root"},
		{sessiond.EventUserDisabled, "bob", "", "operator:root"},
		{sessiond.EventUserEnabled, "bob", "", "script"},
	}
	if len(e.audit.events) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(e.audit.events), len(want), e.audit.events)
	}
	for i, w := range want {
		if got := e.audit.events[i]; got.Type != w.typ || got.UserID != w.user || got.Reason != w.reason || got.Actor != w.actor {
			t.Errorf("event %d: got %s %q %q actor %q, want %s %q %q actor %q",
				i, got.Type, got.UserID, got.Reason, got.Actor, w.typ, w.user, w.reason, w.actor)
		}
	}
}

func TestAudit_SlogNamesTheActor(t *testing.T) {
	var buf bytes.Buffer
	sessiond.SlogAuditor{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}.Audit(t.Context(),
		sessiond.Event{Type: sessiond.EventRevoked, Actor: "operator:root"})
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["actor"] != "operator:root" {
		t.Errorf("actor: got %v, want operator:root", rec["actor"])
	}
}
