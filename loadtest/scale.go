package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/sessiond/sessiond"
)

// scaleReport is what a scale run measured.
type scaleReport struct {
	// rounds are the read figures of each round, small store then large.
	rounds [][2]readFigures
	// list and revoke are the median times of listing scaleUser's
	// sessions and revoking them all, small store then large.
	list, revoke [2]time.Duration
	// listed and revoked are the fewest sessions a list found and a
	// revoke-all revoked.
	listed, revoked int
	// expiry is the large store's reads while some of it expired.
	expiry expiryFigures
}

// expiryFigures are the reads of a store before and while a share of its
// sessions expires.
type expiryFigures struct {
	created        int   // sessions made to expire
	removed        int64 // of them, by the store's sweeper
	before, during readFigures
	worst          readFigures // the window during whose p99 was highest
	windows        int         // windows during
}

// runScale fills a store of o.scale.small sessions and one of o.sessions, then
// measures on both, writing figures to out as it goes: o.scale.rounds rounds of
// reads, alternating which store goes first; listing and revoking the
// sessions of one user among all the others; and, on the large store,
// reads before and while o.scale.expiring of its sessions expire. It removes
// both stores at the end.
func runScale(ctx context.Context, o options, out io.Writer) (rep scaleReport, err error) {
	var stores [2]*scaleStore
	defer func() {
		for _, s := range stores {
			if s != nil {
				err = errors.Join(err, s.drop())
			}
		}
	}()
	for i, n := range []int{o.scale.small, o.sessions} {
		if stores[i], err = fillScale(ctx, o, sizeLabel(n), n, out); err != nil {
			return rep, err
		}
	}
	small, large := stores[0], stores[1]
	rep.rounds = readRounds(ctx, o, small, large, out)
	if err := userRounds(ctx, o, small, large, &rep, out); err != nil {
		return rep, err
	}
	rep.expiry, err = expiryRun(ctx, o, large, out)
	return rep, err
}

// sizeLabel names a store of n sessions: "10k", "1M", "2000".
func sizeLabel(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// readRounds runs o.scale.rounds rounds of o.scale.secs of reads on each store,
// alternating which goes first, and prints each round and the medians of
// the large store's figures over the small one's.
func readRounds(ctx context.Context, o options, small, large *scaleStore, out io.Writer) [][2]readFigures {
	hs := [2]*scaleStore{small, large}
	fmt.Fprintf(out, "%-5s | %-8s %9s %9s %6s | %-8s %9s %9s %6s | %5s %5s %5s\n",
		"round", small.label, "p50", "p99", "fail", large.label, "p50", "p99", "fail", "rps", "p50", "p99")
	var rounds [][2]readFigures
	var ratios [3][]float64
	for r := range o.scale.rounds {
		var f [2]readFigures
		for k := range 2 {
			i := (k + r) % 2 // odd rounds start with the large store
			f[i] = readLoad(ctx, readHandler(hs[i].m), hs[i].tokens, o.scale.conns, o.scale.secs).figures()
		}
		rounds = append(rounds, f)
		rr := [3]float64{f[1].rps / f[0].rps, ratio(f[1].p50, f[0].p50), ratio(f[1].p99, f[0].p99)}
		for k := range rr {
			ratios[k] = append(ratios[k], rr[k])
		}
		fmt.Fprintf(out, "%-5d | %8.0f %9s %9s %6d | %8.0f %9s %9s %6d | %5.2f %5.2f %5.2f\n", r+1,
			f[0].rps, short(f[0].p50), short(f[0].p99), f[0].failed,
			f[1].rps, short(f[1].p50), short(f[1].p99), f[1].failed, rr[0], rr[1], rr[2])
	}
	fmt.Fprintf(out, "median %s/%s: requests/s %.2f, p50 %.2f, p99 %.2f\n",
		large.label, small.label, median(ratios[0]), median(ratios[1]), median(ratios[2]))
	return rounds
}

// short returns d rounded to three significant digits, for printing.
func short(d time.Duration) time.Duration {
	for r := time.Duration(1); ; r *= 10 {
		if d < 1000*r {
			return d.Round(r)
		}
	}
}

// ratio is a/b.
func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// median returns the median of v.
func median[T float64 | time.Duration](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// userRounds times, o.scale.userRounds times on each store in turn, listing
// scaleUser's o.scale.userSessions sessions and revoking them all (then signing
// them in again, untimed), and prints the medians.
func userRounds(ctx context.Context, o options, small, large *scaleStore, rep *scaleReport, out io.Writer) error {
	var list, revoke [2][]time.Duration
	rep.listed, rep.revoked = o.scale.userSessions, o.scale.userSessions
	for r := range o.scale.userRounds {
		for k := range 2 {
			i := (k + r) % 2
			s := [2]*scaleStore{small, large}[i]
			l, v, listed, revoked, err := userRound(ctx, o, s)
			if err != nil {
				return fmt.Errorf("%s: %w", s.label, err)
			}
			list[i], revoke[i] = append(list[i], l), append(revoke[i], v)
			rep.listed, rep.revoked = min(rep.listed, listed), min(rep.revoked, revoked)
		}
	}
	for i := range 2 {
		rep.list[i], rep.revoke[i] = median(list[i]), median(revoke[i])
	}
	fmt.Fprintf(out, "user with %d sessions, median of %d: list %s at %s, %s at %s; revoke-all %s at %s, %s at %s\n",
		o.scale.userSessions, o.scale.userRounds, short(rep.list[0]), small.label, short(rep.list[1]), large.label,
		short(rep.revoke[0]), small.label, short(rep.revoke[1]), large.label)
	return nil
}

// userRound lists scaleUser's sessions in s, revokes them all, and signs
// o.scale.userSessions in again, returning the time of the list and of the
// revoke-all and how many each found.
func userRound(ctx context.Context, o options, s *scaleStore) (list, revoke time.Duration, listed, revoked int, err error) {
	t0 := time.Now()
	sessions, err := s.m.List(ctx, scaleUser)
	list = time.Since(t0)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	t0 = time.Now()
	revoked, err = s.m.RevokeUser(ctx, scaleUser, "loadtest")
	revoke = time.Since(t0)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	now := time.Now()
	err = createAll(ctx, s.store, o.scale.userSessions, io.Discard, func(int) *sessiond.Record {
		_, h := newScaleToken()
		return newScaleRecord(scaleUser, h, now, now.Add(sessiond.DefaultAbsoluteTimeout))
	})
	return list, revoke, len(sessions), revoked, err
}
