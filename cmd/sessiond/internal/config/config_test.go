package config

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
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
		"bound cookie under 1s":      {[]string{"--bound-cookie-lifetime", "500ms"}, nil},
		"bound cookie past 1h":       {nil, map[string]string{"SESSIOND_BOUND_COOKIE_LIFETIME": "2h"}},
		"device binding not a bool":  {nil, map[string]string{"SESSIOND_DEVICE_BINDING": "maybe"}},
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

// TestParse_RefusalSaysWhatIsWanted checks that a refused value names its
// flag, or its variable when it came from the environment, and what is
// wanted, in one line and with no usage.
func TestParse_RefusalSaysWhatIsWanted(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--idle-timeout", "5"}, nil, `invalid value "5" for flag -idle-timeout: needs a unit, e.g. 30m`},
		{[]string{"--rotate-every", "soon"}, nil, `invalid value "soon" for flag -rotate-every: want a duration such as 90s, 30m or 12h`},
		{nil, map[string]string{"SESSIOND_IDLE_TIMEOUT": "abc"}, `invalid value "abc" for SESSIOND_IDLE_TIMEOUT: want a duration such as 90s, 30m or 12h`},
		{nil, map[string]string{"SESSIOND_ABSOLUTE_TIMEOUT": "12"}, `invalid value "12" for SESSIOND_ABSOLUTE_TIMEOUT: needs a unit, e.g. 30m`},
		{[]string{"--max-sessions-per-user", "many"}, nil, `invalid value "many" for flag -max-sessions-per-user: want a whole number`},
		{nil, map[string]string{"SESSIOND_INSECURE_HTTP": "yes"}, `invalid value "yes" for SESSIOND_INSECURE_HTTP: want true or false`},
		{[]string{"--idle-timeout", "0s"}, nil, "--idle-timeout must be more than 0"},
		{nil, map[string]string{"SESSIOND_REAUTH_MAX_AGE": "-1m"}, "SESSIOND_REAUTH_MAX_AGE must be more than 0"},
		{[]string{"--rotation-grace", "-1s"}, nil, "--rotation-grace must not be negative"},
		{[]string{"--idle-timeout", "13h"}, nil, "--idle-timeout (13h) must not exceed --absolute-timeout (12h)"},
		{nil, map[string]string{"SESSIOND_MAX_SESSIONS_PER_USER": "-2"}, "SESSIOND_MAX_SESSIONS_PER_USER must not be negative"},
		{nil, map[string]string{"SESSIOND_TRUSTED_PROXIES": "10.0.0.0/33"}, `SESSIOND_TRUSTED_PROXIES: "10.0.0.0/33" is not a CIDR`},
		{[]string{"--addr", "localhost"}, nil, `--addr "localhost": want HOST:PORT`},
		{nil, map[string]string{"SESSIOND_TLS_CERT": "c.pem"}, "SESSIOND_TLS_CERT and --tls-key go together"},
		{[]string{"--bound-cookie-lifetime", "0s"}, nil, "--bound-cookie-lifetime (0s) must be from 1s to 1h"},
		{nil, map[string]string{"SESSIOND_BOUND_COOKIE_LIFETIME": "61m"}, "SESSIOND_BOUND_COOKIE_LIFETIME (1h1m) must be from 1s to 1h"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			var out strings.Builder
			_, err := Parse("serve", tc.args, env(tc.env), &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line with %q", err, tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("Parse wrote %q, want nothing (the caller prints the error)", out.String())
			}
		})
	}
}

// TestParse_HelpNamesTheVariables checks that -h lists every flag with
// its SESSIOND_ variable and default, and says how the environment works.
func TestParse_HelpNamesTheVariables(t *testing.T) {
	var out strings.Builder
	if _, err := Parse("serve", []string{"-h"}, env(nil), &out); err != ErrHelp {
		t.Fatalf("got %v, want ErrHelp", err)
	}
	help := out.String()
	for _, want := range []string{
		"Usage: sessiond serve [flags]",
		"SESSIOND_<NAME>",
		"SESSIOND_API_KEY adds an API key",
		"--idle-timeout duration  (SESSIOND_IDLE_TIMEOUT)",
		"(default 30m)",
		"--insecure-http   (SESSIOND_INSECURE_HTTP)",
		"--max-sessions-per-user number  (SESSIOND_MAX_SESSIONS_PER_USER)",
		"--store URL  (SESSIOND_STORE)",
		"--device-binding   (SESSIOND_DEVICE_BINDING)",
		"--bound-cookie-lifetime duration  (SESSIOND_BOUND_COOKIE_LIFETIME)",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("the help does not say %q:\n%s", want, help)
		}
	}
	for line := range strings.Lines(help) {
		if len(line) > 81 {
			t.Errorf("line longer than 80 columns: %q", line)
		}
	}
}

