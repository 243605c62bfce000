package throttle_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

func TestNew_RefusesBadConfig_R55(t *testing.T) {
	cases := []struct {
		name string
		cfg  throttle.Config
	}{
		{"short key", throttle.Config{Key: make([]byte, 31)}},
		{"empty non-nil key", throttle.Config{Key: []byte{}}},
		{"negative free failures", throttle.Config{FreeFailures: -1}},
		{"negative base delay", throttle.Config{BaseDelay: -time.Second}},
		{"max under base", throttle.Config{BaseDelay: time.Minute, MaxDelay: time.Second}},
		{"reset before max delay", throttle.Config{ResetAfter: time.Minute}},
		{"account limit over 100", throttle.Config{AccountLimit: 101}},
		{"negative account limit", throttle.Config{AccountLimit: -1}},
		{"account window under an hour", throttle.Config{AccountWindow: 59 * time.Minute}},
		{"negative client limit", throttle.Config{ClientLimit: -1}},
		{"client window under a second", throttle.Config{ClientWindow: time.Millisecond}},
		{"negative max entries", throttle.Config{MaxEntries: -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantPanic(t, func() { throttle.New(c.cfg) }) })
	}
}

// wantPanic fails the test unless f panics with a message of this
// package.
func wantPanic(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		msg, _ := recover().(string)
		if !strings.HasPrefix(msg, "throttle: ") {
			t.Errorf("got panic %q, want one starting with %q", msg, "throttle: ")
		}
	}()
	f()
}

func TestNew_AcceptsStricterConfig_R55(t *testing.T) {
	cases := []struct {
		name string
		cfg  throttle.Config
	}{
		{"zero", throttle.Config{}},
		{"stricter", throttle.Config{
			Key: make([]byte, 64), FreeFailures: 3, BaseDelay: 2 * time.Second, MaxDelay: time.Hour,
			AccountLimit: 20, AccountWindow: 24 * time.Hour, ClientLimit: 50, ClientWindow: time.Minute, MaxEntries: 10,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if msg := recover(); msg != nil {
					t.Errorf("got panic %v, want none", msg)
				}
			}()
			throttle.New(c.cfg)
		})
	}
}
