package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sessiond/sessiond"
)

// The store methods, as indexes into timedStore.obs.
const (
	opCreate = iota
	opGet
	opFind
	opUpdate
	opTouch
	opDelete
	opListUser
	opListAll
	opDeleteAll
	opAppendEvent
	opQueryEvents
	numOps
)

// storeOps are the op label values, in the order of the op constants.
var storeOps = [numOps]string{
	"create", "get", "find", "update", "touch", "delete",
	"list_user", "list_all", "delete_all", "append_event", "query_events",
}

// timedStore times every call to a store, and counts and logs the calls
// that fail.
type timedStore struct {
	inner sessiond.Store
	obs   [numOps]prometheus.Observer
	fails [numOps][numKinds]prometheus.Counter
	log   *failureLog
}

// Store returns a [sessiond.Store] that times every call to s in
// sessiond_store_duration_seconds, and counts each call that fails in
// sessiond_store_errors_total, labelled with name (the kind of store:
// "memory", "bolt", "redis", "postgres") and the kind of failure, and logs
// it to log (nil: nowhere) at a bounded rate (see failureLog). A version
// conflict, an unsupported call and a missing session are answers, not
// failures. The result is also a
// [sessiond.AuditStore] (its calls timed too) when s is one, and a
// [sessiond.ExpiryWatcher] when s is one. It is always an [io.Closer]:
// Close closes s when s is one, and does nothing otherwise. It is always
// a [sessiond.SessionLister] and, with an AuditStore, a
// [sessiond.EventPager]: each answers [errors.ErrUnsupported] when s is
// not one. And it is always a [sessiond.EventCreator], which creates
// with Create and AppendEvent when s is not one, and a
// [sessiond.BatchDeleter], which deletes one by one when s is not one. The result is a pointer,
// so that a Manager can tell that a [sessiond.StoreAuditor] on it keeps
// its events in its own store, and make a login one write.
func (m *Metrics) Store(s sessiond.Store, name string, log *slog.Logger) sessiond.Store {
	t := &timedStore{inner: s, log: newFailureLog(log, name, time.Now)}
	for op, opName := range storeOps {
		t.obs[op] = m.storeDur.WithLabelValues(opName)
		for kind, kindName := range failureKinds {
			t.fails[op][kind] = m.storeErrs.WithLabelValues(name, opName, kindName)
		}
	}
	a, isAudit := s.(sessiond.AuditStore)
	w, isWatcher := s.(sessiond.ExpiryWatcher)
	switch {
	case isAudit && isWatcher:
		return &auditWatchStore{t, timedAudit{t, a}, w}
	case isAudit:
		return &auditStore{t, timedAudit{t, a}}
	case isWatcher:
		return &watchStore{t, w}
	}
	return t
}

// done records the time from start in op's histogram and, when *err is
// a failure, counts and logs it.
func (s *timedStore) done(op int, start time.Time, err *error) {
	s.obs[op].Observe(time.Since(start).Seconds())
	if failed(*err) {
		kind := failureKind(*err)
		s.fails[op][kind].Inc()
		s.log.record(op, kind, *err)
	}
}

// Create times the inner Create.
func (s *timedStore) Create(ctx context.Context, rec *sessiond.Record) (err error) {
	defer s.done(opCreate, time.Now(), &err)
	return s.inner.Create(ctx, rec)
}

// Get times the inner Get.
func (s *timedStore) Get(ctx context.Context, id string) (_ *sessiond.Record, _ bool, err error) {
	defer s.done(opGet, time.Now(), &err)
	return s.inner.Get(ctx, id)
}

// Find times the inner Find.
func (s *timedStore) Find(ctx context.Context, h sessiond.Hash) (_ *sessiond.Record, _ bool, err error) {
	defer s.done(opFind, time.Now(), &err)
	return s.inner.Find(ctx, h)
}

