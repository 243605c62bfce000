package csrf

import (
	"mime"
	"net/http"
)

// CheckJSON returns [ErrContentType] when r has an unsafe method and its
// Content-Type is not application/json (parameters such as charset
// allowed). A cross-site form can send text/plain,
// application/x-www-form-urlencoded and multipart/form-data without a
// CORS preflight, but never application/json, so a JSON endpoint that
// insists on it cannot be reached by a forged form.
func CheckJSON(r *http.Request) error {
	if safeMethod(r.Method) {
		return nil
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || len(r.Header["Content-Type"]) > 1 {
		return ErrContentType
	}
	return nil
}

// RequireJSON returns a handler that answers 415 Unsupported Media Type,
// with a generic plain-text message and "Cache-Control: no-store", to
// every request [CheckJSON] refuses, and passes the others to next. Use it
// on JSON endpoints, inside [Protection.Handler].
func RequireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if CheckJSON(r) != nil {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
			return
		}
		next.ServeHTTP(w, r)
	})
}
