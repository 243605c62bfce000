package admin

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"time"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/throttle"
)

// Defaults of Config.
const (
	// DefaultIdleTimeout ends an operator session after 15 minutes without
	// a request (NIST SP 800-63B AAL3).
	DefaultIdleTimeout = 15 * time.Minute
	// DefaultAbsoluteTimeout ends an operator session 8 hours after its
	// login: a working day.
	DefaultAbsoluteTimeout = 8 * time.Hour
	// CookieName is the cookie of operator sessions.
	CookieName = "__Host-sessiond-admin"
	// Prefix is the path the UI is served under.
	Prefix = "/admin/"
)

// Operators checks operators' credentials; operators.File implements it.
type Operators interface {
	// Verify reports whether username names an operator whose password
	// is password. It must take as long for an unknown user as for a
	// wrong password. An error means no answer could be had.
	Verify(username, password string) (bool, error)
	// Stamp returns a value that changes whenever username's password
	// does, and reports whether username still names an operator. It is
	// asked on every request: an operator removed, or whose password was
	// replaced (sessiond admin reset-password), is signed out at once.
	Stamp(username string) (string, bool)
}

// User is an application user as a UserDirectory knows it.
type User struct {
	// ID is the user id the application's sessions carry.
	ID string
	// Name is the name the user signs in with.
	Name string
	// Disabled reports whether the user is refused new logins.
	Disabled bool
	// Created is when the user signed up; zero when unknown.
	Created time.Time
}

// UserDirectory gives the UI the application's users, where sessiond
// knows them (the demo site). With one, operators can list and search the
// users, find a user by name, and disable or enable them.
type UserDirectory interface {
	// LookupUser finds a user by id or by name.
	LookupUser(ctx context.Context, idOrName string) (u User, found bool, err error)
	// ListUsers returns a page of at most limit users whose name or id
	// holds search in any case ("" holds for everyone), the newest
	// first, from the place cursor names ("" for the first page), and
	// the cursor of the next page, "" after the last. A cursor it did
	// not make is sessiond.ErrBadCursor.
	ListUsers(ctx context.Context, search, cursor string, limit int) (users []User, next string, err error)
	// DisableUser refuses the user's logins from now on. The UI ends the
	// user's sessions itself, after DisableUser returns.
	DisableUser(ctx context.Context, userID string) error
	// EnableUser lets the user log in again.
	EnableUser(ctx context.Context, userID string) error
}

// Config is what the admin UI serves. Manager and Operators are required;
// every other zero field means the default given in its doc.
type Config struct {
	// Manager is the application's session manager: the sessions the UI
	// lists and revokes, and the audit trail operators' logins and
	// sessions are written to.
	Manager *sessiond.Manager
	// Audit is the audit log the UI shows. Default nil: no audit page.
	Audit sessiond.AuditStore
	// Operators checks operators' passwords.
	Operators Operators
	// Users, when set, lets operators list and search users, find them
	// by name, and disable them. Default nil: the controls are hidden.
	Users UserDirectory

	// Throttle slows down password guessing at the login form; accounts
	// are counted as "operator:<name>". Give it the throttle of the
	// site's other login forms, so that they share one device cookie.
	// Default: a throttle of its own with a random key.
	Throttle *throttle.Throttle
	// CSRFKey signs the forms' CSRF tokens and the login form's
	// pre-session cookie; at least 32 bytes. Give it the key of the site's
	// other forms, which share the pre-session cookie. Default: a random
	// key.
	CSRFKey []byte
	// TrustedOrigins are origins other than the request's own whose forms
	// may post (behind a proxy that rewrites Host, the public origin).
	// Default none.
	TrustedOrigins []string
	// TrustedProxies are the networks of proxies whose X-Forwarded-For is
	// believed. Default none.
	TrustedProxies []netip.Prefix

	// IdleTimeout and AbsoluteTimeout bound operator sessions. Defaults
	// DefaultIdleTimeout and DefaultAbsoluteTimeout.
	IdleTimeout, AbsoluteTimeout time.Duration

	// Log receives operators' actions and the errors the UI hides from
	// them. Default slog.Default().
	Log *slog.Logger
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Rand is the source of operator session tokens and CSRF masks.
	// Default crypto/rand.
	Rand io.Reader
}

// withDefaults fills in the zero fields of c.
func (c Config) withDefaults() Config {
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.AbsoluteTimeout == 0 {
		c.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Throttle == nil {
		c.Throttle = throttle.New(throttle.Config{Now: c.Now})
	}
	return c
}
