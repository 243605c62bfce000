package storetest

import (
	"crypto/rand"
	"time"

	"github.com/sessiond/sessiond"
)

// NewRecord returns a valid record of the user userID, which is empty for an
// anonymous session. It has a random ID and token hash, every time set to now
// (UTC, truncated to the microsecond), an idle deadline 30 minutes and an
// absolute deadline 12 hours later, and Version 1. A record with a user also
// has AuthTime now and AuthMethods ["pwd"]; an anonymous one has neither.
// Every call returns a new record with new random values.
func NewRecord(userID string) *sessiond.Record {
	now := now()
	rec := &sessiond.Record{
		ID:                rand.Text(),
		UserID:            userID,
		TokenHash:         randomHash(),
		TokenIssuedAt:     now,
		CreatedAt:         now,
		LastSeenAt:        now,
		IdleExpiresAt:     now.Add(30 * time.Minute),
		AbsoluteExpiresAt: now.Add(12 * time.Hour),
		Version:           1,
	}
	if userID != "" {
		rec.AuthTime = now
		rec.AuthMethods = []string{"pwd"}
	}
	return rec
}

// fullRecord returns a record of userID with every field set, each time to a
// different instant, so that a store that drops or swaps a field is caught.
// It is bound to a device key; [NewRecord]'s records are not.
func fullRecord(userID string) *sessiond.Record {
	rec := NewRecord(userID)
	now := rec.CreatedAt
	rec.CreatedAt = now.Add(-time.Hour)
	rec.AuthTime = now.Add(-50 * time.Minute)
	rec.TokenIssuedAt = now.Add(-10 * time.Minute)
	rec.LastSeenAt = now.Add(-time.Minute)
	rec.IdleExpiresAt = now.Add(29 * time.Minute)
	rec.AbsoluteExpiresAt = now.Add(11 * time.Hour)
	rec.Retired = []sessiond.RetiredToken{
		{Hash: randomHash(), GraceUntil: now.Add(20 * time.Second)},
		{Hash: randomHash(), GraceUntil: now.Add(-9 * time.Minute)},
	}
	rec.AuthMethods = []string{"pwd", "totp"}
	rec.IP = "203.0.113.7"
	rec.UserAgent = "storetest/1.0 (+https://example.com)"
	rec.Persistent = true
	rec.ReauthRequired = true
	rec.Version = 7
	rec.Data = randomBytes(48)
	rec.Device = sessiond.DeviceBinding{
		Alg:        "ES256",
		Key:        `{"crv":"P-256","kty":"EC","x":"` + rand.Text() + `","y":"` + rand.Text() + `"}`,
		BoundAt:    now.Add(-49 * time.Minute),
		Generation: 5,
		Cookies: [2]sessiond.BoundCookie{
			{Hash: randomHash(), ExpiresAt: now.Add(9 * time.Minute)},
			{Hash: randomHash(), ExpiresAt: now.Add(-2 * time.Minute)},
		},
	}
	return rec
}

// now is the current time as the suite's records carry it: UTC, truncated
// to the microsecond.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// randomHash returns a random token hash.
func randomHash() sessiond.Hash {
	var h sessiond.Hash
	rand.Read(h[:]) // never fails; see crypto/rand.Read
	return h
}

// randomUser returns a random user id.
func randomUser() string {
	return "user-" + rand.Text()
}

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails; see crypto/rand.Read
	return b
}

// cloneRecord returns a deep copy of rec.
func cloneRecord(rec *sessiond.Record) *sessiond.Record {
	c := *rec
	c.Retired = append([]sessiond.RetiredToken(nil), rec.Retired...)
	c.AuthMethods = append([]string(nil), rec.AuthMethods...)
	c.Data = append([]byte(nil), rec.Data...)
	return &c
}
