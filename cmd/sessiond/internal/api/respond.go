package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sessiond/sessiond"
)

// writeJSON answers v with status; API answers are never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // none of the API's answers fails to encode
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeBody(w, status, append(b, '\n'))
}

// writeBody answers body, a JSON document, with status.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// writeError answers {"error": name} and returns name.
func writeError(w http.ResponseWriter, status int, name string) string {
	writeJSON(w, status, map[string]string{"error": name})
	return name
}

// writeSessionError answers an error from the session engine, every
// invalid token alike (a stale one and a half-finished login's included)
// and a store failure as 503 (fail closed), and returns the error's name.
func writeSessionError(w http.ResponseWriter, err error) string {
	switch {
	case errors.Is(err, sessiond.ErrReauthRequired):
		return writeError(w, http.StatusUnauthorized, "reauth_required")
	case errors.Is(err, sessiond.ErrInvalidToken), errors.Is(err, sessiond.ErrPending):
		return writeError(w, http.StatusUnauthorized, "invalid_session")
	case errors.Is(err, sessiond.ErrThrottled):
		w.Header().Set("Retry-After", "60")
		return writeError(w, http.StatusTooManyRequests, "too_many_requests")
	case errors.Is(err, sessiond.ErrConflict):
		return writeError(w, http.StatusConflict, "conflict")
	case errors.Is(err, sessiond.ErrBadKey), errors.Is(err, sessiond.ErrBadUserID):
		return writeError(w, http.StatusBadRequest, "bad_request")
	}
	return writeError(w, http.StatusServiceUnavailable, "unavailable")
}
