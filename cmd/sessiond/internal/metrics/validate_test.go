package metrics

import "testing"

func TestObserveValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		outcomes  []string
		validated float64
		rejected  map[string]float64
	}{
		{"none", nil, 0, map[string]float64{"invalid_session": 0, "other": 0}},
		{"valid", []string{"valid", "valid"}, 2, map[string]float64{"invalid_session": 0}},
		{"refusals", []string{"invalid_session", "reauth_required", "invalid_session", "bad_request"}, 0,
			map[string]float64{"invalid_session": 2, "reauth_required": 1, "bad_request": 1, "unavailable": 0}},
		{"unknown name is other", []string{"made_up", "valid"}, 1, map[string]float64{"other": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := New()
			for _, o := range tc.outcomes {
				m.ObserveValidation(o)
			}
			if got := count(t, m, "sessions_validated_total", "", ""); got != tc.validated {
				t.Errorf("sessions_validated_total: got %v, want %v", got, tc.validated)
			}
			for reason, want := range tc.rejected {
				if got := count(t, m, "sessions_rejected_total", "reason", reason); got != want {
					t.Errorf("sessions_rejected_total{reason=%q}: got %v, want %v", reason, got, want)
				}
			}
		})
	}
}
