package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestHealth checks /healthz and /readyz, which need no API key.
func TestHealth(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		for _, path := range []string{"/healthz", "/readyz"} {
			a := s.send(t, "GET", path, nil, http.Header{})
			if a.code != http.StatusOK || string(a.raw) != "ok\n" {
				t.Errorf("%s: got %d %q, want 200 ok", path, a.code, a.raw)
			}
		}
	})
}

// TestMetrics_R7 checks /metrics: behind the API key, in the Prometheus
// text format, with the counts of what the service just did.
func TestMetrics_R7(t *testing.T) {
	eachStore(t, func(t *testing.T, s *appService) {
		if a := s.send(t, "GET", "/metrics", nil, http.Header{}); a.code != http.StatusUnauthorized {
			t.Errorf("/metrics without a key: got %d, want 401", a.code)
		}
		tok, _ := s.login(t, "alice")
		other, _ := s.login(t, "alice")
		s.login(t, "bob")
		for range 3 {
			want(t, "validate", s.call(t, "POST", "/v1/sessions/validate", with("token", tok)), http.StatusOK)
		}
		for range 2 {
			want(t, "validate an unknown token", s.call(t, "POST", "/v1/sessions/validate", with("token", "unknown")), http.StatusUnauthorized)
		}
		want(t, "validate without a token", s.call(t, "POST", "/v1/sessions/validate", map[string]any{}), http.StatusBadRequest)
		want(t, "logout", s.call(t, "POST", "/v1/sessions/revoke", map[string]any{"token": other}), http.StatusNoContent)
		want(t, "revoke bob", s.call(t, "DELETE", "/v1/users/bob/sessions", nil), http.StatusOK)

		a := s.call(t, "GET", "/metrics", nil)
		if a.code != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("/metrics: got %d %q, want 200 text/plain", a.code, a.header.Get("Content-Type"))
		}
		text := string(a.raw)
		for _, tc := range []struct {
			series string
			want   float64
		}{
			{"sessions_created_total", 3},
			{"sessions_validated_total", 3},
			{`sessions_rejected_total{reason="invalid_session"}`, 2},
			{`sessions_rejected_total{reason="bad_request"}`, 1},
			{`sessions_revoked_total{reason="logout"}`, 1},
			{`sessions_revoked_total{reason="user"}`, 1},
			{"sessions_expired_total", 0},
		} {
			if got, ok := value(text, tc.series); !ok || got != tc.want {
				t.Errorf("%s: got %v (found %t), want %v", tc.series, got, ok, tc.want)
			}
		}
		for _, op := range []string{"create", "find", "delete", "list_user", "append_event"} {
			if got, _ := value(text, `sessiond_store_duration_seconds_count{op="`+op+`"}`); got < 1 {
				t.Errorf("store calls timed for %s: got %v, want at least 1", op, got)
			}
		}
		for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
			if _, ok := value(text, name); !ok {
				t.Errorf("no %s", name)
			}
		}
	})
}

// value finds the value of one series in the Prometheus text format.
func value(text, series string) (float64, bool) {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
