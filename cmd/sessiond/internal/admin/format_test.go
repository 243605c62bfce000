package admin

import (
	"testing"
	"time"
)

func TestWhen(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	if got := when(time.Date(2026, 3, 1, 10, 4, 5, 0, paris)); got != "2026-03-01 09:04 UTC" {
		t.Errorf("got %q, want the time in UTC", got)
	}
	if got := whenExact(time.Date(2026, 3, 1, 10, 4, 5, 0, paris)); got != "2026-03-01 09:04:05" {
		t.Errorf("exact: got %q, want the time in UTC", got)
	}
	if got := when(time.Time{}); got != "never" {
		t.Errorf("got %q, want never", got)
	}
	if got := iso(time.Date(2026, 3, 1, 10, 4, 5, 0, paris)); got != "2026-03-01T09:04:05Z" {
		t.Errorf("iso: got %q", got)
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{3 * time.Minute, "3 min ago"},
		{90 * time.Minute, "1 h ago"},
		{47 * time.Hour, "47 h ago"},
		{72 * time.Hour, "3 days ago"},
		{-10 * time.Minute, "in 10 min"},
		{-30 * time.Second, "in under a minute"},
	} {
		if got := ago(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestEventClass(t *testing.T) {
	for in, want := range map[string]string{
		"session.token_reused": "ev-session-token-reused",
		"login.failed":         "ev-login-failed",
		`x" onclick="y`:        "ev-x--onclick--y",
	} {
		if got := eventClass(in); got != want {
			t.Errorf("eventClass(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 sessions", 1: "1 session", 2: "2 sessions"} {
		if got := plural(n, "session"); got != want {
			t.Errorf("plural(%d): got %q, want %q", n, got, want)
		}
	}
}
