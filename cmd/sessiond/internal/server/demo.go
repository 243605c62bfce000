package server

import (
	"net/http"
	"path/filepath"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/demo"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/secretfile"
)

// DemoSite builds the demo site on the app's manager, its users and keys
// kept in the data directory.
func (a *App) DemoSite() (http.Handler, error) {
	users, err := demo.OpenUsers(filepath.Join(a.Config.DataDir, "demo-users.json"))
	if err != nil {
		return nil, err
	}
	csrfKey, err := secretfile.Load(filepath.Join(a.Config.DataDir, "csrf-key"), 32)
	if err != nil {
		return nil, err
	}
	throttleKey, err := secretfile.Load(filepath.Join(a.Config.DataDir, "throttle-key"), 32)
	if err != nil {
		return nil, err
	}
	return demo.New(demo.Config{
		Manager:      a.Manager,
		Users:        users,
		ReauthMaxAge: a.Config.ReauthMaxAge,
		IdleTimeout:  a.Config.IdleTimeout,
		CSRFKey:      csrfKey,
		ThrottleKey:  throttleKey,
	}), nil
}
