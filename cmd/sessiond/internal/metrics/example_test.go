package metrics_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/metrics"
	"github.com/sessiond/sessiond/memstore"
)

// nop drops audit events.
type nop struct{}

func (nop) Audit(context.Context, sessiond.Event) {}

// Example wires the metrics into a manager: the store is timed and the
// lifecycle events are counted.
func Example() {
	met := metrics.New()
	inner := memstore.New(memstore.Config{})
	defer inner.Close()
	m, err := sessiond.New(met.Store(inner, "memory", nil), sessiond.Config{Auditor: met.Auditor(nop{})})
	if err != nil {
		panic(err)
	}
	s, _, err := m.LoginToken(context.Background(), sessiond.LoginInfo{UserID: "alice"})
	if err != nil {
		panic(err)
	}
	s.Revoke(context.Background(), sessiond.ReasonLogout)

	w := httptest.NewRecorder()
	met.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "sessions_created_total") || strings.HasPrefix(line, `sessions_revoked_total{reason="logout"}`) ||
			strings.HasPrefix(line, `sessiond_store_duration_seconds_count{op="create"}`) {
			fmt.Println(line)
		}
	}
	// Output:
	// sessiond_store_duration_seconds_count{op="create"} 1
	// sessions_created_total 1
	// sessions_revoked_total{reason="logout"} 1
}
