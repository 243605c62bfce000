package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"time"
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

// serveTLS serves srv over TLS with a self-signed certificate for
// localhost, with the TLS settings of the service (TLS 1.2 or later).
func serveTLS(srv *http.Server) error {
	cert, err := selfSigned()
	if err != nil {
		return err
	}
	srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	return srv.ListenAndServeTLS("", "")
}

// selfSigned makes an ECDSA P-256 certificate for localhost and 127.0.0.1.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
