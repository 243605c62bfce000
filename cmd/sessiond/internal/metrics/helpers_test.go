package metrics

import (
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// family returns the gathered metric family called name.
func family(t *testing.T, m *Metrics, name string) *dto.MetricFamily {
	t.Helper()
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f
		}
	}
	t.Fatalf("no metric family %q", name)
	return nil
}

// series returns the metric of family name whose label has value, or
// the only one when label is empty.
func series(t *testing.T, m *Metrics, name, label, value string) *dto.Metric {
	t.Helper()
	for _, s := range family(t, m, name).GetMetric() {
		if label == "" {
			return s
		}
		for _, l := range s.GetLabel() {
			if l.GetName() == label && l.GetValue() == value {
				return s
			}
		}
	}
	t.Fatalf("%s has no series %s=%q", name, label, value)
	return nil
}

// count returns the value of a counter series.
func count(t *testing.T, m *Metrics, name, label, value string) float64 {
	t.Helper()
	return series(t, m, name, label, value).GetCounter().GetValue()
}

// samples returns how many observations the store histogram holds for op.
func samples(t *testing.T, m *Metrics, op string) uint64 {
	t.Helper()
	return series(t, m, "sessiond_store_duration_seconds", "op", op).GetHistogram().GetSampleCount()
}
