package main

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
)

// validateAnswer is a 200 answer of the size of the service's validate
// answer for a session without data.
const validateAnswer = `{"session":{"id":"3Q5ZRFNOVFZ2SOWMN6CXEGZ7QC","user_id":"user-1","created_at":"2026-11-22T03:00:00.000000Z","last_seen_at":"2026-11-22T03:00:00.000000Z","idle_expires_at":"2026-11-22T03:30:00.000000Z","absolute_expires_at":"2026-11-22T15:00:00.000000Z","auth_time":"2026-11-22T03:00:00.000000Z","auth_methods":["pwd"],"ip":"127.0.0.1","user_agent":"","version":1,"data":{}}}`

// validateLike is the plain HTTPS handler: it decodes a JSON body holding
// a token, as the service must, and answers with a fixed session.
func validateLike(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil || body.Token == "" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, validateAnswer)
}

// serveTLS serves srv over TLS with the certificate and key files given,
// with the service's TLS floor (TLS 1.2).
func serveTLS(srv *http.Server, certFile, keyFile string) error {
	srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return srv.ListenAndServeTLS(certFile, keyFile)
}
