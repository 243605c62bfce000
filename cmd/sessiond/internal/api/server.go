package api

import (
	"net/http"

	"github.com/sessiond/sessiond"
)

// Config is what the API serves.
type Config struct {
	// Manager runs the sessions.
	Manager *sessiond.Manager
	// Audit answers GET /v1/audit; nil answers 501.
	Audit sessiond.AuditStore
	// Observe, if set, hears the outcome of every validation: "valid",
	// or the error name of a refusal.
	Observe func(outcome string)
}

// api serves the calls.
type api struct {
	Config
}

// Handler returns the routes of API v1, under /v1/. It does not check API
// keys: the caller wraps it.
func Handler(cfg Config) http.Handler {
	a := &api{cfg}
	if a.Observe == nil {
		a.Observe = func(string) {}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/sessions", a.create)
	mux.HandleFunc("POST /v1/sessions/validate", a.validate)
	mux.HandleFunc("POST /v1/sessions/rotate", a.rotate)
	mux.HandleFunc("POST /v1/sessions/data", a.data)
	mux.HandleFunc("POST /v1/sessions/reauth", a.reauth)
	mux.HandleFunc("POST /v1/sessions/revoke", a.revoke)
	mux.HandleFunc("DELETE /v1/sessions/{id}", a.deleteByID)
	mux.HandleFunc("DELETE /v1/sessions", a.deleteAll)
	mux.HandleFunc("GET /v1/users/{user_id}/sessions", a.listUser)
	mux.HandleFunc("DELETE /v1/users/{user_id}/sessions", a.revokeUser)
	mux.HandleFunc("GET /v1/audit", a.audit)
	mux.HandleFunc("GET /v1/openapi.json", openAPI)
	return mux
}
