package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/datakeys"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/demo"
)

// plainUsers is a demo user file as sessiond wrote it before TOTP secrets
// were sealed.
const plainUsers = `[{"id": "u_alice", "name": "alice", "password_hash": "x", "totp_secret": "JBSWY3DPEHPK3PXP",
	"created": "2026-03-02T09:00:00Z"}]`

// TestSites_DemoTOTPSecretsSealed checks that the demo's user directory
// gets the ring of --data-key-file: a file of plain secrets is sealed
// under it at start, and a sealed secret moved to another user stops the
// demo from starting.
func TestSites_DemoTOTPSecretsSealed(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "demo-users.json")
	if err := os.WriteFile(file, []byte(plainUsers), 0o600); err != nil {
		t.Fatal(err)
	}
	app := newApp(t, dir)
	if _, _, _, err := app.Sites(true); err != nil {
		t.Fatalf("Sites: %v", err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "JBSWY3DPEHPK3PXP") {
		t.Fatalf("the demo's user file still holds the TOTP secret in plain text:\n%s", data)
	}
	keys, err := datakeys.Load(app.Config.DataKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := sessiond.NewKeyRing(keys)
	if err != nil {
		t.Fatal(err)
	}
	users, err := demo.OpenUsers(file, ring)
	if err != nil {
		t.Fatalf("opening the user file with the data keys: %v", err)
	}
	if alice, _ := users.ByName("alice"); alice.TOTPSecret != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("got TOTP secret %q, want the one of the plain file", alice.TOTPSecret)
	}

	var list []map[string]any
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	list = append(list, map[string]any{"id": "u_mallory", "name": "mallory", "password_hash": "x",
		"totp_sealed": list[0]["totp_sealed"], "created": "2026-03-02T09:00:00Z"})
	data, _ = json.Marshal(list)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := newApp(t, dir).Sites(true); err == nil || !strings.Contains(err.Error(), `user "mallory": the TOTP secret does not open`) {
		t.Fatalf("Sites with alice's sealed secret moved to mallory: got %v, want an error naming mallory", err)
	}
}
