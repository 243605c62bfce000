package throttle_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/sessiond/sessiond/throttle"
)

func TestSucceed_DeviceCookie_R46_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	a, _, err := th.Begin("alice", "192.0.2.1", browser(""))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.Succeed(w)
	res := w.Result()
	cookies := res.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", c.Name, "__Host-device"},
		{"Secure", c.Secure, true},
		{"HttpOnly", c.HttpOnly, true},
		{"SameSite", c.SameSite, http.SameSiteLaxMode},
		{"Path", c.Path, "/"},
		{"Domain", c.Domain, ""},
		{"Max-Age", c.MaxAge, 365 * 24 * 3600},
		{"Cache-Control", res.Header.Get("Cache-Control"), "no-store"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if !th.KnownDevice(browser(c.Value), "alice") {
		t.Error("KnownDevice with the new cookie: got false, want true")
	}
}

func TestKnownDevice_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	alice := signIn(t, th, "alice", "192.0.2.1", browser(""))
	cases := []struct {
		name    string
		r       *http.Request
		account string
		want    bool
	}{
		{"its account", browser(alice), "alice", true},
		{"another account", browser(alice), "bob", false},
		{"account differing in case", browser(alice), "Alice", false},
		{"tampered", browser(tamper(alice)), "alice", false},
		{"no cookie", browser(""), "alice", false},
		{"no request", nil, "alice", false},
		{"empty account", browser(alice), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := th.KnownDevice(c.r, c.account); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSucceed_DeviceRemembersRecentAccounts_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	device := ""
	for i := range 9 {
		device = signIn(t, th, "user"+strconv.Itoa(i), "192.0.2.1", browser(device))
	}
	device = signIn(t, th, "user2", "192.0.2.1", browser(device)) // again: moves to the front
	for i := range 9 {
		want := i != 0 // the least recent of nine goes
		if got := th.KnownDevice(browser(device), "user"+strconv.Itoa(i)); got != want {
			t.Errorf("user%d: got %v, want %v", i, got, want)
		}
	}
	if len(device) > 4096 {
		t.Errorf("cookie of %d bytes, want at most 4096", len(device))
	}
}

func TestSucceed_KeepsDeviceID_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	first := signIn(t, th, "alice", "192.0.2.1", browser(""))
	again := signIn(t, th, "alice", "192.0.2.1", browser(first))
	if again != first {
		t.Errorf("second login of the same account: got %q, want the same cookie %q", again, first)
	}
}

func TestNew_KeyIsCopiedAndShared_R55(t *testing.T) {
	key := make([]byte, throttle.MinKeySize)
	a := throttle.New(throttle.Config{Key: key})
	b := throttle.New(throttle.Config{Key: key})
	device := signIn(t, a, "alice", "192.0.2.1", browser(""))
	if !b.KnownDevice(browser(device), "alice") {
		t.Error("another Throttle with the same key: got unknown, want known")
	}
	key[0] ^= 1
	if !a.KnownDevice(browser(device), "alice") {
		t.Error("after the caller changed its key slice: got unknown, want known")
	}
	if throttle.New(throttle.Config{Key: key}).KnownDevice(browser(device), "alice") {
		t.Error("another key: got known, want unknown")
	}
}

func TestSucceed_NilWriterAndRequest_R55(t *testing.T) {
	th, _ := newThrottle(throttle.Config{})
	failN(t, th, 4, "alice", "192.0.2.1", nil)
	a, _, err := th.Begin("alice", "192.0.2.1", nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Succeed(nil)
	failN(t, th, 4, "alice", "192.0.2.1", nil)
	if _, err := check(th, "alice", "192.0.2.1", nil); err != nil {
		t.Errorf("after a success: got %v, want nil", err)
	}
}
