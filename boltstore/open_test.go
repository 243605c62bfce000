package boltstore_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
		{"OtherLayout", otherLayout, nil, `database layout "99", want "3"`},
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

// TestNewUpgradesLayout1 writes a file of layout 1, which had no list
// index and otherwise the buckets of layout 2, then opens it: the records
// of users are listed, newest deadline first, the anonymous ones are not,
// and the upgrade to layout 3 follows.
func TestNewUpgradesLayout1(t *testing.T) {
	path := dbPath(t)
	recs, events := layout2Data(time.Now())
	if err := boltstore.WriteLayout2(path, recs, events); err != nil {
		t.Fatalf("writing a file of layout 2: %v", err)
	}
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
	wantUpgraded(t, path, recs, events)
}

// layout2Data returns the records and events of a file of layout 2:
// sessions of users whose ids could confuse a joined key ("a", "a\x00b"),
// anonymous ones, each with an absolute deadline a minute after the one
// before, and events of a user, a session, both or neither, a second apart
// from base on, in the order of their times.
func layout2Data(base time.Time) ([]*sessiond.Record, []sessiond.Event) {
	var recs []*sessiond.Record
	for i, u := range []string{"alice", "bob", "alice", "", "a", "a\x00b", "alice", "bob", ""} {
		rec := storetest.NewRecord(u)
		rec.AbsoluteExpiresAt = rec.AbsoluteExpiresAt.Add(time.Duration(i) * time.Minute)
		recs = append(recs, rec)
	}
	var events []sessiond.Event
	add := func(typ sessiond.EventType, userID, sessionID string) {
		at := base.Add(time.Duration(len(events)) * time.Second)
		events = append(events, sessiond.Event{ID: fmt.Sprint("e", len(events)), Time: at, Type: typ, UserID: userID, SessionID: sessionID})
	}
	for _, rec := range recs {
		add(sessiond.EventCreated, rec.UserID, rec.ID)
	}
	add(sessiond.EventLoginFailed, "carol", "")
	add(sessiond.EventRevoked, "alice", recs[0].ID)
	add(sessiond.EventRevoked, "", "")
	return recs, events
}

// wantUpgraded opens the file at path, which holds recs and events in an
// older layout, and checks that the store lists the records and queries
// the events as they were stored, with its indexes in step, then closes it
// and checks that the file is of layout 3.
func wantUpgraded(t *testing.T, path string, recs []*sessiond.Record, events []sessiond.Event) {
	t.Helper()
	s, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	wantData(t, s, recs, events)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	wantLayout3(t, path)
}

// wantData checks that s lists the records and queries the events of
// layout2Data as they were stored, and that its indexes are in step.
func wantData(t *testing.T, s *boltstore.Store, recs []*sessiond.Record, events []sessiond.Event) {
	t.Helper()
	ctx := t.Context()
	ids := func(recs []*sessiond.Record, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatalf("listing records: got error %v, want nil", err)
		}
		out := make([]string, len(recs))
		for i, rec := range recs {
			out[i] = rec.ID
		}
		return out
	}
	var listed []string // the records of users, latest deadline first
	for _, rec := range slices.Backward(recs) {
		if rec.UserID != "" {
			listed = append(listed, rec.ID)
		}
	}
	if got := ids(s.ListAll(ctx, sessiond.ListPosition{}, 100)); !slices.Equal(got, listed) {
		t.Errorf("ListAll: got %q, want %q", got, listed)
	}
	for _, u := range []string{"alice", "bob", "a", "a\x00b", "carol"} {
		var want, wantEvents []string
		for _, rec := range recs {
			if rec.UserID == u {
				want = append(want, rec.ID)
			}
		}
		for _, e := range slices.Backward(events) {
			if e.UserID == u {
				wantEvents = append(wantEvents, e.ID)
			}
		}
		got := ids(s.ListUser(ctx, u))
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("ListUser(%q): got %q, want %q", u, got, want)
		}
		if got, want := queryIDs(t, s, sessiond.EventQuery{UserID: u}), strings.Join(wantEvents, " "); got != want {
			t.Errorf("QueryEvents(user %q): got %q, want %q", u, got, want)
		}
	}
	for _, rec := range recs {
		got, ok, err := s.Find(ctx, rec.TokenHash)
		if err != nil || !ok || got.ID != rec.ID || got.UserID != rec.UserID {
			t.Errorf("Find(token of %s): got %v, %t, %v; want the record", rec.ID, got, ok, err)
		}
	}
	if got, want := queryIDs(t, s, sessiond.EventQuery{SessionID: recs[0].ID}), "e10 e0"; got != want {
		t.Errorf("QueryEvents(session): got %q, want %q", got, want)
	}
	if got, want := queryIDs(t, s, sessiond.EventQuery{Type: sessiond.EventRevoked}), "e11 e10"; got != want {
		t.Errorf("QueryEvents(type): got %q, want %q", got, want)
	}
	if got, want := queryIDs(t, s, sessiond.EventQuery{Limit: 3}), "e11 e10 e9"; got != want {
		t.Errorf("QueryEvents(Limit 3): got %q, want %q", got, want)
	}
	wantConsistent(t, s)
}

