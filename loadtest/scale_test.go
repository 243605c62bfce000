package main

import (
	"cmp"
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestScaleSmoke runs scale mode's code with small counts and a short
// load on bolt, and on Redis and PostgreSQL when their servers answer,
// and checks that it completes with figures that make sense. It asserts
// no timing: the figures depend on the machine.
func TestScaleSmoke(t *testing.T) {
	for _, store := range []string{"bolt", "redis", "postgres"} {
		t.Run(store, func(t *testing.T) {
			o := smokeOptions(t, store)
			var out strings.Builder
			rep, err := runScale(t.Context(), o, &out)
			t.Log("\n" + out.String())
			if err != nil {
				t.Fatal(err)
			}
			checkScaleReport(t, o, rep)
		})
	}
}

// smokeOptions returns the options of a short scale run on store, or
// skips the test when the store's server does not answer.
func smokeOptions(t *testing.T, store string) options {
	o := options{
		store:       store,
		sessions:    2000,
		dir:         t.TempDir(),
		redisURL:    cmp.Or(os.Getenv("SESSIOND_TEST_REDIS"), "redis://127.0.0.1:6379/0"),
		postgresURL: cmp.Or(os.Getenv("SESSIOND_TEST_POSTGRES"), "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"),
		scale: scaleOptions{
			tag:   "test" + strconv.Itoa(os.Getpid()) + "_",
			small: 200, sample: 200, userSessions: 10, userRounds: 3,
			rounds: 2, conns: 4, baselineWindows: 2,
			secs: 200 * time.Millisecond, expireOver: 500 * time.Millisecond,
			sweepEvery: 200 * time.Millisecond, expiring: 0.1,
		},
	}
	switch store {
	case "redis":
		c, err := net.DialTimeout("tcp", "127.0.0.1:6379", time.Second)
		if err != nil {
			t.Skipf("no Redis at 127.0.0.1:6379 (%v); CI provides one", err)
		}
		c.Close()
	case "postgres":
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, o.postgresURL)
		if err != nil {
			t.Skipf("no PostgreSQL server (set SESSIOND_TEST_POSTGRES to a postgres:// URL): %v", err)
		}
		c.Close(ctx)
	}
	return o
}

// checkScaleReport checks that every read was answered 200 and each
// figure is of the shape it must have.
func checkScaleReport(t *testing.T, o options, rep scaleReport) {
	t.Helper()
	if len(rep.rounds) != o.scale.rounds {
		t.Errorf("got %d rounds, want %d", len(rep.rounds), o.scale.rounds)
	}
	for i, r := range rep.rounds {
		for _, f := range r {
			checkReads(t, "round "+strconv.Itoa(i+1), f)
		}
	}
	if rep.listed != o.scale.userSessions || rep.revoked != o.scale.userSessions {
		t.Errorf("listed at least %d and revoked at least %d sessions, want %d", rep.listed, rep.revoked, o.scale.userSessions)
	}
	for i := range 2 {
		if rep.list[i] <= 0 || rep.revoke[i] <= 0 {
			t.Errorf("store %d: list took %s and revoke-all %s, want both more than 0", i, rep.list[i], rep.revoke[i])
		}
	}
	e := rep.expiry
	if want := int(float64(o.sessions) * o.scale.expiring); e.created != want {
		t.Errorf("created %d expiring sessions, want %d", e.created, want)
	}
	checkReads(t, "before the expiry", e.before)
	checkReads(t, "during the expiry", e.during)
	if e.removed < 0 || e.removed > int64(e.created) {
		t.Errorf("the sweeper removed %d of %d expiring sessions", e.removed, e.created)
	}
}

// checkReads checks that a load sent requests, all answered 200, with
// ordered percentiles.
func checkReads(t *testing.T, name string, f readFigures) {
	t.Helper()
	if f.n == 0 || f.rps <= 0 || f.failed != 0 || f.p50 <= 0 || f.p50 > f.p99 {
		t.Errorf("%s: %d requests, %d failed, %.0f/s, p50 %s, p99 %s", name, f.n, f.failed, f.rps, f.p50, f.p99)
	}
}

// TestFootprintSmoke runs footprint mode on a few thousand sessions of
// each store whose server answers, and checks that each session costs at
// least its record's bytes (the payload alone is 190) and not wildly
// more. On Redis, which other tests share, it checks only that the run
// completes: used_memory moves with their keys too.
func TestFootprintSmoke(t *testing.T) {
	for _, store := range []string{"bolt", "redis", "postgres"} {
		t.Run(store, func(t *testing.T) {
			o := smokeOptions(t, store)
			var out strings.Builder
			f, err := runFootprint(t.Context(), o, &out)
			t.Log(out.String())
			if err != nil {
				t.Fatal(err)
			}
			if b := f.perSession(); store != "redis" && (b < 300 || b > 20_000) {
				t.Errorf("%s: %.0f bytes a session, want between 300 and 20,000", store, b)
			}
		})
	}
}
