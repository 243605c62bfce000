package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sessiond/sessiond"
)

// diff describes every field in which got differs from want, one string a
// field in the form "Field: got X, want Y". Times are compared with
// [time.Time.Equal] and must be in UTC; a nil and an empty slice are equal.
func diff(got, want *sessiond.Record) []string {
	var d []string
	d = append(d, diffScalars(got, want)...)
	d = append(d, diffTimes(got, want)...)
	d = append(d, diffSlices(got, want)...)
	d = append(d, diffDevice(&got.Device, &want.Device)...)
	return d
}

// diffDevice compares the device bindings.
func diffDevice(got, want *sessiond.DeviceBinding) []string {
	var d []string
	if got.Alg != want.Alg || got.Key != want.Key {
		d = append(d, mismatch("Device key", got.Alg+" "+got.Key, want.Alg+" "+want.Key))
	}
	if got.Generation != want.Generation {
		d = append(d, mismatch("Device.Generation", got.Generation, want.Generation))
	}
	times := []struct {
		name      string
		got, want time.Time
	}{
		{"Device.BoundAt", got.BoundAt, want.BoundAt},
		{"Device.Cookies[0].ExpiresAt", got.Cookies[0].ExpiresAt, want.Cookies[0].ExpiresAt},
		{"Device.Cookies[1].ExpiresAt", got.Cookies[1].ExpiresAt, want.Cookies[1].ExpiresAt},
	}
	for _, f := range times {
		if !f.got.Equal(f.want) || (!f.got.IsZero() && f.got.Location() != time.UTC) {
			d = append(d, mismatch(f.name, f.got, f.want))
		}
	}
	for i := range got.Cookies {
		if got.Cookies[i].Hash != want.Cookies[i].Hash {
			d = append(d, mismatch(fmt.Sprintf("Device.Cookies[%d].Hash", i), fmt.Sprintf("%x", got.Cookies[i].Hash), fmt.Sprintf("%x", want.Cookies[i].Hash)))
		}
	}
	return d
}

// mismatch formats one field's difference.
func mismatch(field string, got, want any) string {
	return fmt.Sprintf("%s: got %v, want %v", field, got, want)
}

// diffScalars compares the fields that are neither times nor slices.
func diffScalars(got, want *sessiond.Record) []string {
	var d []string
	if got.ID != want.ID {
		d = append(d, mismatch("ID", got.ID, want.ID))
	}
	if got.UserID != want.UserID {
		d = append(d, mismatch("UserID", got.UserID, want.UserID))
	}
	if got.TokenHash != want.TokenHash {
		d = append(d, mismatch("TokenHash", fmt.Sprintf("%x", got.TokenHash), fmt.Sprintf("%x", want.TokenHash)))
	}
	if got.IP != want.IP {
		d = append(d, mismatch("IP", got.IP, want.IP))
	}
	if got.UserAgent != want.UserAgent {
		d = append(d, mismatch("UserAgent", got.UserAgent, want.UserAgent))
	}
	if got.Persistent != want.Persistent {
		d = append(d, mismatch("Persistent", got.Persistent, want.Persistent))
	}
	if got.Pending != want.Pending {
		d = append(d, mismatch("Pending", got.Pending, want.Pending))
	}
	if got.ReauthRequired != want.ReauthRequired {
		d = append(d, mismatch("ReauthRequired", got.ReauthRequired, want.ReauthRequired))
	}
	if got.Version != want.Version {
		d = append(d, mismatch("Version", got.Version, want.Version))
	}
	return d
}

// diffTimes compares the time fields, and checks that each is in UTC.
func diffTimes(got, want *sessiond.Record) []string {
	fields := []struct {
		name      string
		got, want time.Time
	}{
		{"TokenIssuedAt", got.TokenIssuedAt, want.TokenIssuedAt},
		{"CreatedAt", got.CreatedAt, want.CreatedAt},
		{"LastSeenAt", got.LastSeenAt, want.LastSeenAt},
		{"IdleExpiresAt", got.IdleExpiresAt, want.IdleExpiresAt},
		{"AbsoluteExpiresAt", got.AbsoluteExpiresAt, want.AbsoluteExpiresAt},
		{"AuthTime", got.AuthTime, want.AuthTime},
	}
	var d []string
	for _, f := range fields {
		if !f.got.Equal(f.want) {
			d = append(d, mismatch(f.name, f.got, f.want))
		}
		if f.got.Location() != time.UTC {
			d = append(d, mismatch(f.name+" location", f.got.Location(), time.UTC))
		}
	}
	return d
}

// diffSlices compares AuthMethods, Retired and Data.
func diffSlices(got, want *sessiond.Record) []string {
	var d []string
	if !slices.Equal(got.AuthMethods, want.AuthMethods) {
		d = append(d, mismatch("AuthMethods", got.AuthMethods, want.AuthMethods))
	}
	if !slices.EqualFunc(got.Retired, want.Retired, sameRetired) {
		d = append(d, mismatch("Retired", retiredString(got.Retired), retiredString(want.Retired)))
	}
	if !bytes.Equal(got.Data, want.Data) {
		d = append(d, mismatch("Data", fmt.Sprintf("%x", got.Data), fmt.Sprintf("%x", want.Data)))
	}
	return d
}

// sameRetired reports whether a and b are the same retired token.
func sameRetired(a, b sessiond.RetiredToken) bool {
	return a.Hash == b.Hash && a.GraceUntil.Equal(b.GraceUntil) &&
		a.GraceUntil.Location() == time.UTC
}

// retiredString shows retired tokens briefly, with a hash prefix.
func retiredString(rts []sessiond.RetiredToken) string {
	parts := make([]string, len(rts))
	for i, rt := range rts {
		parts[i] = fmt.Sprintf("%x…@%s", rt.Hash[:4], rt.GraceUntil.Format(time.RFC3339Nano))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
