package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// TestNewRecord checks that NewRecord makes valid, distinct records.
func TestNewRecord(t *testing.T) {
	tests := []struct {
		name        string
		userID      string
		wantMethods int
	}{
		{"User", "alice", 1},
		{"Anonymous", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := NewRecord(tc.userID), NewRecord(tc.userID)
			if a.ID == b.ID || a.TokenHash == b.TokenHash {
				t.Errorf("two records share an ID or a token hash: %q, %q", a.ID, b.ID)
			}
			if a.UserID != tc.userID {
				t.Errorf("UserID: got %q, want %q", a.UserID, tc.userID)
			}
			if len(a.AuthMethods) != tc.wantMethods {
				t.Errorf("AuthMethods: got %v, want %d methods", a.AuthMethods, tc.wantMethods)
			}
			if a.Version != 1 {
				t.Errorf("Version: got %d, want 1", a.Version)
			}
			wantTimes(t, a.CreatedAt, a.IdleExpiresAt, a.AbsoluteExpiresAt)
		})
	}
}

// wantTimes checks that created is UTC, whole microseconds and near now,
// and that the deadlines are 30 minutes and 12 hours after it.
func wantTimes(t *testing.T, created, idle, absolute time.Time) {
	t.Helper()
	if created.Location() != time.UTC {
		t.Errorf("CreatedAt location: got %v, want UTC", created.Location())
	}
	if created.Nanosecond()%1000 != 0 {
		t.Errorf("CreatedAt: got %v, want whole microseconds", created)
	}
	if d := time.Since(created); d < 0 || d > time.Minute {
		t.Errorf("CreatedAt: got %v ago, want just now", d)
	}
	if got := idle.Sub(created); got != 30*time.Minute {
		t.Errorf("IdleExpiresAt - CreatedAt: got %v, want 30m", got)
	}
	if got := absolute.Sub(created); got != 12*time.Hour {
		t.Errorf("AbsoluteExpiresAt - CreatedAt: got %v, want 12h", got)
	}
}

// TestDiff checks that diff notices a change in any one field, and none
// when nothing changed.
func TestDiff(t *testing.T) {
	tests := []struct {
		name  string
		field string // the field diff must name; empty for no difference
		edit  func(r *sessiond.Record)
	}{
		{"Same", "", func(r *sessiond.Record) {}},
		{"EmptyVersusNil", "", func(r *sessiond.Record) { r.Data = []byte{} }},
		{"ID", "ID", func(r *sessiond.Record) { r.ID += "x" }},
		{"UserID", "UserID", func(r *sessiond.Record) { r.UserID = "" }},
		{"TokenHash", "TokenHash", func(r *sessiond.Record) { r.TokenHash[31]++ }},
		{"Time", "AuthTime", func(r *sessiond.Record) { r.AuthTime = r.AuthTime.Add(time.Microsecond) }},
		{"Location", "CreatedAt location", func(r *sessiond.Record) { r.CreatedAt = r.CreatedAt.In(time.FixedZone("X", 0)) }},
		{"Retired", "Retired", func(r *sessiond.Record) { r.Retired[1].GraceUntil = time.Time{} }},
		{"AuthMethods", "AuthMethods", func(r *sessiond.Record) { r.AuthMethods[0] = "otp" }},
		{"IP", "IP", func(r *sessiond.Record) { r.IP = "" }},
		{"UserAgent", "UserAgent", func(r *sessiond.Record) { r.UserAgent = "" }},
		{"DeviceKey", "Device key", func(r *sessiond.Record) { r.Device.Key = "" }},
		{"DeviceGeneration", "Device.Generation", func(r *sessiond.Record) { r.Device.Generation++ }},
		{"DeviceCookie", "Device.Cookies[1].Hash", func(r *sessiond.Record) { r.Device.Cookies[1].Hash[0]++ }},
		{"DeviceCookieExpiry", "Device.Cookies[0].ExpiresAt", func(r *sessiond.Record) { r.Device.Cookies[0].ExpiresAt = time.Time{} }},
		{"Persistent", "Persistent", func(r *sessiond.Record) { r.Persistent = false }},
		{"Pending", "Pending", func(r *sessiond.Record) { r.Pending = !r.Pending }},
		{"ReauthRequired", "ReauthRequired", func(r *sessiond.Record) { r.ReauthRequired = !r.ReauthRequired }},
		{"Version", "Version", func(r *sessiond.Record) { r.Version-- }},
		{"Data", "Data", func(r *sessiond.Record) { r.Data = []byte{0} }},
	}
	want := fullRecord("alice")
	want.Data = nil
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cloneRecord(want)
			tc.edit(got)
			wantDiff(t, diff(got, want), tc.field)
		})
	}
}

// wantDiff checks that d names exactly the one field, or nothing.
func wantDiff(t *testing.T, d []string, field string) {
	t.Helper()
	switch {
	case field == "" && len(d) != 0:
		t.Errorf("got differences %q, want none", d)
	case field != "" && (len(d) != 1 || !strings.HasPrefix(d[0], field+":")):
		t.Errorf("got differences %q, want one in %s", d, field)
	}
}
