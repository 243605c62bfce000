package main

import (
	"bufio"
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
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// errNotInstalled is returned when a store server's programs are not
// installed.
var errNotInstalled = errors.New("not installed")

// storeServer is a store server of the soak's own, on a loopback port:
// never the machine's shared Redis or PostgreSQL, which other programs
// use. The soak restarts and freezes it.
type storeServer struct {
	// url is the replicas' --store.
	url  string
	proc *process
	// ready reports whether the server answers.
	ready func() error
	// crash is the signal restart ends the server with: one that loses
	// whatever the server has not made durable.
	crash syscall.Signal
	// dir is removed by close.
	dir string
}

// kill ends the server as a crash would.
func (s *storeServer) kill() error { return s.proc.stop(s.crash) }

// start starts the server on its port and files and waits until it
// answers.
func (s *storeServer) start() error {
	if err := s.proc.start(); err != nil {
		return err
	}
	return s.proc.waitUntil(s.ready)
}

// close stops the server and removes its files.
func (s *storeServer) close() error {
	err := s.proc.stop(syscall.SIGKILL)
	return errors.Join(err, os.RemoveAll(s.dir))
}

// startRedis starts redis-server in a new directory under parent. With
// aof it keeps an append-only file synced before each reply
// (appendfsync always), so that an acknowledged write survives a crash;
// without, a restart empties it.
func startRedis(parent string, aof bool) (*storeServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("%w: redis-server (Debian's redis-server package): %v", errNotInstalled, err)
	}
	port, err := restartablePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(parent, "redis")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
		"--save", "", "--daemonize", "no", "--loglevel", "warning"}
	if aof {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s := &storeServer{
		url:   "redis://" + addr + "/0",
		proc:  &process{name: "redis-server", path: bin, args: args, dir: dir, log: filepath.Join(dir, "log"), deathSig: syscall.SIGKILL},
		ready: func() error { return pingRedis(addr) },
		crash: syscall.SIGKILL,
		dir:   dir,
	}
	return s.first()
}

// first starts s's server for the first time; if it does not answer, it
// removes what it made.
func (s *storeServer) first() (*storeServer, error) {
	if err := s.start(); err != nil {
		return nil, errors.Join(err, s.close())
	}
	return s, nil
}

// pingRedis sends PING to addr on a new connection and expects PONG (a
// server still loading its file answers an error).
func pingRedis(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil && line != "+PONG\r\n" {
		err = fmt.Errorf("PING: got %q", strings.TrimSpace(line))
	}
	return err
}

// startPostgres makes a PostgreSQL cluster in a new temporary directory
// with initdb and starts it, durable as PostgreSQL is by default (fsync
// on, synchronous commit). As root it runs as the "postgres" user, since
// PostgreSQL refuses to run as root; the directory is then outside the
// soak's own, which that user could not enter.
func startPostgres() (*storeServer, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	cred, err := postgresCredential()
	if err != nil {
		return nil, err
	}
	port, err := restartablePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "soak-postgres-")
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, errors.Join(err, os.RemoveAll(dir))
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir, initdb.SysProcAttr = dir, &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, errors.Join(fmt.Errorf("initdb: %w\n%s", err, out), os.RemoveAll(dir))
	}
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", port)
	s := &storeServer{
		url: url,
		proc: &process{name: "postgres", path: filepath.Join(bin, "postgres"), dir: dir, log: filepath.Join(dir, "log"), cred: cred,
			// SIGQUIT: an immediate shutdown, the postmaster taking its
			// backends with it.
			deathSig: syscall.SIGQUIT,
			args: []string{"-D", data, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
				"-c", "unix_socket_directories=", "-c", "max_connections=50", "-c", "shared_buffers=32MB"}},
		ready: func() error { return pingPostgres(url) },
		// An immediate shutdown: no checkpoint, and the next start replays
		// the write-ahead log, as after a crash. (SIGKILL of the postmaster
		// would leave its backends running, holding the port.)
		crash: syscall.SIGQUIT,
		dir:   dir,
	}
	return s.first()
}

// pingPostgres connects to url and closes the connection.
func pingPostgres(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, url)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// postgresBin returns the directory of initdb and postgres: on the PATH,
// or the newest of Debian's /usr/lib/postgresql/*/bin.
func postgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	major := func(dir string) int { n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir))); return n }
	slices.SortFunc(dirs, func(a, b string) int { return major(b) - major(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w: PostgreSQL's initdb and postgres, on the PATH or in /usr/lib/postgresql/*/bin", errNotInstalled)
}

// postgresCredential returns the "postgres" user's credential when the
// soak runs as root, and nil otherwise.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and no postgres user to run PostgreSQL as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
