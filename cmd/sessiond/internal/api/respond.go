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

// errorAnswer is the body of every error answer: a stable name for
// programs and a sentence for people.
type errorAnswer struct {
	Error  string `json:"error"`
	Detail string `json:"detail"`
}

// writeError answers {"error": name, "detail": detail} and returns name.
// The detail says what was wrong in the API's own words: it may name a
// member, never quote a value from the request (a token least of all).
func writeError(w http.ResponseWriter, status int, name, detail string) string {
	writeJSON(w, status, errorAnswer{Error: name, Detail: detail})
	return name
}

// writeSessionError answers an error from the session engine, every
// invalid token alike (a stale one and a half-finished login's included)
// and a store failure as 503 (fail closed), and returns the error's name.
func writeSessionError(w http.ResponseWriter, err error) string {
	switch {
	case errors.Is(err, sessiond.ErrReauthRequired):
		return writeError(w, http.StatusUnauthorized, "reauth_required", "the session must re-authenticate first (POST /v1/sessions/reauth)")
	case errors.Is(err, sessiond.ErrInvalidToken), errors.Is(err, sessiond.ErrPending):
		return writeError(w, http.StatusUnauthorized, "invalid_session", "the token is not that of a live session")
	case errors.Is(err, sessiond.ErrThrottled):
		w.Header().Set("Retry-After", "60")
		return writeError(w, http.StatusTooManyRequests, "too_many_requests", "too many invalid tokens from this client; retry in 60 seconds")
	case errors.Is(err, sessiond.ErrConflict):
		return writeError(w, http.StatusConflict, "conflict", "the session changed since that version; read it again and retry")
	case errors.Is(err, sessiond.ErrBadKey):
		return writeError(w, http.StatusBadRequest, "bad_request", "a data key is empty or over 256 bytes")
	case errors.Is(err, sessiond.ErrBadUserID):
		return writeError(w, http.StatusBadRequest, "bad_request", "user_id must be 1 to 256 bytes of printable UTF-8")
	}
	return writeError(w, http.StatusServiceUnavailable, "unavailable", "the session store cannot answer; retry later")
}
