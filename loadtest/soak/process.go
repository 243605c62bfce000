package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverWait bounds how long a server may take to start or to stop.
const serverWait = 60 * time.Second

// process is a server program the soak runs, kills, freezes and starts
// again with the same command line. Its output goes to a log file.
type process struct {
	name string
	path string
	args []string
	env  []string
	dir  string
	log  string
	// cred runs the program as another user (PostgreSQL as "postgres"
	// when the soak runs as root); nil runs it as the soak's own.
	cred *syscall.Credential
	// deathSig is what the kernel sends the program if the soak dies
	// first, so that no server outlives it.
	deathSig syscall.Signal

	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	frozen []int         // the pids freeze stopped
}

// start runs the program. It does not wait for it to serve.
func (p *process) start() error {
	log, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own copy
	cmd := exec.Command(p.path, p.args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = p.dir, log, log
	if p.env != nil {
		cmd.Env = p.env
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred, Pdeathsig: p.deathSig}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", p.name, err)
	}
	p.cmd, p.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(p.exited) }()
	return nil
}

// stop sends sig to the program and waits until it has exited, killing it
// if it has not within serverWait.
func (p *process) stop(sig syscall.Signal) error {
	if p.cmd == nil {
		return nil
	}
	defer func() { p.cmd = nil }()
	p.thaw()
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(serverWait):
		p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("%s did not exit within %v of %v", p.name, serverWait, sig)
	}
}

// freeze stops (SIGSTOP) the program and its child processes, so that it
// keeps its connections open but answers nothing: a hung server.
func (p *process) freeze() error {
	pid := p.cmd.Process.Pid
	p.frozen = append([]int{pid}, childrenOf(pid)...)
	for _, pid := range p.frozen {
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			return fmt.Errorf("freezing %s (pid %d): %w", p.name, pid, err)
		}
	}
	return nil
}

// thaw lets the processes freeze stopped run again.
func (p *process) thaw() {
	for _, pid := range p.frozen {
		syscall.Kill(pid, syscall.SIGCONT) // a child may have gone meanwhile
	}
	p.frozen = nil
}

// running reports whether the program was started and has not exited.
func (p *process) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// logTail returns the end of the program's log, for an error message.
func (p *process) logTail() string {
	b, _ := os.ReadFile(p.log)
	return string(b[max(0, len(b)-2000):])
}

// waitUntil calls ready every 50 ms until it succeeds, p exits or
// serverWait passes, and returns its last error.
func (p *process) waitUntil(ready func() error) error {
	deadline := time.Now().Add(serverWait)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if !p.running() {
			return fmt.Errorf("%s exited: %v\n%s", p.name, err, p.logTail())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %v: %v\n%s", p.name, serverWait, err, p.logTail())
		}
		time.Sleep(50 * time.Millisecond) // polls another process, with a bound
	}
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
		// After the command name, which is in parentheses and may hold
		// spaces: the state, then the parent's pid.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			out = append(out, child)
		}
	}
	return out
}

// restartablePort returns a loopback port free a moment ago, from 2000
// to 6999: below Linux's ephemeral range (32768 and up), which outgoing
// connections and listeners on port 0 take, so that a server stopped and
// started again gets its port back; and away from the ranges the other
// tests of this repository pick theirs from (7000 and up).
func restartablePort() (int, error) {
	for range 100 {
		port := 2000 + rand.IntN(5000)
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			ln.Close()
			return port, nil
		}
	}
	return 0, errors.New("no free port from 2000 to 6999")
}
