package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// decode reads a JSON body into v. It answers the error itself and
// reports false: 415 for another content type, 413 past 1 MiB, 400 for
// malformed JSON, unknown members or trailing data.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if err = dec.Decode(&struct{}{}); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("trailing data")
		}
	}
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
