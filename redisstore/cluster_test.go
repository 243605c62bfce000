package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
)

// testCluster is a three-master Redis Cluster on the loopback.
type testCluster struct {
	dir     string
	servers []*redisServer
	addrs   []string
	client  rueidis.Client
}

var (
	clusterOnce sync.Once
	theCluster  *testCluster
	clusterErr  error
)

// cluster returns the package's test Cluster, starting it on first use, or
// skips the test if redis-server or redis-cli is missing. TestMain stops it.
func cluster(t testing.TB) *testCluster {
	t.Helper()
	if !haveRedisServer() {
		t.Skip("redis-server is not on the PATH")
	}
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli is not on the PATH")
	}
	clusterOnce.Do(func() { theCluster, clusterErr = startCluster() })
	if clusterErr != nil {
		t.Fatalf("starting a Redis Cluster: %v", clusterErr)
	}
	return theCluster
}

// stopCluster stops the test Cluster if it was started.
func stopCluster() {
	if theCluster != nil {
		theCluster.stop()
	}
}

// startCluster starts three Cluster-enabled servers, makes them a Cluster
// and waits until every node reports it ready.
func startCluster() (*testCluster, error) {
	dir, err := os.MkdirTemp("", "redisstore-cluster-")
	if err != nil {
		return nil, err
	}
	c := &testCluster{dir: dir}
	if err := c.startNodes(3); err != nil {
		c.stop()
		return nil, err
	}
	if err := c.create(); err != nil {
		c.stop()
		return nil, err
	}
	if c.client, err = rueidis.NewClient(testOptions(c.addrs...)); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// startNodes starts n Cluster-enabled servers on free ports, with extra
// arguments.
func (c *testCluster) startNodes(n int, extra ...string) error {
	for range n {
		port, err := freePort()
		if err != nil {
			return err
		}
		conf := filepath.Join(c.dir, "nodes-"+strconv.Itoa(port)+".conf")
		s, err := startServer(c.dir, port, append([]string{"--cluster-enabled", "yes", "--cluster-config-file", conf}, extra...)...)
		if err != nil {
			return err
		}
		c.servers = append(c.servers, s)
		c.addrs = append(c.addrs, s.addr())
	}
	return nil
}

// create joins the servers into a Cluster with redis-cli, with extra
// arguments, and waits until every node says cluster_state:ok.
func (c *testCluster) create(extra ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append(append(append([]string{"--cluster", "create"}, c.addrs...), extra...), "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-cli --cluster create: %v: %s", err, out)
	}
	return waitFor(20*time.Second, func() error {
		for _, a := range c.addrs {
			info, err := command(a, "CLUSTER INFO")
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") {
				return fmt.Errorf("%s: cluster_state is not ok yet", a)
			}
		}
		return nil
	})
}

// stop closes the client, kills the servers and removes their files.
func (c *testCluster) stop() {
	if c.client != nil {
		c.client.Close()
	}
	for _, s := range c.servers {
		s.stop()
	}
	os.RemoveAll(c.dir)
}
