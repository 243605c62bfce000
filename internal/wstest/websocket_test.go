// Package wstest upgrades a request to a WebSocket through the layers of a
// site (the security headers, the sessions and the CSRF check) with a real
// WebSocket library. It is a module of its own so that the library's
// module needs nothing outside the standard library.
package wstest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/csrf"
	"github.com/sessiond/sessiond/fakeclock"
	"github.com/sessiond/sessiond/memstore"
	"github.com/sessiond/sessiond/secheaders"
)

// TestWebSocket_ThroughTheStack logs a browser in through the site, then
// upgrades with its cookie. The handler finds the session, sets data and
// accepts; the library answers 101 and takes the connection over. The
// 101 must carry no-store, and the data must be in the store while the
// connection is still open. The token is due for rotation, but an upgrade
// is not rotated: the 101 carries no new cookie and the token goes on
// working. A handshake from another site's page is refused.
func TestWebSocket_ThroughTheStack(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	store := memstore.New(memstore.Config{Now: clock.Now})
	defer store.Close()
	quiet := slog.New(slog.DiscardHandler)
	m, err := sessiond.New(store, sessiond.Config{Now: clock.Now, Auditor: sessiond.SlogAuditor{Logger: quiet}, ErrorLog: quiet})
	if err != nil {
		t.Fatal(err)
	}
	p := csrf.New(csrf.Config{SessionID: func(r *http.Request) string {
		if s := sessiond.FromContextAny(r.Context()); s != nil {
			return s.ID()
		}
		return ""
	}})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, p.Token(w, r))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := m.Login(r.Context(), sessiond.LoginInfo{UserID: "alice", Methods: []string{"pwd"}}); err != nil {
			http.Error(w, "login failed", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		s := sessiond.FromContext(r.Context())
		if s == nil {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		s.Set("socket", "open")
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("Accept: %v", err)
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, []byte(s.UserID()+": "+string(msg))); err != nil {
				return
			}
		}
	})
	srv := httptest.NewTLSServer(secheaders.New(secheaders.Config{}).Handler(m.Handler(p.Handler(mux))))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)

	tok := login(t, client, srv.URL)
	clock.Advance(sessiond.DefaultRotateEvery)

	// The timeout only stops a hang; the messages order the test.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	wsURL := "wss" + strings.TrimPrefix(srv.URL, "https") + "/ws"
	// A browser sends the page's Origin with every handshake.
	from := func(origin string) *websocket.DialOptions {
		return &websocket.DialOptions{HTTPClient: client, HTTPHeader: http.Header{"Origin": {origin}}}
	}
	if _, res, err := websocket.Dial(ctx, wsURL, from("https://evil.example")); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("handshake from another site: %v, want 403", err)
	}
	conn, res, err := websocket.Dial(ctx, wsURL, from(srv.URL))
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer conn.CloseNow()
	for name, want := range map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("101 %s: got %q, want %q", name, got, want)
		}
	}
	if c := sessionCookie(res); c != "" {
		t.Errorf("101 session cookie %q, want none: an upgrade is not rotated", c)
	}

	if err := conn.Write(ctx, websocket.MessageText, []byte("hello")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if _, msg, err := conn.Read(ctx); err != nil || string(msg) != "alice: hello" {
		t.Fatalf("echo: got %q, %v; want %q", msg, err, "alice: hello")
	}
	// The handler is still reading: only a commit at the upgrade has saved
	// the data by now.
	s, _, err := m.Load(ctx, tok, sessiond.Client{})
	if err != nil {
		t.Fatalf("the token after the upgrade: %v", err)
	}
	if v, _ := sessiond.Get[string](s, "socket"); v != "open" {
		t.Errorf("data set before the upgrade = %q, want open", v)
	}
	if err := conn.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// login signs the client in as a browser does, the form's CSRF token bound
// to its pre-session cookie, and returns the session's token from the
// response's cookie.
func login(t *testing.T, client *http.Client, base string) string {
	t.Helper()
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	token, _ := io.ReadAll(res.Body)
	res.Body.Close()
	req, _ := http.NewRequest("POST", base+"/login", nil)
	req.Header.Set("Origin", base)
	req.Header.Set(csrf.DefaultHeaderName, string(token))
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	tok := sessionCookie(res)
	if res.StatusCode != http.StatusOK || tok == "" {
		t.Fatalf("login: status %d, session cookie %q; want 200 and a cookie", res.StatusCode, tok)
	}
	return tok
}

// sessionCookie returns the session token a response set, or "".
func sessionCookie(res *http.Response) string {
	for _, c := range res.Cookies() {
		if c.Name == sessiond.DefaultCookieName {
			return c.Value
		}
	}
	return ""
}
