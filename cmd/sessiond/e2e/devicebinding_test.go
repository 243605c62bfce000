package e2e

import (
	"net/http"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/dbsctest"
)

// appOrigin is the origin of the application whose browser the device
// binding tests play.
const appOrigin = "https://app.example"

// TestDeviceBinding_ThroughTheAPI_R21_R28 plays, on every store, a
// browser with DBSC and the application in another language that passes
// its device requests on to sessiond: the login asks for the offer, the
// browser registers its key, the session then validates with its bound
// cookie only, refreshes, and revocation makes the next refresh fail.
func TestDeviceBinding_ThroughTheAPI_R21_R28(t *testing.T) {
	for _, sc := range storeCases {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			s := startApp(t, sc.url(t), "--device-binding")
			dev, err := dbsctest.NewDevice()
			if err != nil {
				t.Fatal(err)
			}
			a := s.call(t, "POST", "/v1/sessions", with("user_id", "alice", "auth_methods", []string{"pwd"}, "device_binding", true))
			want(t, "create", a, http.StatusCreated)
			tok, id := str(a.body, "token"), str(a.body, "session", "id")
			offer, ok := dbsctest.ParseOffer(str(a.body, "device_registration"))
			if !ok {
				t.Fatalf("create: device_registration %q, want an offer", str(a.body, "device_registration"))
			}

			device := func(step, proof string) answer {
				return s.call(t, "POST", "/v1/sessions/device/"+step, with("token", tok, "origin", appOrigin,
					"secure_session_response", proof, "sec_secure_session_id", `"`+id+`"`))
			}
			a = device("registration", dev.Registration(offer.Challenge, offer.Authorization))
			want(t, "registration", a, http.StatusOK)
			bound := str(a.body, "cookie", "value")
			if str(a.body, "result") != "bound" || bound == "" || str(a.body, "session_config", "session_identifier") != id {
				t.Fatalf("registration: got %s, want result bound with a cookie and the session's configuration", a.raw)
			}

			validate := func(what, cookie string, code int) answer {
				t.Helper()
				a := s.call(t, "POST", "/v1/sessions/validate", with("token", tok, "bound_cookie", cookie))
				want(t, what, a, code)
				return a
			}
			if a := validate("validate with the bound cookie", bound, http.StatusOK); str(a.body, "session", "device", "alg") != "ES256" {
				t.Errorf("validate: device %s, want bound with ES256", a.raw)
			}
			validate("validate without the bound cookie", "", http.StatusUnauthorized)

			a = device("refresh", "")
			challenge, sid, ok := dbsctest.ParseChallenge(str(a.body, "challenge"))
			if a.code != http.StatusOK || str(a.body, "result") != "challenge" || !ok || sid != id {
				t.Fatalf("refresh without a proof: got %d %s, want a challenge for %s", a.code, a.raw, id)
			}
			a = device("refresh", dev.Refresh(challenge))
			want(t, "refresh", a, http.StatusOK)
			next := str(a.body, "cookie", "value")
			if str(a.body, "result") != "bound" || next == "" || next == bound {
				t.Fatalf("refresh: got %s, want a new bound cookie", a.raw)
			}
			validate("validate with the refreshed bound cookie", next, http.StatusOK)
			challenge, _, _ = dbsctest.ParseChallenge(str(a.body, "challenge"))

			text := string(s.call(t, "GET", "/metrics", nil).raw)
			for series, n := range map[string]float64{
				`sessions_device_proofs_total{step="registration"}`:                               1,
				`sessions_device_proofs_total{step="refresh"}`:                                    1,
				`sessions_device_failures_total{reason="bound_cookie_missing",step="unverified"}`: 1,
			} {
				if got, ok := value(text, series); !ok || got != n {
					t.Errorf("%s: got %v (found %t), want %v", series, got, ok, n)
				}
			}

			want(t, "revoke", s.call(t, "DELETE", "/v1/sessions/"+id, nil), http.StatusNoContent)
			want(t, "refresh after revocation", device("refresh", dev.Refresh(challenge)), http.StatusUnauthorized)
			validate("validate after revocation", next, http.StatusUnauthorized)
		})
	}
}
