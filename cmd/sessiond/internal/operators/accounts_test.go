package operators

import (
	"errors"
	"strings"
	"testing"
)

func TestValidUsername(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"admin", true},
		{"Alice.Smith_2-x", true},
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"al ice", false},
		{"alice:x", false},
		{"élodie", false},
		{"a/b", false},
		{"a\nb", false},
	} {
		if got := ValidUsername(tc.name); got != tc.want {
			t.Errorf("ValidUsername(%q): got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseAccounts(t *testing.T) {
	h := mustHash(t, "password")
	accounts, err := parseAccounts([]byte("# comment\n\nalice:" + h + "\r\n  bob:" + h + "  \n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 2 || accounts[0].name != "alice" || accounts[1].name != "bob" {
		t.Errorf("got %+v, want alice and bob", accounts)
	}
}

func TestParseAccounts_MalformedRefused(t *testing.T) {
	h := mustHash(t, "password")
	for _, tc := range []struct{ name, content, line string }{
		{"no colon", "alice " + h, "line 1"},
		{"bad username", "# x\nal ice:" + h, "line 2"},
		{"empty username", ":" + h, "line 1"},
		{"bad hash", "alice:$argon2i$v=19$m=64,t=1,p=1$x$y", "line 1"},
		{"plain password", "alice:hunter2hunter2", "line 1"},
		{"duplicate", "alice:" + h + "\nalice:" + h, "line 2"},
		{"too long", "alice:" + h + strings.Repeat("A", 70000), "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseAccounts([]byte(tc.content))
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.line) {
				t.Fatalf("got %v, want ErrMalformed naming %q", err, tc.line)
			}
			if strings.Contains(err.Error(), "argon2") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error repeats the line: %v", err)
			}
		})
	}
}
