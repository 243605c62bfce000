package redisstore

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseURL checks what parseURL takes from good URLs.
func TestParseURL(t *testing.T) {
	tests := []struct {
		url                string
		addrs              []string
		db                 int
		user, password     string
		tls, single        bool
		prefix, serverName string
		wait               int
		waitTimeout        time.Duration
	}{
		{url: "redis://localhost", addrs: []string{"localhost:6379"}, single: true},
		{url: "redis://10.0.0.1:6380/2", addrs: []string{"10.0.0.1:6380"}, db: 2, single: true},
		{url: "redis://u:p%40ss@h:1/", addrs: []string{"h:1"}, user: "u", password: "p@ss", single: true},
		{url: "redis://:secret@h", addrs: []string{"h:6379"}, password: "secret", single: true},
		{url: "rediss://cache.example.com:6390/0", addrs: []string{"cache.example.com:6390"}, tls: true, single: true, serverName: "cache.example.com"},
		{url: "redis://[::1]:7000", addrs: []string{"[::1]:7000"}, single: true},
		{url: "REDIS://h?prefix=app%3A", addrs: []string{"h:6379"}, single: true, prefix: "app:"},
		{url: "redis+cluster://a:7000,b:7001,c", addrs: []string{"a:7000", "b:7001", "c:6379"}},
		{url: "rediss+cluster://u:p@a:7000,b:7001/0", addrs: []string{"a:7000", "b:7001"}, user: "u", password: "p", tls: true},
		{url: "redis+cluster://a:7000?wait=1&wait_timeout=100ms", addrs: []string{"a:7000"}, wait: 1, waitTimeout: 100 * time.Millisecond},
		{url: "redis://h?wait=2&prefix=x", addrs: []string{"h:6379"}, single: true, prefix: "x", wait: 2},
		{url: "redis://h?wait=0", addrs: []string{"h:6379"}, single: true},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			opt, cfg, err := parseURL(tc.url)
			prefix := cfg.Prefix
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if !slices.Equal(opt.InitAddress, tc.addrs) {
				t.Errorf("addresses: got %v, want %v", opt.InitAddress, tc.addrs)
			}
			if opt.SelectDB != tc.db || opt.Username != tc.user || opt.Password != tc.password || prefix != tc.prefix {
				t.Errorf("db, user, password, prefix: got %d %q %q %q, want %d %q %q %q",
					opt.SelectDB, opt.Username, opt.Password, prefix, tc.db, tc.user, tc.password, tc.prefix)
			}
			if cfg.WaitReplicas != tc.wait || cfg.WaitTimeout != tc.waitTimeout {
				t.Errorf("wait, wait_timeout: got %d %v, want %d %v", cfg.WaitReplicas, cfg.WaitTimeout, tc.wait, tc.waitTimeout)
			}
			if (opt.TLSConfig != nil) != tc.tls || opt.ForceSingleClient != tc.single {
				t.Errorf("TLS, single: got %t %t, want %t %t", opt.TLSConfig != nil, opt.ForceSingleClient, tc.tls, tc.single)
			}
			if tc.tls && opt.TLSConfig.ServerName != tc.serverName {
				t.Errorf("TLS server name: got %q, want %q", opt.TLSConfig.ServerName, tc.serverName)
			}
			if !opt.DisableCache || opt.ConnWriteTimeout != IOTimeout || opt.Dialer.Timeout != DialTimeout {
				t.Errorf("client settings: got cache off %t, I/O timeout %v, dial timeout %v, want true %v %v",
					opt.DisableCache, opt.ConnWriteTimeout, opt.Dialer.Timeout, IOTimeout, DialTimeout)
			}
		})
	}
}

// TestParseURLErrors checks that bad URLs are refused with ErrBadURL and
// a message that does not repeat the password.
func TestParseURLErrors(t *testing.T) {
	for _, raw := range []string{
		"",
		"localhost:6379",
		"http://h",
		"unix:///tmp/redis.sock",
		"redis://",
		"redis://:pw@",
		"redis://a,b",
		"redis://h:0",
		"redis://h:65536",
		"redis://h:port",
		"redis://h/db",
		"redis://h/-1",
		"redis://h/01",
		"redis://h/1/2",
		"redis+cluster://a,b/1",
		"redis+cluster://a,,b",
		"redis://h?db=1",
		"redis://h?prefix=a&prefix=b",
		"redis://h?prefix=",
		"redis://h?wait=-1",
		"redis://h?wait=one",
		"redis://h?wait=",
		"redis://h?wait=1&wait=2",
		"redis://h?wait=1&wait_timeout=100",
		"redis://h?wait=1&wait_timeout=-1s",
		"redis://h?wait_timeout=1s",
		"redis://h#frag",
		"redis://a:b:c",
		"redis://h%zz",
		"redis://h?%zz",
		"redis://u:secretpw@h:bad",
		"redis+cluster://u:secretpw@h,",
	} {
		t.Run(raw, func(t *testing.T) {
			_, _, err := parseURL(raw)
			if !errors.Is(err, ErrBadURL) {
				t.Errorf("got error %v, want %v", err, ErrBadURL)
			}
			if err != nil && strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}

// FuzzParseURL checks that parseURL never panics and that what it accepts
// is a list of host:port addresses.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"redis://localhost", "rediss://u:p@h:1/2?prefix=x", "redis+cluster://a:1,b:2?wait=1&wait_timeout=5ms",
		"redis://[::1]", "redis://h:99999", "redis://@/?#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		opt, _, err := parseURL(raw)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Errorf("got error %v, want one that is ErrBadURL", err)
			}
			return
		}
		if len(opt.InitAddress) == 0 {
			t.Error("accepted a URL without addresses")
		}
		for _, a := range opt.InitAddress {
			if _, _, err := net.SplitHostPort(a); err != nil {
				t.Errorf("address %q: %v", a, err)
			}
		}
	})
}
