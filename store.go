package sessiond

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrConflict is returned by [Store.Update] when the stored record's version
// is not the one the caller read, or the record no longer exists (the caller
// reloads the record and tries again), and by [Store.Create] when the id or
// a token hash is taken.
var ErrConflict = errors.New("sessiond: session changed concurrently")

// Hash is the SHA-256 digest of a session token. It is the only form of a
// token that ever reaches a store, a log or a metric.
type Hash [32]byte

// RetiredToken is a token that rotation replaced. It keeps working until
// GraceUntil; presented after that, it is treated as stolen.
type RetiredToken struct {
	Hash       Hash
	GraceUntil time.Time
}

// Record is a session as a [Store] keeps it. Every time is UTC.
type Record struct {
	// ID is the session's public id, used to list and revoke it. It is
	// not derived from the token. The Manager's ids begin with the
	// millisecond of the login and end with 80 random bits, so that they
	// sort by creation; a store takes any non-empty id.
	ID string
	// UserID is the user the session belongs to; empty for an anonymous
	// session, which no per-user index lists.
	UserID string
	// TokenHash is the hash of the current token.
	TokenHash Hash
	// TokenIssuedAt is when the current token was issued.
	TokenIssuedAt time.Time
	// Retired holds the hashes of tokens that rotation replaced, newest
	// first, so that a replayed old token can be recognised as theft.
	Retired []RetiredToken

	CreatedAt         time.Time
	LastSeenAt        time.Time
	IdleExpiresAt     time.Time
	AbsoluteExpiresAt time.Time
	// AuthTime is when the user last proved who they are (login or
	// re-authentication).
	AuthTime time.Time
	// AuthMethods names the methods of that proof, e.g. "pwd", "totp".
	AuthMethods []string
	// IP and UserAgent are the client's at login, updated by the
	// application's anomaly policy.
	IP        string
	UserAgent string
	// Persistent marks a "remember me" session, whose cookie carries a
	// Max-Age that ends at the absolute deadline.
	Persistent bool
	// Pending marks a half-finished login (a second factor is still due):
	// the session grants nothing until a full login replaces it.
	Pending bool
	// ReauthRequired marks a session that must re-authenticate before it
	// grants anything again (set by the anomaly policy).
	ReauthRequired bool
	// Version grows by one on every data change and every rotation; the
	// idle touch never changes it.
	Version int64
	// Data is the sealed session payload (nil when empty).
	Data []byte
	// Device is the session's binding to a key of its browser (Device
	// Bound Session Credentials); the zero value when it is not bound.
	// Rotation and re-authentication keep it; it ends with the session.
	Device DeviceBinding
}

// ExpiresAt is when the record stops being of use: the earlier of its idle
// and absolute deadlines. A store may forget the record after it.
func (r *Record) ExpiresAt() time.Time {
	if r.IdleExpiresAt.Before(r.AbsoluteExpiresAt) {
		return r.IdleExpiresAt
	}
	return r.AbsoluteExpiresAt
}

// Hashes returns every token hash that leads to the record: the current one
// and the retired ones. Stores index each of them.
func (r *Record) Hashes() []Hash {
	hs := make([]Hash, 0, 1+len(r.Retired))
	hs = append(hs, r.TokenHash)
	for _, t := range r.Retired {
		hs = append(hs, t.Hash)
	}
	return hs
}

// Store keeps session records. Implementations must be safe for concurrent
// use by many goroutines and by many processes sharing one backend, so that a
// change made through one [Manager] is seen by every other at once.
//
// # Contract
//
//   - Not found is a value: Get and Find answer (nil, false, nil). An error is
//     only ever returned when the backend could not answer; the [Manager]
//     then fails closed.
//   - Records are values: a store keeps no memory the caller passed in (it
//     copies the record and its slices). A record a store returns is
//     read-only to the caller, who copies it to make a change: the store may
//     hand out its own copy, which it then replaces but never changes.
//   - Expiry: a store may forget a record once [Record.ExpiresAt] has passed
//     by its own clock, and should do so eventually (a sweeper or a TTL).
//     Until it does, it may still return the record; the [Manager] checks
//     every deadline itself with its own clock.
//   - Token index: Find looks a record up by any of [Record.Hashes]. The
//     index follows the record through Update and is gone after Delete.
//   - Per-user index: ListUser answers from an index kept by user id, never
//     by scanning every session. Records with an empty UserID are not listed.
//   - Concurrency: Update is a compare-and-swap on [Record.Version]. Touch
//     never changes the version, never brings back a deleted record and
//     never extends one whose ExpiresAt has passed by the store's clock.
//   - Ids are never empty.
//   - Delete is idempotent: deleting a missing record is not an error.
type Store interface {
	// Create stores a new record. It returns ErrConflict if a record with
	// the same ID exists or any of rec.Hashes() leads to another record.
	Create(ctx context.Context, rec *Record) error
	// Get returns the record with the given public id.
	Get(ctx context.Context, id string) (rec *Record, found bool, err error)
	// Find returns the record whose current or retired token hash is h.
	Find(ctx context.Context, h Hash) (rec *Record, found bool, err error)
	// Update replaces the stored record with rec if the stored version is
	// version, and keeps the token index in step with rec's hashes. It
	// returns ErrConflict if the version differs, the record is gone, or
	// one of rec's hashes leads to another record.
	Update(ctx context.Context, rec *Record, version int64) error
	// Touch records activity: it sets LastSeenAt and IdleExpiresAt of the
	// record with the given id, only ever moving them forward, without
	// rewriting the payload. A missing record is not an error.
	Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) error
	// Delete removes a record and its index entries.
	Delete(ctx context.Context, id string) error
	// ListUser returns the records of one user, in no particular order.
	ListUser(ctx context.Context, userID string) ([]*Record, error)
	// DeleteAll removes every record and reports how many there were.
	DeleteAll(ctx context.Context) (int, error)
}

