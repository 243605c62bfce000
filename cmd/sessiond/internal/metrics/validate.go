package metrics

// rejectReasons are the error names the API answers a validation with.
var rejectReasons = []string{
	"bad_request", "invalid_session", "reauth_required",
	"too_many_requests", "unavailable", "other",
}

// ObserveValidation counts the outcome of one validation: "valid", or the
// error name of a refusal. It fits api.Config.Observe.
func (m *Metrics) ObserveValidation(outcome string) {
	if outcome == "valid" {
		m.validated.Inc()
		return
	}
	m.rejected.WithLabelValues(known(outcome, rejectReasons)).Inc()
}