func TestUnknownVariables(t *testing.T) {
	got := UnknownVariables([]string{
		"PATH=/usr/bin", "SESSIOND_ADDR=127.0.0.1:1", "SESSIOND_API_KEY=k", "SESSIOND_DATA_KEY_FILE=f",
		"SESSIOND_IDLE_TIMOUT=5m", "SESSIOND_STOR=memory://", "SESSIOND_tls_cert=c.pem", "sessiond_addr=x",
	})
	want := []string{
		"SESSIOND_IDLE_TIMOUT is not a sessiond variable and is ignored (did you mean SESSIOND_IDLE_TIMEOUT?)",
		"SESSIOND_STOR is not a sessiond variable and is ignored (did you mean SESSIOND_STORE?)",
		"SESSIOND_tls_cert is not a sessiond variable and is ignored (did you mean SESSIOND_TLS_CERT?)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParse_ForwardAuth checks forward-auth's flags: the demo's pages by
// default in the demo only, the return origins parsed from the
// environment, and pages or origins that could send a browser elsewhere
// refused with the flag's name.
func TestParse_ForwardAuth(t *testing.T) {
	serve, err := Parse("serve", nil, env(nil), io.Discard)
	if err != nil || serve.ForwardAuthLoginURL != "" || serve.ForwardAuthReauthURL != "" || len(serve.ForwardAuthReturnOrigins) != 0 {
		t.Errorf("serve: got %q, %q, %q, %v; want no pages and no origins", serve.ForwardAuthLoginURL, serve.ForwardAuthReauthURL, serve.ForwardAuthReturnOrigins, err)
	}
	vars := map[string]string{"SESSIOND_FORWARD_AUTH_RETURN_ORIGINS": "https://app.example, https://docs.example:8443"}
	demo, err := Parse("demo", nil, env(vars), io.Discard)
	if err != nil || demo.ForwardAuthLoginURL != "/login" || demo.ForwardAuthReauthURL != "/reauth" || len(demo.ForwardAuthReturnOrigins) != 2 {
		t.Errorf("demo: got %q, %q, %q, %v; want /login, /reauth and two origins", demo.ForwardAuthLoginURL, demo.ForwardAuthReauthURL, demo.ForwardAuthReturnOrigins, err)
	}
	for _, args := range [][]string{
		{"--forward-auth-login-url", "//evil.example/login"}, {"--forward-auth-login-url", "http://login.example/"},
		{"--forward-auth-login-url", "login"}, {"--forward-auth-login-url", "javascript:alert(1)"},
		{"--forward-auth-reauth-url", "/\\evil.example"}, {"--forward-auth-reauth-url", "https://u@login.example/"},
		{"--forward-auth-return-origins", "https://app.example/"}, {"--forward-auth-return-origins", "*"},
	} {
		_, err := Parse("serve", args, env(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%q: got %v, want a refusal naming the flag", args, err)
		}
	}
	if _, err := Parse("serve", []string{"--forward-auth-login-url", "https://login.example/login?app=1"}, env(nil), io.Discard); err != nil {
		t.Errorf("an https login URL: got %v", err)
	}
}

// TestParse_DeviceBinding checks that device binding is on in the demo
// and off in serve by default, that either way the flag or its variable
// turns it round, and that the bound cookie's lifetime defaults to the
// library's.
func TestParse_DeviceBinding(t *testing.T) {
	for _, tc := range []struct {
		command string
		args    []string
		env     map[string]string
		want    bool
	}{
		{"serve", nil, nil, false},
		{"demo", nil, nil, true},
		{"serve", []string{"--device-binding"}, nil, true},
		{"serve", nil, map[string]string{"SESSIOND_DEVICE_BINDING": "true"}, true},
		{"demo", []string{"--device-binding=false"}, nil, false},
		{"demo", nil, map[string]string{"SESSIOND_DEVICE_BINDING": "0"}, false},
	} {
		c, err := Parse(tc.command, tc.args, env(tc.env), io.Discard)
		if err != nil || c.DeviceBinding != tc.want {
			t.Errorf("%s %q %v: got %v, %v; want %v", tc.command, tc.args, tc.env, c.DeviceBinding, err, tc.want)
		}
		if c.BoundCookieLifetime != sessiond.DefaultBoundCookieLife {
			t.Errorf("%s: bound cookie lifetime %v, want the library's %v", tc.command, c.BoundCookieLifetime, sessiond.DefaultBoundCookieLife)
		}
	}
	c, err := Parse("demo", []string{"--bound-cookie-lifetime", "2s"}, env(nil), io.Discard)
	if err != nil || c.BoundCookieLifetime != 2*time.Second {
		t.Errorf("--bound-cookie-lifetime 2s: got %v, %v", c.BoundCookieLifetime, err)
	}
}

// TestParse_UnknownFlagSaysWhereTheFlagsAre checks that a flag sessiond
// does not know is refused with its name and where to find the others.
func TestParse_UnknownFlagSaysWhereTheFlagsAre(t *testing.T) {
	_, err := Parse("serve", []string{"--idle-timout", "5m"}, env(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-idle-timout") || !strings.Contains(err.Error(), `"sessiond serve -h" lists the flags`) {
		t.Errorf("got %v, want the flag named and a pointer to sessiond serve -h", err)
	}
}
