// Package metrics counts what sessiond does, for Prometheus: sessions
// created, validated, rejected, revoked and expired, and how long the
// session store takes to answer.
//
// # Metrics
//
//	sessions_created_total              sessions started (session.created events)
//	sessions_validated_total            validations that found a live session
//	sessions_rejected_total{reason}     validations refused, by the API's error name
//	sessions_revoked_total{reason}      sessions ended by revocation or eviction, by reason
//	sessions_expired_total              sessions ended by their idle or absolute deadline
//	sessiond_store_duration_seconds{op} store call latency, by store method
//	sessiond_store_errors_total{store,op,kind}
//	                                    store calls that failed, by store, method and
//	                                    kind: timeout, canceled, connection or other
//
// and the standard go_* and process_* collectors.
//
// Label values come from short fixed lists (the API's error names, the
// revocation reasons of package sessiond, the store's methods); anything
// else is counted as "other", so that no caller can make the number of
// series grow. A revocation of every session (reason "all") is one event
// and counts once, whatever the number of sessions it ended.
//
// # Wiring
//
// Each [Metrics] has a registry of its own, never the global default, so
// that several services (or tests) in one process do not share counts:
//
//	met := metrics.New()
//	store = met.Store(store, "redis", log) // time the store's calls, count failures
//	cfg.Auditor = met.Auditor(cfg.Auditor) // count lifecycle events
//	api.Config{..., Observe: met.ObserveValidation}
//	mux.Handle("GET /metrics", requireKey(met.Handler()))
//
// The store wrapper also logs the calls that fail, at a bounded rate: the
// first of each method and kind, then at most one a second, which says
// how many were left out (canceled calls, whose clients went away, are
// counted only). In an outage, the metric counts every failed call and
// the log shows its cause.
//
// The store wrapper keeps the optional interfaces of the store it wraps:
// when that one is a [sessiond.AuditStore] or a [sessiond.ExpiryWatcher],
// so is the wrapper, and the calls go through to it (sessiond.New finds
// the sweeper by type assertion, and sessions_expired_total depends on
// it). The wrapper is always an [io.Closer], which closes the store when
// that one is one, and a [sessiond.SessionLister] and (with an
// AuditStore) a [sessiond.EventPager], which answer
// [errors.ErrUnsupported] when the store is not one.
package metrics