// viewFile checks that the file at path, closed, is marked layout, and
// calls check in a read transaction of it.
func viewFile(t *testing.T, path, layout string, check func(tx *bolt.Tx)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("meta")).Get([]byte("layout")); string(v) != layout {
			t.Errorf("layout: got %q, want %q", v, layout)
		}
		check(tx)
		return nil
	})
}

// wantLayout3 checks that the file at path, closed, is of layout 3 and
// has no buckets of layout 2 left.
func wantLayout3(t *testing.T, path string) {
	t.Helper()
	viewFile(t, path, "3", func(tx *bolt.Tx) {
		for _, name := range []string{"users", "events_by_user"} {
			if tx.Bucket([]byte(name)) != nil {
				t.Errorf("bucket %s: still there, want it deleted", name)
			}
		}
	})
}

// TestNewUpgradesLayout2 writes a file of layout 2 and opens it, with
// the whole upgrade in one transaction and in many: every record and
// event is listed and queried as before, and the buckets of layout 2 are
// gone.
func TestNewUpgradesLayout2(t *testing.T) {
	for _, chunk := range []int{0, 2} { // 0: the default
		t.Run(fmt.Sprint("Chunk", chunk), func(t *testing.T) {
			if chunk > 0 {
				defer boltstore.UpgradeChunk(chunk)()
			}
			path := dbPath(t)
			recs, events := layout2Data(time.Now())
			if err := boltstore.WriteLayout2(path, recs, events); err != nil {
				t.Fatalf("writing a file of layout 2: %v", err)
			}
			wantUpgraded(t, path, recs, events)
		})
	}
}

// TestNewResumesUpgrade cuts the upgrade of a file of layout 2 short after
// a few of its transactions, as a crash would: the file is then marked so
// that a release of layout 2 refuses it, and the next New finishes the
// upgrade with nothing lost or doubled.
func TestNewResumesUpgrade(t *testing.T) {
	for _, chunks := range []int{0, 1, 3, 100} { // 100: all moved, the old buckets not yet deleted
		t.Run(fmt.Sprint("After", chunks), func(t *testing.T) {
			path := dbPath(t)
			recs, events := layout2Data(time.Now())
			if err := boltstore.WriteLayout2(path, recs, events); err != nil {
				t.Fatalf("writing a file of layout 2: %v", err)
			}
			if err := boltstore.InterruptedUpgrade(path, 2, chunks); err != nil {
				t.Fatalf("upgrading in part: %v", err)
			}
			var sessions, userEvents int // the entries of the layout-2 buckets
			for _, rec := range recs {
				if rec.UserID != "" {
					sessions++
				}
			}
			for _, e := range events {
				if e.UserID != "" {
					userEvents++
				}
			}
			wantUpgrading(t, path, min(2*chunks, sessions)+min(2*chunks, userEvents), sessions+userEvents)
			wantUpgraded(t, path, recs, events)
		})
	}
}

// wantUpgrading checks that the file at path, closed, is marked as being
// upgraded, and that moved of the total entries of the layout-2 buckets
// are in by_user, the others still where they were.
func wantUpgrading(t *testing.T, path string, moved, total int) {
	t.Helper()
	viewFile(t, path, "upgrading to 3", func(tx *bolt.Tx) {
		left := tx.Bucket([]byte("users")).Stats().KeyN + tx.Bucket([]byte("events_by_user")).Stats().KeyN
		if got := tx.Bucket([]byte("by_user")).Stats().KeyN; got != moved || left != total-moved {
			t.Errorf("entries: got %d moved and %d left, want %d and %d", got, left, moved, total-moved)
		}
	})
}

// TestNewLayout3 checks that a new file is of layout 3, which releases of
// older layouts refuse.
func TestNewLayout3(t *testing.T) {
	path := dbPath(t)
	s, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		t.Fatalf("New: got error %v, want nil", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	wantLayout3(t, path)
}
