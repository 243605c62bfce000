package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/go-json-experiment/json"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// decode reads a JSON body into v. It answers the error itself and
// reports false: 415 for another content type, 413 past 1 MiB, 400 for
// malformed JSON, unknown or repeated members, invalid UTF-8 or trailing
// data. Member names match exactly, as the API documents them.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type")
		return false
	}
	err = json.UnmarshalRead(http.MaxBytesReader(w, r.Body, maxBody), v, json.RejectUnknownMembers(true))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "payload_too_large")
		return false
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_request")
		return false
	}
	return true
}
