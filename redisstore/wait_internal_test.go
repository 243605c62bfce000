package redisstore

import "testing"

// TestReplicasOnline reads INFO replication as masters and replicas of
// Redis 6.2 and 7 write it.
func TestReplicasOnline(t *testing.T) {
	tests := []struct {
		name   string
		info   string
		master bool
		online int
	}{
		{"AloneMaster", "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n", true, 0},
		{"TwoOnlineOneSyncing", "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n" +
			"slave0:ip=127.0.0.1,port=7001,state=online,offset=42,lag=0\r\n" +
			"slave1:ip=127.0.0.1,port=7002,state=wait_bgsave,offset=0,lag=0\r\n" +
			"slave2:ip=127.0.0.1,port=7003,state=online,offset=42,lag=1\r\n", true, 2},
		{"Replica", "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nslave_read_repl_offset:42\r\nslave_repl_offset:42\r\nslave_priority:100\r\nslave_read_only:1\r\nconnected_slaves:0\r\n", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			master, online := replicasOnline(tc.info)
			if master != tc.master || online != tc.online {
				t.Errorf("got (master %t, %d online), want (%t, %d)", master, online, tc.master, tc.online)
			}
		})
	}
}
