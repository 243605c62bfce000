package server

import (
	"context"
	"net/http"
	"path/filepath"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/admin"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/demo"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/operators"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/secretfile"
	"github.com/sessiond/sessiond/throttle"
)

// Sites builds the browser side of the service: the admin UI under
// /admin/ and, with demo, the demo site everywhere else. The two share the
// CSRF key and the login throttle, as they share the pre-session and
// device cookies; both keys live in the data directory, so forms and
// devices outlive restarts. It also makes the first operator account when
// there is none, returning its password to print once.
func (a *App) Sites(demoSite bool) (h http.Handler, operator, password string, err error) {
	csrfKey, err := secretfile.Load(filepath.Join(a.Config.DataDir, "csrf-key"), 32)
	if err != nil {
		return nil, "", "", err
	}
	throttleKey, err := secretfile.Load(filepath.Join(a.Config.DataDir, "throttle-key"), 32)
	if err != nil {
		return nil, "", "", err
	}
	opsFile := operators.Path(a.Config.DataDir)
	if operator, password, _, err = operators.EnsureFirst(opsFile); err != nil {
		return nil, "", "", err
	}
	t := throttle.New(throttle.Config{Key: throttleKey})
	adminCfg := admin.Config{
		Manager: a.Manager, Audit: a.Store, Operators: operators.NewFile(opsFile),
		Throttle: t, CSRFKey: csrfKey, TrustedProxies: a.Config.TrustedProxies, Log: a.Log,
	}
	mux := http.NewServeMux()
	if demoSite {
		users, err := demo.OpenUsers(filepath.Join(a.Config.DataDir, "demo-users.json"), a.DataKeys)
		if err != nil {
			return nil, "", "", err
		}
		adminCfg.Users = directory{users}
		mux.Handle("/", demo.New(demo.Config{
			Manager: a.Manager, Users: users, ReauthMaxAge: a.Config.ReauthMaxAge,
			IdleTimeout: a.Config.IdleTimeout, CSRFKey: csrfKey, Throttle: t, Now: a.Config.Now,
			ReturnOrigins: a.Config.ForwardAuthReturnOrigins,
		}))
	}
	ui, err := admin.New(adminCfg)
	if err != nil {
		return nil, "", "", err
	}
	a.closers = append(a.closers, func() { ui.Close() })
	mux.Handle(admin.Prefix, ui)
	return mux, operator, password, nil
}

// directory shows the demo's users to the admin UI.
type directory struct{ users *demo.Users }

func (d directory) LookupUser(_ context.Context, idOrName string) (admin.User, bool, error) {
	u, ok := d.users.Lookup(idOrName)
	return adminUser(u), ok, nil
}

func (d directory) ListUsers(_ context.Context, search, cursor string, limit int) ([]admin.User, string, error) {
	page, next, err := d.users.List(search, cursor, limit)
	out := make([]admin.User, len(page))
	for i, u := range page {
		out[i] = adminUser(u)
	}
	return out, next, err
}

// adminUser is what the admin UI sees of u: no password hash, no secret.
func adminUser(u demo.User) admin.User {
	return admin.User{ID: u.ID, Name: u.Name, Disabled: u.Disabled, Created: u.Created}
}

func (d directory) DisableUser(_ context.Context, id string) error { return d.users.Disable(id) }

func (d directory) EnableUser(_ context.Context, id string) error { return d.users.Enable(id) }
