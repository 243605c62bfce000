package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// serverWait bounds how long a private server may take to start or stop.
const serverWait = 60 * time.Second

// pgServer is a private PostgreSQL instance that a test starts, stops and
// freezes without disturbing the shared server other tests use. It runs as
// the "postgres" user when the test runs as root, since PostgreSQL refuses
// to run as root.
type pgServer struct {
	bin    string // the directory of initdb and postgres
	dir    string // a temporary directory, with the cluster in dir/data
	port   int
	cred   *syscall.Credential // nil: run as the test's own user
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	frozen []int         // the pids that freeze stopped
}

// startServer makes a new cluster in a temporary directory and starts it
// on a free port of 127.0.0.1. It skips the test if the PostgreSQL server
// programs are not installed.
func startServer(t *testing.T) *pgServer {
	t.Helper()
	srv := &pgServer{bin: serverBin(t), cred: serverCredential(t)}
	dir, err := os.MkdirTemp("", "pgstore-server-")
	if err != nil {
		t.Fatal(err)
	}
	srv.dir = dir
	t.Cleanup(srv.destroy)
	if srv.cred != nil {
		if err := os.Chown(dir, int(srv.cred.Uid), int(srv.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	srv.initdb(t)
	srv.port = freePort(t)
	srv.start(t)
	return srv
}

// serverBin returns the directory of initdb and postgres: on the PATH, or
// the newest of Debian's /usr/lib/postgresql/*/bin.
func serverBin(t *testing.T) string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(a) - versionOf(b) })
	for _, d := range slices.Backward(dirs) {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d
		}
	}
	t.Skip("pgstore: PostgreSQL server programs (initdb, postgres) not installed: " +
		"the fail-closed tests need a private server they can stop")
	return ""
}

// versionOf returns the major version in /usr/lib/postgresql/N/bin.
func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// serverCredential returns the credential of the postgres user when the
// test runs as root, and nil otherwise.
func serverCredential(t *testing.T) *syscall.Credential {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Skipf("pgstore: running as root and no postgres user to run a private server as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// command returns the server program name with args, run as the server's
// user in its directory, dying with the test process.
func (srv *pgServer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(srv.bin, name), args...)
	cmd.Dir = srv.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: srv.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

// initdb makes the cluster.
func (srv *pgServer) initdb(t *testing.T) {
	t.Helper()
	cmd := srv.command("initdb", "-D", srv.data(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
}

// data is the cluster's directory.
func (srv *pgServer) data() string { return filepath.Join(srv.dir, "data") }

// URL is the server's connection URL.
func (srv *pgServer) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", srv.port)
}

// start starts the server and waits until it accepts connections.
func (srv *pgServer) start(t *testing.T) {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(srv.dir, "log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close() // the child has its own copy
	cmd := srv.command("postgres", "-D", srv.data(), "-p", strconv.Itoa(srv.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=30",
		"-c", "shared_buffers=16MB")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting postgres: %v", err)
	}
	srv.cmd, srv.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(srv.exited) }()
	if err := srv.waitReady(); err != nil {
		t.Fatalf("postgres did not start: %v\n%s", err, srv.logTail())
	}
}

// waitReady polls the server until it answers, it exits, or serverWait
// passes.
func (srv *pgServer) waitReady() error {
	deadline := time.Now().Add(serverWait)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgconn.Connect(ctx, srv.URL())
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-srv.exited:
			return errors.New("postgres exited")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

// stop shuts the server down (a "fast" shutdown: every session is ended)
// and waits until it has exited.
func (srv *pgServer) stop(t *testing.T) {
	t.Helper()
	if err := srv.signalWait(syscall.SIGINT); err != nil {
		t.Fatalf("stopping postgres: %v\n%s", err, srv.logTail())
	}
}

// signalWait sends sig to the postmaster and waits until it has exited.
func (srv *pgServer) signalWait(sig syscall.Signal) error {
	if srv.cmd == nil {
		return nil
	}
	defer func() { srv.cmd = nil }()
	if err := srv.cmd.Process.Signal(sig); err != nil {
		return err
	}
	select {
	case <-srv.exited:
		return nil
	case <-time.After(serverWait):
		srv.cmd.Process.Kill()
		return errors.New("postgres did not exit")
	}
}

// freeze stops (SIGSTOP) the postmaster and every backend, so that the
// server holds its connections open but never answers: a hung server.
func (srv *pgServer) freeze(t *testing.T) {
	t.Helper()
	pm := srv.cmd.Process.Pid
	srv.frozen = append([]int{pm}, childrenOf(pm)...)
	t.Cleanup(srv.thaw) // before the pool, made earlier, is closed
	for _, pid := range srv.frozen {
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatalf("freezing pid %d: %v", pid, err)
		}
	}
}

// thaw lets the processes that freeze stopped run again.
func (srv *pgServer) thaw() {
	for _, pid := range srv.frozen {
		syscall.Kill(pid, syscall.SIGCONT) // a backend may have gone meanwhile
	}
	srv.frozen = nil
}

// destroy stops the server if it runs and removes its directory.
func (srv *pgServer) destroy() {
	srv.thaw()
	srv.signalWait(syscall.SIGQUIT) // an immediate shutdown: the data goes anyway
	os.RemoveAll(srv.dir)
}

// logTail returns the end of the server's log.
func (srv *pgServer) logTail() string {
	b, _ := os.ReadFile(filepath.Join(srv.dir, "log"))
	return string(b[max(0, len(b)-4000):])
}

// childrenOf returns the pids of the processes whose parent is pid.
func childrenOf(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the process has gone
		}
		// The fields after the command name, which is in parentheses and
		// may hold spaces: state, then the parent's pid.
		_, rest, _ := strings.Cut(string(b[strings.LastIndexByte(string(b), ')')+1:]), " ")
		fields := strings.Fields(rest)
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			out = append(out, child)
		}
	}
	return out
}