// Update times the inner Update.
func (s *timedStore) Update(ctx context.Context, rec *sessiond.Record, version int64) (err error) {
	defer s.done(opUpdate, time.Now(), &err)
	return s.inner.Update(ctx, rec, version)
}

// DeleteMany times the inner DeleteMany as one delete, or, when the inner
// store is no sessiond.BatchDeleter, does what it does with a Delete of
// each id, each timed.
func (s *timedStore) DeleteMany(ctx context.Context, ids []string) (err error) {
	b, ok := s.inner.(sessiond.BatchDeleter)
	if !ok {
		for _, id := range ids {
			if err := s.Delete(ctx, id); err != nil {
				return err
			}
		}
		return nil
	}
	defer s.done(opDelete, time.Now(), &err)
	return b.DeleteMany(ctx, ids)
}

// CreateWithEvents times the inner CreateWithEvents as a create, or,
// when the inner store is no sessiond.EventCreator, does what it does in
// two writes: Create, then AppendEvent for each event (an event that
// fails to be kept leaves the session created), or
// errors.ErrUnsupported for events where the inner store keeps none.
func (s *timedStore) CreateWithEvents(ctx context.Context, rec *sessiond.Record, events []sessiond.Event) (err error) {
	ec, ok := s.inner.(sessiond.EventCreator)
	if ok {
		defer s.done(opCreate, time.Now(), &err)
		return ec.CreateWithEvents(ctx, rec, events)
	}
	as, ok := s.inner.(sessiond.AuditStore)
	if !ok && len(events) > 0 {
		return errors.ErrUnsupported
	}
	if err := s.Create(ctx, rec); err != nil {
		return err
	}
	for _, e := range events {
		if err := (timedAudit{s, as}).AppendEvent(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// Touch times the inner Touch.
func (s *timedStore) Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) (err error) {
	defer s.done(opTouch, time.Now(), &err)
	return s.inner.Touch(ctx, id, lastSeen, idleExpires)
}

// TouchToken times the inner TouchToken, or its Touch when it has none:
// the wrapper is a sessiond.TokenToucher whatever it wraps, which saves a
// wrapper type for each combination of optional interfaces.
func (s *timedStore) TouchToken(ctx context.Context, id string, h sessiond.Hash, lastSeen, idleExpires time.Time) (err error) {
	defer s.done(opTouch, time.Now(), &err)
	if tt, ok := s.inner.(sessiond.TokenToucher); ok {
		return tt.TouchToken(ctx, id, h, lastSeen, idleExpires)
	}
	return s.inner.Touch(ctx, id, lastSeen, idleExpires)
}

// Delete times the inner Delete.
func (s *timedStore) Delete(ctx context.Context, id string) (err error) {
	defer s.done(opDelete, time.Now(), &err)
	return s.inner.Delete(ctx, id)
}

// ListUser times the inner ListUser.
func (s *timedStore) ListUser(ctx context.Context, userID string) (_ []*sessiond.Record, err error) {
	defer s.done(opListUser, time.Now(), &err)
	return s.inner.ListUser(ctx, userID)
}

// ListAll times the inner ListAll, or answers errors.ErrUnsupported when
// the inner store is no sessiond.SessionLister: the wrapper is one
// whatever it wraps, as it is a sessiond.TokenToucher.
func (s *timedStore) ListAll(ctx context.Context, after sessiond.ListPosition, limit int) (_ []*sessiond.Record, err error) {
	l, ok := s.inner.(sessiond.SessionLister)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	defer s.done(opListAll, time.Now(), &err)
	return l.ListAll(ctx, after, limit)
}

// DeleteAll times the inner DeleteAll.
func (s *timedStore) DeleteAll(ctx context.Context) (_ int, err error) {
	defer s.done(opDeleteAll, time.Now(), &err)
	return s.inner.DeleteAll(ctx)
}

// Close closes the inner store when it is an io.Closer.
func (s *timedStore) Close() error {
	if c, ok := s.inner.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
