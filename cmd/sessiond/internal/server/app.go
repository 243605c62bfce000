// Package server assembles sessiond: the store, the session manager, the
// API, the admin UI and, in demo mode, the demo site, served over HTTPS.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/apikey"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/config"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/datakeys"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/forwardauth"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/metrics"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/stores"
)

// App is a configured sessiond, ready to serve.
type App struct {
	Config  config.Config
	Store   stores.Store
	Manager *sessiond.Manager
	Keys    *apikey.Set
	// DataKeys is the ring of --data-key-file, which seals session data;
	// it also seals the demo's TOTP secrets.
	DataKeys *sessiond.KeyRing
	Log      *slog.Logger
	// Metrics counts sessions and times the store, for GET /metrics.
	Metrics *metrics.Metrics
	// Signer signs forward-auth's assertions with the key of
	// <data-dir>/forward-auth-key, made on first start.
	Signer *forwardauth.Signer
	// GeneratedKey is the API key made on this first start, to print once.
	GeneratedKey string

	cert *tls.Certificate // of --tls-cert and --tls-key; nil: the development one

	closers []func() // run by Close, before the store closes
}

// Build opens the store and makes the manager. log receives structured
// logs and audit events. It reads --tls-cert and --tls-key first, and
// opens the store before it writes a key file, so that a missing file or
// an unreachable store leaves the data directory as it was: a directory
// it made is removed again when it fails.
func Build(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	cert, err := userCertificate(cfg)
	if err != nil {
		return nil, err
	}
	removeDir, err := makeDir(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	a, err := build(ctx, cfg, log)
	if err != nil {
		removeDir()
		return nil, err
	}
	a.cert = cert
	return a, nil
}

// build opens the store, then loads or makes the keys.
func build(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	store, err := stores.Open(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	warnReplicas(ctx, store, log)
	a, err := withKeys(cfg, store, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	return a, nil
}

// warnReplicas logs a warning when the store waits for replicas that its
// masters do not have (a Redis URL's wait=N): every write would be
// refused until they do. It starts all the same, as reads still work and
// replicas may come back.
func warnReplicas(ctx context.Context, store stores.Store, log *slog.Logger) {
	c, ok := store.(interface{ CheckReplicas(context.Context) error })
	if !ok {
		return
	}
	if err := c.CheckReplicas(ctx); err != nil {
		log.Warn("the store lacks the replicas that --store's wait asks for: writes are refused until it has them", "error", err)
	}
}

// withKeys loads or makes the API keys and data keys, and makes the
// manager on store.
func withKeys(cfg config.Config, store stores.Store, log *slog.Logger) (*App, error) {
	keys, generated, err := apikey.Load(cfg.APIKeyFile, os.Getenv("SESSIOND_API_KEY"))
	if err != nil {
		return nil, err
	}
	sealKeys, err := datakeys.Load(cfg.DataKeyFile)
	if err != nil {
		return nil, err
	}
	signer, err := forwardauth.LoadSigner(filepath.Join(cfg.DataDir, "forward-auth-key"))
	if err != nil {
		return nil, err
	}
	ring, err := sessiond.NewKeyRing(sealKeys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.DataKeyFile, err)
	}
	met := metrics.New()
	store = instrument(met, store, stores.Kind(cfg.Store), log)
	m, err := sessiond.New(store, sessiond.Config{
		IdleTimeout:        cfg.IdleTimeout,
		AbsoluteTimeout:    cfg.AbsoluteTimeout,
		RotationGrace:      cfg.RotationGrace,
		RotateEvery:        cfg.RotateEvery,
		MaxSessionsPerUser: cfg.MaxSessionsPerUser,
		TrustedProxies:     cfg.TrustedProxies,
		Keys:               sealKeys,
		DeviceBinding:      sessiond.DeviceBindingConfig{Enabled: cfg.DeviceBinding, CookieLifetime: cfg.BoundCookieLifetime},
		Now:                cfg.Now,
		Auditor: met.Auditor(sessiond.StoreAuditor{
			Store:  store,
			Next:   sessiond.SlogAuditor{Logger: log},
			Logger: log,
		}),
	})
	if err != nil {
		return nil, err
	}
	return &App{Config: cfg, Store: store, Manager: m, Keys: keys, DataKeys: ring, Log: log, Metrics: met, Signer: signer, GeneratedKey: generated}, nil
}

// makeDir makes dir and its missing parents (mode 0700), and returns a
// function that removes the ones it made, deepest first, as long as they
// are empty.
func makeDir(dir string) (remove func(), err error) {
	var made []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) || filepath.Dir(d) == d {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return func() {
		for _, d := range made {
			if os.Remove(d) != nil {
				return
			}
		}
	}, nil
}

// Close stops what the app started and closes the store.
func (a *App) Close() error {
	for _, c := range a.closers {
		c()
	}
	return a.Store.Close()
}

// NewLogger makes the JSON logger of the given level on w.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
