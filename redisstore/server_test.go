package redisstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// redisServer is a redis-server process that a test started, with no
// persistence: what it holds dies with it.
type redisServer struct {
	port int
	dir  string
	args []string
	cmd  *exec.Cmd
}

// haveRedisServer reports whether redis-server is on the PATH.
func haveRedisServer() bool {
	_, err := exec.LookPath("redis-server")
	return err == nil
}

// startServer starts redis-server on port, keeping any files in dir, and
// waits until it answers.
func startServer(dir string, port int, extra ...string) (*redisServer, error) {
	s := &redisServer{port: port, dir: dir}
	s.args = append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
	}, extra...)
	return s, s.start()
}

// start runs the server process and waits until it answers PING.
func (s *redisServer) start() error {
	s.cmd = exec.Command("redis-server", s.args...)
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	if err := waitFor(10*time.Second, func() error { return ping(s.addr()) }); err != nil {
		s.stop()
		return fmt.Errorf("redis-server on port %d: %w", s.port, err)
	}
	return nil
}

// stop kills the server and waits until it is gone.
func (s *redisServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// addr is the server's address.
func (s *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// ping sends PING on a fresh connection and expects PONG.
func ping(addr string) error {
	reply, err := command(addr, "PING")
	if err == nil && reply != "+PONG" {
		err = fmt.Errorf("PING: got %q, want +PONG", reply)
	}
	return err
}

// command sends one inline command to addr and returns the first line of
// the reply, or for a bulk string its content.
func command(addr, cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(c, "%s\r\n", cmd); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if err != nil || !strings.HasPrefix(line, "$") {
		return line, err
	}
	n, _ := strconv.Atoi(line[1:])
	buf := make([]byte, max(n, 0)+2)
	_, err = io.ReadFull(r, buf)
	return strings.TrimRight(string(buf), "\r\n"), err
}

// waitFor calls f until it succeeds or within has passed, polling every
// 20ms, and returns f's last error.
func waitFor(within time.Duration, f func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := f()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-tick.C:
		}
	}
}

// freePort returns a port that is free on the loopback, as is the port
// 10,000 above it (a Cluster node's bus port). Both are below Linux's
// ephemeral range (32768 and up), which the kernel hands to outgoing
// connections and to listeners on port 0 in tests running beside these:
// a server stopped and started again on its port would otherwise find it
// taken now and then.
func freePort() (int, error) {
	for range 100 {
		p := 10000 + rand.IntN(22768-10000)
		if free(p) && free(p+10000) {
			return p, nil
		}
	}
	return 0, errors.New("no free port pair found")
}

// free reports whether nothing listens on port.
func free(port int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
