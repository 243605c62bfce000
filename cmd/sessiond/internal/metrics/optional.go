package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/sessiond/sessiond"
)

// timedAudit times the calls to a store's audit log.
type timedAudit struct {
	t     *timedStore
	inner sessiond.AuditStore
}

// AppendEvent times the inner AppendEvent.
func (a timedAudit) AppendEvent(ctx context.Context, e sessiond.Event) (err error) {
	defer a.t.done(opAppendEvent, time.Now(), &err)
	return a.inner.AppendEvent(ctx, e)
}

// QueryEvents times the inner QueryEvents.
func (a timedAudit) QueryEvents(ctx context.Context, q sessiond.EventQuery) (_ []sessiond.Event, err error) {
	defer a.t.done(opQueryEvents, time.Now(), &err)
	return a.inner.QueryEvents(ctx, q)
}

// QueryEventPage times the inner QueryEventPage as a query, or answers
// errors.ErrUnsupported when the inner store is no sessiond.EventPager.
func (a timedAudit) QueryEventPage(ctx context.Context, q sessiond.EventQuery, cursor string) (_ []sessiond.Event, _ string, err error) {
	p, ok := a.inner.(sessiond.EventPager)
	if !ok {
		return nil, "", errors.ErrUnsupported
	}
	defer a.t.done(opQueryEvents, time.Now(), &err)
	return p.QueryEventPage(ctx, q, cursor)
}

// The wrappers below have exactly the optional interfaces of the store
// they wrap, so that a type assertion on the wrapper (as sessiond.New
// makes for sessiond.ExpiryWatcher) answers as it would on the store.
// OnExpire is a registration, not a store call: it is not timed.

// auditStore is a timed store that keeps audit events.
type auditStore struct {
	*timedStore
	timedAudit
}

// watchStore is a timed store with a sweeper.
type watchStore struct {
	*timedStore
	sessiond.ExpiryWatcher
}

// auditWatchStore is a timed store that keeps audit events and has a
// sweeper.
type auditWatchStore struct {
	*timedStore
	timedAudit
	sessiond.ExpiryWatcher
}

// Compile-time checks that each wrapper has its interfaces.
var (
	_ sessiond.Store         = (*timedStore)(nil)
	_ sessiond.TokenToucher  = (*timedStore)(nil)
	_ sessiond.SessionLister = (*timedStore)(nil)
	_ sessiond.EventCreator  = (*timedStore)(nil)
	_ sessiond.BatchDeleter  = (*timedStore)(nil)
	_ sessiond.EventPager    = (*auditStore)(nil)
	_ sessiond.AuditStore    = (*auditStore)(nil)
	_ sessiond.ExpiryWatcher = (*watchStore)(nil)
	_ sessiond.AuditStore    = (*auditWatchStore)(nil)
	_ sessiond.EventPager    = (*auditWatchStore)(nil)
	_ sessiond.ExpiryWatcher = (*auditWatchStore)(nil)
)
