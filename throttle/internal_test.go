package throttle

import (
	"strconv"
	"testing"
	"time"
)

func TestTable_EvictsLeastRecentlyTouched(t *testing.T) {
	tb := newTable[int, int](3)
	for k := range 3 {
		*tb.touch(k) = k
	}
	tb.touch(0) // 1 is now the least recent
	tb.touch(3)
	if _, ok := tb.get(1); ok || tb.len() != 3 {
		t.Errorf("got 1 present %v and %d entries, want 1 gone and 3 entries", ok, tb.len())
	}
	for _, k := range []int{0, 2, 3} {
		if _, ok := tb.get(k); !ok {
			t.Errorf("key %d: gone, want present", k)
		}
	}
	tb.remove(0)
	tb.remove(0)
	tb.sweep(10, func(v *int) bool { return *v == 2 })
	if _, ok := tb.get(2); ok || tb.len() != 1 {
		t.Errorf("after remove and sweep: got 2 present %v and %d entries, want 2 gone and 1 entry", ok, tb.len())
	}
}

func TestWindow_CountsAndForgets(t *testing.T) {
	var w window
	w.add(100, 1)
	w.add(100, 1)
	if got := w.sum(100); got != 2 {
		t.Errorf("sum at 100: got %d, want 2", got)
	}
	w.add(105, 1)
	// Before 105 the clock went back: it sees the newest sum.
	cases := []struct {
		at   int64
		want int
	}{
		{100, 3}, {105, 3}, {110, 3}, {111, 1}, {115, 1}, {116, 0}, {99, 3},
	}
	for _, c := range cases {
		if got := w.sum(c.at); got != c.want {
			t.Errorf("sum at %d: got %d, want %d", c.at, got, c.want)
		}
	}
	if at, full := w.freeAt(105, 3); !full || at != 111 {
		t.Errorf("freeAt(105, 3): got %d, %v; want 111, true", at, full)
	}
	if at, full := w.freeAt(105, 1); !full || at != 116 {
		t.Errorf("freeAt(105, 1): got %d, %v; want 116, true", at, full)
	}
	w.add(200, 1)
	if got := w.sum(200); got != 1 {
		t.Errorf("after a long gap: got %d, want 1", got)
	}
}

// failOnce records a failure for account from ip.
func failOnce(t *testing.T, th *Throttle, account, ip string) {
	t.Helper()
	a, _, err := th.Begin(account, ip, nil)
	if err != nil {
		t.Fatalf("%s from %s: Begin = %v, want nil", account, ip, err)
	}
	a.Fail()
}

func TestThrottle_MemoryBound_R55(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	th := New(Config{MaxEntries: 50, Now: func() time.Time { return now }})
	for i := range 1000 {
		failOnce(t, th, "user"+strconv.Itoa(i), "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
	}
	for name, n := range map[string]int{"pairs": th.pairs.len(), "accounts": th.accounts.table.len(), "clients": th.clients.table.len()} {
		if n != 50 {
			t.Errorf("%s: got %d entries, want 50", name, n)
		}
	}
	if n := len(th.inflight) + len(th.accounts.inflight) + len(th.clients.inflight); n != 0 {
		t.Errorf("attempts in flight after all ended: got %d entries, want 0", n)
	}
}

func TestThrottle_SweepsStaleEntries(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	th := New(Config{Now: func() time.Time { return now }})
	for i := range 3 {
		failOnce(t, th, "user"+strconv.Itoa(i), "192.0.2.1")
	}
	now = now.Add(DefaultResetAfter)
	failOnce(t, th, "dave", "192.0.2.2")
	for name, n := range map[string]int{"pairs": th.pairs.len(), "accounts": th.accounts.table.len(), "clients": th.clients.table.len()} {
		if n != 1 {
			t.Errorf("%s: got %d entries, want 1", name, n)
		}
	}
}

func FuzzParseDevice(f *testing.F) {
	th := New(Config{})
	var c deviceCookie
	c.tags = append(c.tags, th.tag(c.id, "alice"), th.tag(c.id, "bob"))
	for _, seed := range []string{c.String(), "", ".", "AAAAAAAAAAAAAAAAAAAAAA.", "AAAAAAAAAAAAAAAAAAAAAB.AAAAAAAAAAAAAAAAAAAAAA", "a.b.c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c, ok := parseDevice(v)
		if !ok {
			if c.tags != nil || c.id != ([deviceIDSize]byte{}) {
				t.Fatalf("refused %q but returned %v", v, c)
			}
			return
		}
		if got := c.String(); got != v {
			t.Fatalf("parsed %q, encodes back to %q", v, got)
		}
		if len(c.tags) == 0 || len(c.tags) > maxDeviceAccounts {
			t.Fatalf("parsed %q with %d tags", v, len(c.tags))
		}
		th.has(c, "alice") // must not panic
	})
}
