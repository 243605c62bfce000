package server

import (
	"errors"
	"io"
	"net"
	"strconv"
	"time"
)

// plainHTTPHint is the answer to a plain HTTP request sent to the TLS
// port: what to type instead, in place of net/http's bare "Client sent an
// HTTP request to an HTTPS server". It repeats nothing of the request.
const plainHTTPHint = "sessiond serves HTTPS on this port: use https:// in the address instead of http://.\n"

// plainHTTPResponse is the whole HTTP/1.1 answer that carries the hint.
var plainHTTPResponse = "HTTP/1.1 400 Bad Request\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"X-Content-Type-Options: nosniff\r\n" +
	"Connection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(plainHTTPHint)) + "\r\n" +
	"\r\n" + plainHTTPHint

// hintWait bounds the time a plain HTTP client holds its connection once
// its first bytes have arrived: to take the answer and to finish sending.
const hintWait = time.Second

// maxDiscard bounds what is read and thrown away of a plain HTTP request
// after the answer, so that closing the connection does not reset it
// before the client has read the answer.
const maxDiscard = 64 << 10

// errPlainHTTP ends the TLS handshake of a client that spoke plain HTTP;
// net/http logs it as the handshake's error.
var errPlainHTTP = errors.New("client sent plain HTTP, answered with a hint to use https://")

// hintListener accepts connections that answer plain HTTP with
// plainHTTPHint. It goes under tls.NewListener.
type hintListener struct{ net.Listener }

// Accept returns the next connection, watching its first bytes.
func (l hintListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &hintConn{Conn: c}, nil
}

// hintConn is a connection whose first bytes, if they are not a TLS
// record but look like an HTTP method, get the plain HTTP answer. The
// TLS layer reads it from one goroutine at a time.
type hintConn struct {
	net.Conn
	checked bool // the first bytes have been seen
}

// tlsHandshakeRecord is the first byte of every TLS client's first
// record.
const tlsHandshakeRecord = 0x16

// Read reads from the connection. The first read that returns bytes
// decides: a TLS record goes through; a request line (an upper-case
// letter first) is answered with the hint and ends the handshake.
func (c *hintConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.checked || n == 0 {
		return n, err
	}
	c.checked = true
	if p[0] == tlsHandshakeRecord || p[0] < 'A' || p[0] > 'Z' {
		return n, err
	}
	c.answerPlainHTTP()
	return 0, errPlainHTTP
}

// answerPlainHTTP writes the hint, closes the sending side and reads what
// is left of the request, all within hintWait; the caller then closes the
// connection.
func (c *hintConn) answerPlainHTTP() {
	c.Conn.SetDeadline(time.Now().Add(hintWait))
	io.WriteString(c.Conn, plainHTTPResponse)
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(c.Conn, maxDiscard))
}
