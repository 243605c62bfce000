package csrf

import (
	"html/template"
	"net/http"
)

// Protection defends an application's browser routes against cross-site
// request forgery: it checks the origin of every unsafe request and the
// synchronizer token it carries. Make one with [New]; it is immutable and
// safe for concurrent use.
type Protection struct {
	cfg     Config
	origins *originPolicy
	tokens  *macer // token = HMAC(tokens' key, binding)
	cookies *macer // pre-session cookie MAC
	field   string // the start of TemplateField's output, up to the value
}

// New returns a Protection for cfg. It panics, with a message starting
// "csrf: ", when cfg is invalid: a Key shorter than 32 bytes, no
// SessionID, a malformed trusted origin or bypass pattern, and so on.
func New(cfg Config) *Protection {
	cfg = cfg.withDefaults()
	p := &Protection{
		cfg:     cfg,
		origins: newOriginPolicy(cfg.TrustedOrigins, cfg.InsecureBypassPatterns),
		tokens:  newMacer(cfg.Key, "sessiond csrf token"),
		cookies: newMacer(cfg.Key, "sessiond csrf pre-session cookie"),
		field:   `<input type="hidden" name="` + template.HTMLEscapeString(cfg.FieldName) + `" value="`,
	}
	p.cfg.Key = nil // only the derived keys are kept
	return p
}

// forbidden is the default deny handler: a generic 403 that says nothing
// of the cause, so a refusal teaches an attacker nothing.
func forbidden(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "forbidden", http.StatusForbidden)
}
