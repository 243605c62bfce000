package redisstore_test

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill cmd's process if the test binary
// dies first, so that a crashed test leaves no redis-server behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
