package api

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/sessiond/sessiond"
)

// Config is what the API serves.
type Config struct {
	// Manager runs the sessions.
	Manager *sessiond.Manager
	// Audit answers GET /v1/audit; nil answers 501.
	Audit sessiond.AuditStore
	// ForwardAuth configures GET /v1/forward-auth.
	ForwardAuth ForwardAuth
	// Observe, if set, hears the outcome of every validation: "valid",
	// or the error name of a refusal.
	Observe func(outcome string)
}

// api serves the calls.
type api struct {
	Config
}

// Handler returns the routes of API v1, under /v1/. It does not check API
// keys: the caller wraps it. Every answer is JSON: an unknown path's (404
// not_found) and that of a method the path does not take (405
// method_not_allowed, with the path's methods in Allow) included.
func Handler(cfg Config) http.Handler {
	a := &api{cfg}
	if a.Observe == nil {
		a.Observe = func(string) {}
	}
	mux := http.NewServeMux()
	for path, ms := range a.routes() {
		mux.Handle(path, ms)
	}
	mux.HandleFunc("/v1/", notFound)
	return mux
}

// routes maps each path of API v1 to the handlers of its methods. The
// paths are registered without methods, so that the path alone picks the
// route and the route answers a method it lacks: with a method in every
// pattern, ServeMux would answer GET /v1/sessions/validate 405 with the
// methods of every pattern the path matches, DELETE of /v1/sessions/{id}
// among them.
func (a *api) routes() map[string]methods {
	return map[string]methods{
		"/v1/sessions":                     {"POST": a.create, "DELETE": a.deleteAll},
		"/v1/sessions/validate":            {"POST": a.validate},
		"/v1/sessions/rotate":              {"POST": a.rotate},
		"/v1/sessions/data":                {"POST": a.data},
		"/v1/sessions/reauth":              {"POST": a.reauth},
		"/v1/sessions/revoke":              {"POST": a.revoke},
		"/v1/sessions/device/registration": {"POST": a.registerDevice},
		"/v1/sessions/device/refresh":      {"POST": a.refreshDevice},
		"/v1/sessions/{id}":                {"DELETE": a.deleteByID},
		"/v1/users/{user_id}/sessions":     {"GET": a.listUser, "DELETE": a.revokeUser},
		"/v1/audit":                        {"GET": a.audit},
		"/v1/forward-auth":                 {"GET": a.forwardAuth},
		"/v1/openapi.json":                 {"GET": openAPI},
	}
}

// methods maps the methods of one path to their handlers. GET serves HEAD
// too, as in a ServeMux pattern.
type methods map[string]http.HandlerFunc

// ServeHTTP answers r with the handler of its method, or 405
// method_not_allowed naming the path's methods in Allow.
func (ms methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := ms[r.Method]
	if !ok && r.Method == http.MethodHead {
		h, ok = ms[http.MethodGet]
	}
	if !ok {
		allow := ms.allow()
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "this path takes "+allow)
		return
	}
	h(w, r)
}

// allow lists the path's methods, sorted, with HEAD where GET is.
func (ms methods) allow() string {
	names := slices.Collect(maps.Keys(ms))
	if _, ok := ms[http.MethodGet]; ok {
		names = append(names, http.MethodHead)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// notFound answers a path under /v1/ that is no call of the API.
func notFound(w http.ResponseWriter, _ *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no call of API v1 has this path; GET /v1/openapi.json lists them")
}
