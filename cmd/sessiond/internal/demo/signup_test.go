package demo

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

// trySignup submits the sign-up form for name from a new browser at ip.
func (s *testSite) trySignup(ip, name string) *reply {
	b := s.browser()
	b.ip = ip
	return b.submit("/signup", "/signup", url.Values{"username": {name}, "password": {testPassword}})
}

// TestSignup_LimitedPerClient: sign-ups, taken names included, are
// limited per client address (an IPv6 /64 counting as one) before the
// password is hashed; past the limit the answer is the generic 429 and
// no account is made.
func TestSignup_LimitedPerClient(t *testing.T) {
	cases := []struct{ name, ip, neighbour, other string }{
		{"IPv4", "198.51.100.7", "198.51.100.7", "198.51.100.8"},
		{"IPv6", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newTestSite(t, trustLoopbackProxy)
			for i := range throttle.DefaultLimiterLimit {
				name := "user" + strconv.Itoa(i)
				want := http.StatusSeeOther
				if i%2 == 1 {
					name, want = "user0", http.StatusBadRequest // taken: counted too
				}
				wantStatus(t, fmt.Sprintf("sign-up %d", i+1), s.trySignup(c.ip, name), want)
			}
			r := s.trySignup(c.neighbour, "newcomer")
			wantRefused(t, "a sign-up past the limit", r)
			if _, found := s.users.ByName("newcomer"); found {
				t.Errorf("a refused sign-up made an account")
			}
			wantStatus(t, "another address", s.trySignup(c.other, "someone"), http.StatusSeeOther)
			wait, _ := strconv.Atoi(r.Header.Get("Retry-After"))
			s.clock.Advance(time.Duration(wait) * time.Second)
			wantStatus(t, "after the wait", s.trySignup(c.ip, "newcomer"), http.StatusSeeOther)
		})
	}
}

// TestSignup_TakenNameNotNamed_R50: a taken name gets the answer a
// malformed one gets, which does not say the name exists.
func TestSignup_TakenNameNotNamed_R50(t *testing.T) {
	s := newTestSite(t)
	s.browser().signup("alice")
	taken := s.trySignup("", "alice")
	malformed := s.trySignup("", "a!")
	wantStatus(t, "taken name", taken, http.StatusBadRequest)
	wantStatus(t, "malformed name", malformed, http.StatusBadRequest)
	if a, b := withoutToken(taken.body), withoutToken(malformed.body); a != b {
		t.Errorf("the answers differ:\ntaken:     %s\nmalformed: %s", a, b)
	}
	if !strings.Contains(taken.body, refusedName) {
		t.Errorf("the answer lacks %q", refusedName)
	}
	for _, leak := range []string{"taken", "exist", "in use", "alice"} {
		if strings.Contains(strings.ToLower(withoutToken(taken.body)), leak) {
			t.Errorf("the answer to a taken name says %q", leak)
		}
	}
}
