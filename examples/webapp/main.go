// Command webapp is a small but complete web site on sessiond: sign-up and
// login with argon2id passwords, logout, an account page, a devices page
// that signs other sessions out, and re-authentication before a password
// change, served over HTTPS with a development certificate made at start.
//
//	go run ./examples/webapp
//
// Everything is kept in memory (memstore and a map of users): a restart
// forgets every account and session. See README.md beside this file.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/memstore"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8444", "listen address")
	flag.Parse()
	if err := run(*addr); err != nil {
		log.Fatal(err)
	}
}

// run serves the site on addr until the server fails.
func run(addr string) error {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	sessions, err := sessiond.New(store, sessiond.Config{})
	if err != nil {
		return err
	}
	cert, err := devCertificate(time.Now()) // self-signed, for localhost
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              addr,
		Handler:           newApp(sessions),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}},
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Printf("serving https://%s/ (self-signed certificate: expect a browser warning)", addr)
	return srv.ListenAndServeTLS("", "") // main exits 1 with its error
}

// devCertificate makes a self-signed certificate for localhost, 127.0.0.1
// and ::1, valid for a week from now. It is kept in memory only, so every
// start makes a new one. Serve a real certificate in production.
func devCertificate(now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	template := &x509.Certificate{ // a nil SerialNumber gets a random one
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(7 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
