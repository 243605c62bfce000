package admin

import (
	"fmt"
	"strings"
	"time"
)

// Layouts of times, always in UTC: to the minute for sessions, to the
// second (in a column that says UTC) for the audit log.
const (
	minuteLayout = "2006-01-02 15:04 UTC"
	secondLayout = "2006-01-02 15:04:05"
)

// when formats t to the minute, in UTC; "never" for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(minuteLayout)
}

// whenExact formats t to the second, in UTC, without the zone.
func whenExact(t time.Time) string {
	return t.UTC().Format(secondLayout)
}

// iso formats t as RFC 3339 in UTC, for a datetime attribute.
func iso(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ago says roughly how long before now t is ("3 min ago"), or after
// ("in 3 min").
func ago(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	if d < 0 {
		return "in " + span(-d)
	}
	if d < time.Minute {
		return "just now"
	}
	return span(d) + " ago"
}

// span rounds d down to a unit a person reads at a glance.
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

// plural writes n and noun, with an "s" unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// eventClass is the CSS class of an event type: "ev-session-revoked"
// for "session.revoked", letters and dashes only.
func eventClass(t string) string {
	return "ev-" + strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r
		}
		return '-'
	}, t)
}
