package boltstore_test

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestNewErrors checks that New returns a clear error, and does not panic,
// for each path it cannot use.
func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		path    func(t *testing.T) string
		wantIs  error  // matched with errors.Is; nil to skip
		wantMsg string // a part of the message
	}{
		{"NoPath", func(*testing.T) string { return "" }, nil, "Config.Path is required"},
		{"MissingDirectory", func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "no", "such", "dir", "s.db")
		}, fs.ErrNotExist, "no such file or directory"},
		{"Directory", func(t *testing.T) string { return t.TempDir() }, syscall.EISDIR, "is a directory"},
		{"ParentIsAFile", func(t *testing.T) string {
			return filepath.Join(writeFile(t, []byte("x")), "s.db")
		}, syscall.ENOTDIR, "not a directory"},
		{"UnwritableDirectory", unwritableDir, fs.ErrPermission, "permission denied"},
		{"NotADatabase", func(t *testing.T) string {
			return writeFile(t, []byte(strings.Repeat("not a bolt file\n", 1024)))
		}, berrors.ErrInvalid, "invalid database"},
		{"RandomBytes", func(t *testing.T) string { return writeFile(t, []byte(rand.Text()+rand.Text())) }, nil, "boltstore: open"},
		{"Locked", lockedPath, berrors.ErrTimeout, "locked by another process"},
		{"OtherLayout", otherLayout, nil, `database layout "99", want "2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := boltstore.New(boltstore.Config{Path: tc.path(t), Timeout: 50 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatal("New: got nil error, want one")
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("New: got error %v, want one matching %v", err, tc.wantIs)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "boltstore: ") || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("New: got error %q, want one starting %q and containing %q", msg, "boltstore: ", tc.wantMsg)
			}
		})
	}
}

// writeFile writes b into a new file and returns its path.
func writeFile(t *testing.T, b []byte) string {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// unwritableDir returns a path in a directory the test cannot write, or
// skips when it runs as root, who can write anywhere.
func unwritableDir(t *testing.T) string {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which may write into any directory")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	return filepath.Join(dir, "s.db")
}

// lockedPath returns the path of a database that an open Store holds.
func lockedPath(t *testing.T) string {
	path := dbPath(t)
	open(t, boltstore.Config{Path: path})
	return path
}

// otherLayout returns the path of a database whose layout version is not
// this package's.
func otherLayout(t *testing.T) string {
	path := dbPath(t)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("layout"), []byte("99"))
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNewFileMode checks the permission of a new file, by default and
// when set.
func TestNewFileMode(t *testing.T) {
	tests := []struct {
		name string
		mode os.FileMode
		want os.FileMode
	}{
		{"Default", 0, 0o600},
		{"Set", 0o640, 0o640},
	}
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := dbPath(t)
			open(t, boltstore.Config{Path: path, FileMode: tc.mode})
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tc.want {
				t.Errorf("file mode: got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNewUpgradesLayout1 takes a file back to layout 1, which had no list
// index, then opens it: the records of users are listed, the anonymous
// one is not, and the indexes are in step.
func TestNewUpgradesLayout1(t *testing.T) {
	path := dbPath(t)
	first, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	older, newer := storetest.NewRecord("alice"), storetest.NewRecord("bob")
	newer.AbsoluteExpiresAt = older.AbsoluteExpiresAt.Add(time.Minute)
	for _, rec := range []*sessiond.Record{older, newer, storetest.NewRecord("")} {
		mustCreate(t, first, rec)
	}
	first.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("list")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("layout"), []byte("1"))
	})
	db.Close()
	if err != nil {
		t.Fatalf("taking the file back to layout 1: %v", err)
	}

	s := open(t, boltstore.Config{Path: path})
	got, err := s.ListAll(t.Context(), sessiond.ListPosition{}, 10)
	if err != nil || len(got) != 2 || got[0].ID != newer.ID || got[1].ID != older.ID {
		t.Errorf("ListAll after the upgrade: got %d records, %v; want bob's, then alice's", len(got), err)
	}
	if err := boltstore.CheckIndexes(s); err != nil {
		t.Errorf("indexes after the upgrade: %v", err)
	}
}
