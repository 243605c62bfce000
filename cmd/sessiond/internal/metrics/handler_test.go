package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler_ServesTextFormat(t *testing.T) {
	t.Parallel()
	m := New()
	m.ObserveValidation("valid")
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type: got %q, want text/plain", ct)
	}
	body := w.Body.String()
	for _, want := range []string{
		"sessions_validated_total 1\n",
		"sessions_created_total 0\n",
		`sessions_rejected_total{reason="invalid_session"} 0`,
		`sessions_revoked_total{reason="logout"} 0`,
		"sessions_expired_total 0\n",
		`sessiond_store_duration_seconds_bucket{op="find",le="0.001"} 0`,
		"go_goroutines ",
		"process_cpu_seconds_total ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
}

// TestNew_OwnRegistry checks that two Metrics share no counts, so that
// services and tests in one process stay apart.
func TestNew_OwnRegistry(t *testing.T) {
	t.Parallel()
	a, b := New(), New()
	a.ObserveValidation("valid")
	if got := count(t, b, "sessions_validated_total", "", ""); got != 0 {
		t.Errorf("other registry's sessions_validated_total: got %v, want 0", got)
	}
	if a.Registry() == b.Registry() {
		t.Errorf("Registry: got the same registry twice, want one each")
	}
}
