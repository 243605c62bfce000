package metrics

import (
	"context"
	"errors"
	"io"
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

// timedStore times every call to a store.
type timedStore struct {
	inner sessiond.Store
	obs   [numOps]prometheus.Observer
}

// Store returns a [sessiond.Store] that times every call to s in
// sessiond_store_duration_seconds. The result is also a
// [sessiond.AuditStore] (its calls timed too) when s is one, and a
// [sessiond.ExpiryWatcher] when s is one. It is always an [io.Closer]:
// Close closes s when s is one, and does nothing otherwise. It is always
// a [sessiond.SessionLister] and, with an AuditStore, a
// [sessiond.EventPager]: each answers [errors.ErrUnsupported] when s is
// not one.
func (m *Metrics) Store(s sessiond.Store) sessiond.Store {
	t := &timedStore{inner: s}
	for op, name := range storeOps {
		t.obs[op] = m.storeDur.WithLabelValues(name)
	}
	a, isAudit := s.(sessiond.AuditStore)
	w, isWatcher := s.(sessiond.ExpiryWatcher)
	switch {
	case isAudit && isWatcher:
		return auditWatchStore{t, timedAudit{t, a}, w}
	case isAudit:
		return auditStore{t, timedAudit{t, a}}
	case isWatcher:
		return watchStore{t, w}
	}
	return t
}

// since records the time from start in op's histogram.
func (s *timedStore) since(op int, start time.Time) {
	s.obs[op].Observe(time.Since(start).Seconds())
}

// Create times the inner Create.
func (s *timedStore) Create(ctx context.Context, rec *sessiond.Record) error {
	defer s.since(opCreate, time.Now())
	return s.inner.Create(ctx, rec)
}

// Get times the inner Get.
func (s *timedStore) Get(ctx context.Context, id string) (*sessiond.Record, bool, error) {
	defer s.since(opGet, time.Now())
	return s.inner.Get(ctx, id)
}

// Find times the inner Find.
func (s *timedStore) Find(ctx context.Context, h sessiond.Hash) (*sessiond.Record, bool, error) {
	defer s.since(opFind, time.Now())
	return s.inner.Find(ctx, h)
}

// Update times the inner Update.
func (s *timedStore) Update(ctx context.Context, rec *sessiond.Record, version int64) error {
	defer s.since(opUpdate, time.Now())
	return s.inner.Update(ctx, rec, version)
}

// Touch times the inner Touch.
func (s *timedStore) Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) error {
	defer s.since(opTouch, time.Now())
	return s.inner.Touch(ctx, id, lastSeen, idleExpires)
}

// TouchToken times the inner TouchToken, or its Touch when it has none:
// the wrapper is a sessiond.TokenToucher whatever it wraps, which saves a
// wrapper type for each combination of optional interfaces.
func (s *timedStore) TouchToken(ctx context.Context, id string, h sessiond.Hash, lastSeen, idleExpires time.Time) error {
	defer s.since(opTouch, time.Now())
	if tt, ok := s.inner.(sessiond.TokenToucher); ok {
		return tt.TouchToken(ctx, id, h, lastSeen, idleExpires)
	}
	return s.inner.Touch(ctx, id, lastSeen, idleExpires)
}

// Delete times the inner Delete.
func (s *timedStore) Delete(ctx context.Context, id string) error {
	defer s.since(opDelete, time.Now())
	return s.inner.Delete(ctx, id)
}

// ListUser times the inner ListUser.
func (s *timedStore) ListUser(ctx context.Context, userID string) ([]*sessiond.Record, error) {
	defer s.since(opListUser, time.Now())
	return s.inner.ListUser(ctx, userID)
}

// ListAll times the inner ListAll, or answers errors.ErrUnsupported when
// the inner store is no sessiond.SessionLister: the wrapper is one
// whatever it wraps, as it is a sessiond.TokenToucher.
func (s *timedStore) ListAll(ctx context.Context, after sessiond.ListPosition, limit int) ([]*sessiond.Record, error) {
	l, ok := s.inner.(sessiond.SessionLister)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	defer s.since(opListAll, time.Now())
	return l.ListAll(ctx, after, limit)
}

// DeleteAll times the inner DeleteAll.
func (s *timedStore) DeleteAll(ctx context.Context) (int, error) {
	defer s.since(opDeleteAll, time.Now())
	return s.inner.DeleteAll(ctx)
}

// Close closes the inner store when it is an io.Closer.
func (s *timedStore) Close() error {
	if c, ok := s.inner.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
