package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParse_Defaults(t *testing.T) {
	c, err := Parse("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8443" || c.Store != "bolt://sessiond-data/sessions.db" || c.IdleTimeout != 30*time.Minute ||
		c.AbsoluteTimeout != 12*time.Hour || c.ReauthMaxAge != 10*time.Minute || c.RotationGrace != 30*time.Second ||
		c.RotateEvery != 15*time.Minute || c.APIKeyFile != "sessiond-data/api-keys" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestParse_EnvironmentAndFlags(t *testing.T) {
	vars := map[string]string{"SESSIOND_IDLE_TIMEOUT": "5m", "SESSIOND_ADDR": "127.0.0.1:9000", "SESSIOND_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"}
	c, err := Parse("serve", []string{"--addr", "127.0.0.1:9999"}, env(vars), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.IdleTimeout != 5*time.Minute || c.Addr != "127.0.0.1:9999" || len(c.TrustedProxies) != 2 {
		t.Errorf("got idle %v, addr %s, %d proxies; want 5m from the environment, the flag's address, 2 proxies", c.IdleTimeout, c.Addr, len(c.TrustedProxies))
	}
	if EnvName("max-sessions-per-user") != "SESSIOND_MAX_SESSIONS_PER_USER" {
		t.Errorf("EnvName = %s", EnvName("max-sessions-per-user"))
	}
}

func TestParse_Refused(t *testing.T) {
	cases := map[string]struct {
		args []string
		env  map[string]string
	}{
		"insecure HTTP off loopback": {[]string{"--insecure-http", "--addr", "0.0.0.0:8080"}, nil},
		"cert without key":           {[]string{"--tls-cert", "c.pem"}, nil},
		"idle past absolute":         {[]string{"--idle-timeout", "13h"}, nil},
		"negative limit":             {[]string{"--max-sessions-per-user", "-1"}, nil},
		"bad address":                {[]string{"--addr", "nonsense"}, nil},
		"bad proxy":                  {[]string{"--trusted-proxies", "not-a-cidr"}, nil},
		"bad environment value":      {nil, map[string]string{"SESSIOND_IDLE_TIMEOUT": "soon"}},
		"stray argument":             {[]string{"extra"}, nil},
		"zero rotate-every":          {[]string{"--rotate-every", "0s"}, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("serve", c.args, env(c.env), io.Discard)
			if err == nil || strings.Contains(err.Error(), "\n") {
				t.Errorf("Parse = %v, want one line of error", err)
			}
		})
	}
	if _, err := Parse("serve", []string{"--insecure-http", "--addr", "0.0.0.0:8080", "--trusted-proxies", "10.0.0.0/8"}, env(nil), io.Discard); err != nil {
		t.Errorf("insecure HTTP behind trusted proxies refused: %v", err)
	}
}
