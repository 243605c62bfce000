package pgstore

import (
	"testing"
)

// TestConfigDefaults checks that zero fields get their documented defaults
// and that set fields, negative ones included, are kept.
func TestConfigDefaults(t *testing.T) {
	got := Config{}.withDefaults()
	if got.Schema != DefaultSchema || got.SweepInterval != DefaultSweepInterval ||
		got.SweepBatch != DefaultSweepBatch || got.AuditRetention != DefaultAuditRetention ||
		got.AuditMaxEvents != 0 || got.Timeout != DefaultTimeout || got.Now == nil || got.Logger == nil {
		t.Errorf("Config{}.withDefaults(): got %+v, want every default", got)
	}
	set := Config{Schema: "s", SweepInterval: -1, SweepBatch: 7, AuditRetention: -1, AuditMaxEvents: 9, Timeout: -1}
	got = set.withDefaults()
	if got.Schema != "s" || got.SweepInterval != -1 || got.SweepBatch != 7 || got.AuditRetention != -1 ||
		got.AuditMaxEvents != 9 || got.Timeout != -1 {
		t.Errorf("withDefaults of set fields: got %+v, want them kept", got)
	}
}

// TestMigrations checks the embedded migrations: numbered from 1 with no
// gap, each with SQL.
func TestMigrations(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: got error %v, want nil", err)
	}
	if len(ms) == 0 {
		t.Fatal("migrations: got none, want at least one")
	}
	for i, m := range ms {
		if m.version != i+1 || m.sql == "" {
			t.Errorf("migration %d: got version %d (%s, %d bytes of SQL), want version %d with SQL", i, m.version, m.name, len(m.sql), i+1)
		}
	}
}
