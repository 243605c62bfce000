package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds sessiond's counters and the registry they are kept in. It
// is safe for concurrent use.
type Metrics struct {
	reg       *prometheus.Registry
	created   prometheus.Counter
	validated prometheus.Counter
	expired   prometheus.Counter
	rejected  *prometheus.CounterVec
	revoked   *prometheus.CounterVec
	device    *prometheus.CounterVec
	deviceBad *prometheus.CounterVec
	storeDur  *prometheus.HistogramVec
	storeErrs *prometheus.CounterVec
}

// storeBuckets are the bounds, in seconds, of the store latency
// histogram: from a memory lookup to a database that is struggling.
var storeBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
}

// New returns the metrics on a registry of their own, with the Go runtime
// and process collectors. Every known label value starts at zero.
func New() *Metrics {
	m := &Metrics{
		reg:       prometheus.NewRegistry(),
		created:   counter("sessions_created_total", "Sessions started."),
		validated: counter("sessions_validated_total", "Validations that found a live session."),
		expired:   counter("sessions_expired_total", "Sessions ended by their idle or absolute deadline."),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sessions_rejected_total",
			Help: "Validations refused, by the API's error name.",
		}, []string{"reason"}),
		revoked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sessions_revoked_total",
			Help: "Sessions ended by revocation or eviction, by reason.",
		}, []string{"reason"}),
		device: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sessions_device_proofs_total",
			Help: "Device-bound sessions (W3C DBSC): successful registrations and refreshes, by step.",
		}, []string{"step"}),
		deviceBad: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sessions_device_failures_total",
			Help: "Device-bound sessions (W3C DBSC): refused registrations and refreshes, and bound sessions presented without a live bound cookie (step unverified), by step and reason.",
		}, []string{"step", "reason"}),
		storeDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sessiond_store_duration_seconds",
			Help:    "Time the session store took to answer, by method.",
			Buckets: storeBuckets,
		}, []string{"op"}),
		storeErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sessiond_store_errors_total",
			Help: "Session store calls that failed, by store, method and kind of failure (timeout, canceled, connection, other).",
		}, []string{"store", "op", "kind"}),
	}
	m.reg.MustRegister(
		m.created, m.validated, m.expired, m.rejected, m.revoked, m.device, m.deviceBad, m.storeDur, m.storeErrs,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.initLabels()
	return m
}

// counter makes a counter without labels.
func counter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
}

// initLabels makes every known series exist at zero, so that a dashboard
// sees a rate of zero rather than no data.
func (m *Metrics) initLabels() {
	for _, r := range rejectReasons {
		m.rejected.WithLabelValues(r)
	}
	for _, r := range revokeReasons {
		m.revoked.WithLabelValues(r)
	}
	for _, step := range []string{stepRegistration, stepRefresh} {
		m.device.WithLabelValues(step)
	}
	for step, reasons := range deviceReasons {
		for _, r := range reasons {
			m.deviceBad.WithLabelValues(step, r)
		}
	}
	for _, op := range storeOps {
		m.storeDur.WithLabelValues(op)
	}
}

// Registry returns the registry the metrics are kept in, for adding
// collectors of the caller's own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format. It checks no
// credentials: the caller wraps it.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		// A collector that fails leaves the others served, with the
		// error counted, rather than blanking every metric.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg,
	})
}

// known returns v when it is among allowed, and "other" otherwise.
func known(v string, allowed []string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return "other"
}
