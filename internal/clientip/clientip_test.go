package clientip

import "testing"

func TestKey(t *testing.T) {
	cases := []struct{ ip, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"not an address", "not an address"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Key(c.ip); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "2001:db8::1", "::ffff:1.2.3.4", "fe80::1%zone", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ip string) {
		// A key counts under itself: counting never splits one client.
		if k := Key(ip); Key(k) != k {
			t.Errorf("Key(%q) = %q, whose key is %q", ip, k, Key(k))
		}
	})
}