// BatchDeleter is implemented by stores that delete several records in
// one write where a Delete of each would take one write apiece (a
// commit, a statement, a few round trips). The [Manager] revokes a
// user's sessions with it.
type BatchDeleter interface {
	// DeleteMany does what Delete does for each of ids. Missing records
	// are not an error. When it returns an error, some of the records
	// may have been deleted and others not.
	DeleteMany(ctx context.Context, ids []string) error
}

// TokenToucher is implemented by stores whose touch is cheaper given the
// record's current token hash, which the [Manager] knows when it touches
// (a network store may find the record by it in one round trip where Touch
// by id takes two). The Manager calls TouchToken instead of Touch when the
// store has it.
type TokenToucher interface {
	// TouchToken does what Touch(ctx, id, lastSeen, idleExpires) does. h
	// is the hash of the record's token as the caller last read it: a
	// hint, which may lead to the record's old place (a rotation since),
	// nowhere, or even elsewhere. Whatever h leads to, TouchToken touches
	// the record id and nothing else.
	TouchToken(ctx context.Context, id string, h Hash, lastSeen, idleExpires time.Time) error
}

// EventCreator is implemented by stores that keep audit events too
// ([AuditStore]) and can store a new record together with the events
// that record its creation, in one write. The [Manager] creates sessions
// with it when its Auditor keeps every event in this same store (an
// [EventKeeper] such as [StoreAuditor]), so that a login is one write
// rather than two, and its session.created event can never be lost
// between them.
type EventCreator interface {
	// CreateWithEvents does what Create does and, once the record is
	// stored, what AppendEvent does for each event, as one write. When it
	// returns an error, none of the events is kept: on ErrConflict nothing
	// changed. A store that cannot make the two one atomic write says in
	// its documentation what a failure of the backend may leave.
	CreateWithEvents(ctx context.Context, rec *Record, events []Event) error
}

// SessionLister is implemented by stores that can list the sessions of
// every user a page at a time, in one fixed order, without reading the
// whole store for a page: [Manager.ListAll], the operators' list of live
// sessions, needs it.
type SessionLister interface {
	// ListAll returns up to limit records that come after the position
	// after, in the order of the list: by AbsoluteExpiresAt, latest first
	// (for one Config.AbsoluteTimeout, the newest logins first), then by
	// ID, greatest first as bytes compare. The zero position is the top,
	// before every record. Records with an empty UserID are not listed.
	// A page shorter than limit is the last. Like Get, ListAll may return
	// a record that has expired and is still stored. A store that wraps
	// another and cannot list because the other cannot answers
	// [errors.ErrUnsupported].
	ListAll(ctx context.Context, after ListPosition, limit int) ([]*Record, error)
}

// ListPosition is a place in the order of [SessionLister.ListAll]: the
// records after it are those whose absolute deadline is earlier, and
// those whose deadline is the same and whose ID is smaller. The zero
// value is the top of the list.
type ListPosition struct {
	AbsoluteExpiresAt time.Time
	ID                string
}

// Position returns the position of r in the order of
// [SessionLister.ListAll]: the next page starts after it.
func (r *Record) Position() ListPosition {
	return ListPosition{AbsoluteExpiresAt: r.AbsoluteExpiresAt, ID: r.ID}
}

// Before reports whether r comes after p in the order of
// [SessionLister.ListAll]: always, when p is the top.
func (p ListPosition) Before(r *Record) bool {
	if p == (ListPosition{}) {
		return true
	}
	if c := r.AbsoluteExpiresAt.Compare(p.AbsoluteExpiresAt); c != 0 {
		return c < 0
	}
	return r.ID < p.ID
}

// ExpiryWatcher is implemented by stores that remove expired records
// themselves (a sweeper) and can say so. [New] registers the [Manager]'s
// callback, which writes the session.expired audit event.
//
// The callbacks run on the sweeper's goroutine, one at a time, with no lock
// held: they may call the store. The record is theirs to keep. Their context
// is canceled when the store closes.
type ExpiryWatcher interface {
	// OnExpire adds fn to the functions called with each record the store
	// removes because it expired.
	OnExpire(fn func(ctx context.Context, rec *Record))
}

// ExpiryCallbacks keeps the functions registered with a store's
// [ExpiryWatcher.OnExpire] and calls them: a store that sweeps holds one
// and delegates to it. The zero value is ready and safe for concurrent
// use.
type ExpiryCallbacks struct {
	mu  sync.Mutex
	fns []func(ctx context.Context, rec *Record)
}

// Add registers fn.
func (c *ExpiryCallbacks) Add(fn func(ctx context.Context, rec *Record)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fns = append(c.fns, fn)
}

// Notify calls every registered function with each record, holding no
// lock while they run (they may call the store).
func (c *ExpiryCallbacks) Notify(ctx context.Context, recs []*Record) {
	if len(recs) == 0 {
		return
	}
	c.mu.Lock()
	fns := c.fns[:len(c.fns):len(c.fns)]
	c.mu.Unlock()
	for _, rec := range recs {
		for _, fn := range fns {
			fn(ctx, rec)
		}
	}
}
