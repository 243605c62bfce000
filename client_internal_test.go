package sessiond

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	cases := []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("a", 10), "aaaaaaaa"},
		{"aaaaaaaé", "aaaaaaa"}, // é would straddle the limit
		{"aaaaaa€", "aaaaaa"},
		{"ab\xffcd", "abcd"},
	}
	for _, c := range cases {
		if got := clip(c.in, 8); got != c.want || !utf8.ValidString(got) || len(got) > 8 {
			t.Errorf("clip(%q, 8) = %q, want %q", c.in, got, c.want)
		}
	}
}
