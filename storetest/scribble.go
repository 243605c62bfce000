package storetest

import (
	"time"

	"github.com/sessiond/sessiond"
)

// scribble changes every field of rec, in place: the elements of its
// slices first, then the fields themselves.
func scribble(rec *sessiond.Record) {
	for i := range rec.Retired {
		rec.Retired[i].Hash[0] ^= 0xff
		rec.Retired[i].GraceUntil = rec.Retired[i].GraceUntil.Add(time.Hour)
	}
	for i := range rec.AuthMethods {
		rec.AuthMethods[i] = "scribbled"
	}
	for i := range rec.Data {
		rec.Data[i] ^= 0xff
	}
	rec.ID += "x"
	rec.UserID += "x"
	rec.TokenHash[0] ^= 0xff
	for _, t := range []*time.Time{&rec.TokenIssuedAt, &rec.CreatedAt, &rec.LastSeenAt,
		&rec.IdleExpiresAt, &rec.AbsoluteExpiresAt, &rec.AuthTime} {
		*t = t.Add(time.Hour)
	}
	rec.Retired = append(rec.Retired, sessiond.RetiredToken{Hash: randomHash()})
	rec.AuthMethods = append(rec.AuthMethods, "scribbled")
	rec.Data = append(rec.Data, 0xff)
	rec.IP += "x"
	rec.UserAgent += "x"
	rec.Persistent = !rec.Persistent
	rec.Pending = !rec.Pending
	rec.ReauthRequired = !rec.ReauthRequired
	rec.Version++
	rec.Device.Alg += "x"
	rec.Device.Key += "x"
	rec.Device.BoundAt = rec.Device.BoundAt.Add(time.Hour)
	rec.Device.Generation++
	rec.Device.Cookies[0].Hash[0] ^= 0xff
	rec.Device.Cookies[1].ExpiresAt = rec.Device.Cookies[1].ExpiresAt.Add(time.Hour)
}
