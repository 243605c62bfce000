package boltstore_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sessiond/sessiond/boltstore"
	"github.com/sessiond/sessiond/storetest"
)

// crashEnv names the database that TestHelperProcess writes to; the
// helper does nothing without it.
const crashEnv = "BOLTSTORE_CRASH_DB"

// crashAcks is how many acknowledged writes the parent reads before it
// kills the child.
const crashAcks = 300

// TestKill9KeepsAcknowledgedWrites runs a child process that creates
// records from several goroutines, writes new data into each (an Update,
// as a session write does), and prints the id of each one both calls
// returned nil for; it kills the child with SIGKILL in the middle of the
// burst and reopens its database: every printed id must be there, with
// its written data.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	path := dbPath(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the child: %v", err)
	}
	watchdog := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() }) // bounds a stuck child
	defer watchdog.Stop()
	ids := readAcks(stdout, crashAcks)
	cmd.Process.Kill()
	cmd.Wait()
	if len(ids) < crashAcks {
		t.Fatalf("child acknowledged %d writes, want %d; its stderr:\n%s", len(ids), crashAcks, stderr.Bytes())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL during the burst", cmd.ProcessState)
	}

	s := open(t, boltstore.Config{Path: path})
	missing, stale := 0, 0
	for _, id := range ids {
		rec, ok, err := s.Get(t.Context(), id)
		switch {
		case err != nil:
			t.Fatalf("Get(%s): got error %v, want nil", id, err)
		case !ok:
			missing++
		case string(rec.Data) != crashData:
			stale++
		}
	}
	if missing > 0 || stale > 0 {
		t.Errorf("after SIGKILL: got %d of %d acknowledged records missing and %d without their written data, want 0 and 0",
			missing, len(ids), stale)
	}
	if err := boltstore.CheckIndexes(s); err != nil {
		t.Errorf("indexes after SIGKILL: %v", err)
	}
}

// readAcks reads up to n acknowledged ids, the lines "ok <id>" of r.
func readAcks(r io.Reader, n int) []string {
	var ids []string
	sc := bufio.NewScanner(r)
	for len(ids) < n && sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "ok "); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// crashData is the data the child writes into each record it created.
const crashData = "written after create"

// TestHelperProcess is the child of TestKill9KeepsAcknowledgedWrites. It
// creates records from eight goroutines, updates each with crashData, and
// prints "ok <id>" on stdout, one record per line, after the Create and
// the Update returned nil, until it is killed (or, should the parent be
// gone, after 30 seconds).
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the child of TestKill9KeepsAcknowledgedWrites")
	}
	s, err := boltstore.New(boltstore.Config{Path: path})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	deadline := time.Now().Add(30 * time.Second)
	var mu sync.Mutex // one line per write, never interleaved
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				rec := storetest.NewRecord("crash")
				next := *rec
				next.Data, next.Version = []byte(crashData), rec.Version+1
				if err := errors.Join(s.Create(t.Context(), rec), s.Update(t.Context(), &next, rec.Version)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				os.Stdout.WriteString("ok " + rec.ID + "\n") // os.Stdout is unbuffered
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	os.Exit(0)
}
