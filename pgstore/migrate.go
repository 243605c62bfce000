package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// migrationFiles are the schema's migrations, named NNNN_what.sql and
// applied in the order of NNNN. A released file never changes: a change to
// the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered file of migrationFiles.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns every migration, in order of version.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("pgstore: migrations: %w", err)
	}
	out := make([]migration, 0, len(names))
	for _, name := range names {
		m, err := readMigration(name)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// readMigration reads the file name, whose version is its number prefix.
func readMigration(name string) (migration, error) {
	base := path.Base(name)
	num, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(num)
	if !ok || err != nil || version <= 0 {
		return migration{}, fmt.Errorf("pgstore: migration %s: name must start with a positive number and _", base)
	}
	b, err := migrationFiles.ReadFile(name)
	if err != nil {
		return migration{}, fmt.Errorf("pgstore: migration %s: %w", base, err)
	}
	return migration{version: version, name: base, sql: string(b)}, nil
}

// migrate brings the schema up to date in one transaction, under an
// advisory lock on the schema's name, so that replicas starting together
// apply each migration once and none uses a half-made schema. Versions
// already applied are skipped, so that running it again changes nothing;
// versions this package does not know (applied by a newer release) are
// left alone.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		applied, err := s.prepareMigrations(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if !applied[m.version] {
				if err := s.apply(ctx, tx, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrating schema %q: %w", s.cfg.Schema, err)
	}
	return nil
}

// prepareMigrations takes the lock, makes the schema and its version table
// if missing, and returns the versions applied.
func (s *Store) prepareMigrations(ctx context.Context, tx pgx.Tx) (map[int]bool, error) {
	if _, err := tx.Exec(ctx, s.q.lockMigrations, s.cfg.Schema); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, s.q.migrationsTable); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, s.q.appliedMigrations)
	if err != nil {
		return nil, err
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[int(v)] = true
	}
	return applied, nil
}

// apply runs m with search_path set to the schema, for the rest of the
// transaction only, and records its version.
func (s *Store) apply(ctx context.Context, tx pgx.Tx, m migration) error {
	setPath := "SET LOCAL search_path TO " + pgx.Identifier{s.cfg.Schema}.Sanitize()
	if _, err := tx.Exec(ctx, setPath); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, s.q.recordMigration, m.version, m.name); err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	return nil
}
