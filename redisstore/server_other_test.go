//go:build !linux

package redisstore_test

import "os/exec"

// dieWithParent does nothing where the kernel cannot tie a process's life
// to its parent's; TestMain and t.Cleanup still stop the servers.
func dieWithParent(*exec.Cmd) {}
