package pgstore_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// currentHash reads the token_hash column of session id.
func currentHash(t *testing.T, s *pgstore.Store, id string) []byte {
	t.Helper()
	var h []byte
	table := pgx.Identifier{s.Schema(), "sessions"}.Sanitize()
	if err := testPool(t).QueryRow(t.Context(), "SELECT token_hash FROM "+table+" WHERE id = $1", id).Scan(&h); err != nil {
		t.Fatalf("reading token_hash: %v", err)
	}
	return h
}

// TestCurrentHashColumn checks that Create and Update keep the current
// token's hash on the session's row, which Find reads first.
func TestCurrentHashColumn(t *testing.T) {
	s := newStore(t, testPool(t), pgstore.Config{})
	rec := storetest.NewRecord("alice")
	mustCreate(t, s, rec)
	if got := currentHash(t, s, rec.ID); string(got) != string(rec.TokenHash[:]) {
		t.Errorf("after Create: token_hash %x, want %x", got, rec.TokenHash)
	}
	next := *rec
	next.Retired = []sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: rec.LastSeenAt}}
	next.TokenHash = storetest.NewRecord("").TokenHash
	updateWantHash(t, s, &next, rec.Version)
}

// updateWantHash updates the session to next, one version past version,
// and checks that its row's token_hash is then next's current hash.
func updateWantHash(t *testing.T, s *pgstore.Store, next *sessiond.Record, version int64) {
	t.Helper()
	next.Version = version + 1
	if err := s.Update(t.Context(), next, version); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := currentHash(t, s, next.ID); string(got) != string(next.TokenHash[:]) {
		t.Errorf("after Update: token_hash %x, want %x", got, next.TokenHash)
	}
}

// TestFindReadsOneIndex checks the plan of Find's statement for a current
// hash: the sessions' own index answers it. (That the token index is not
// read as well, TestRoundTrips checks: the join is a second statement.)
func TestFindReadsOneIndex(t *testing.T) {
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{})
	rec := storetest.NewRecord("alice")
	mustCreate(t, s, rec)
	rows, err := p.Query(t.Context(), "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "+pgstore.FindSQL(s), rec.TokenHash[:])
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if plan := strings.Join(lines, "\n"); !strings.Contains(plan, "sessions_token_hash") {
		t.Errorf("plan does not use the token_hash index:\n%s", plan)
	}
	if _, found, err := s.Find(t.Context(), rec.TokenHash); !found || err != nil {
		t.Errorf("Find: got (%t, %v), want the record", found, err)
	}
}

// TestFindRowBeforeMigration2 checks a session written before the
// token_hash column existed, whose current hash the token index held:
// Find reaches it through the token index, and its next Update fills the
// column and takes the current hash out of the token index.
func TestFindRowBeforeMigration2(t *testing.T) {
	s, rec := storedAndAltered(t, "token_hash = NULL")
	p := testPool(t)
	tokens := pgx.Identifier{s.Schema(), "session_tokens"}.Sanitize()
	if _, err := p.Exec(t.Context(), "INSERT INTO "+tokens+" (hash, session_id) VALUES ($1, $2)", rec.TokenHash[:], rec.ID); err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Find(t.Context(), rec.TokenHash)
	if !found || err != nil || got.ID != rec.ID {
		t.Fatalf("Find of a row without token_hash: got (%v, %t, %v), want the record", got, found, err)
	}
	next := *rec
	updateWantHash(t, s, &next, rec.Version)
	if got := tokenRows(t, s, rec.ID); len(got) != len(rec.Retired) {
		t.Errorf("token index after Update: %d rows, want %d, the retired hashes", len(got), len(rec.Retired))
	}
}

// TestTokenIndexHoldsRetired checks that the token index holds the
// retired hashes of a session and not its current one, which its own row
// holds: none for a new session, the one rotation replaced after it.
func TestTokenIndexHoldsRetired(t *testing.T) {
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{})
	rec := storetest.NewRecord("alice")
	mustCreate(t, s, rec)
	if got := tokenRows(t, s, rec.ID); len(got) != 0 {
		t.Fatalf("token index after Create: %d rows, want none", len(got))
	}
	next := *rec
	next.Retired = []sessiond.RetiredToken{{Hash: rec.TokenHash, GraceUntil: rec.CreatedAt.Add(time.Minute)}}
	rand.Read(next.TokenHash[:])
	updateWantHash(t, s, &next, rec.Version)
	if got := tokenRows(t, s, rec.ID); len(got) != 1 || string(got[0]) != string(rec.TokenHash[:]) {
		t.Fatalf("token index after a rotation: got %x, want the replaced hash %x", got, rec.TokenHash)
	}
	for _, h := range []sessiond.Hash{rec.TokenHash, next.TokenHash} {
		if got, found, err := s.Find(t.Context(), h); !found || err != nil || got.ID != rec.ID {
			t.Errorf("Find(%x): got (%t, %v), want the record", h[:4], found, err)
		}
	}
}

// tokenRows returns the hashes the token index holds for the session id.
func tokenRows(t *testing.T, s *pgstore.Store, id string) [][]byte {
	t.Helper()
	tokens := pgx.Identifier{s.Schema(), "session_tokens"}.Sanitize()
	rows, err := testPool(t).Query(t.Context(), "SELECT hash FROM "+tokens+" WHERE session_id = $1", id)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// TestFindBadDeadline checks that a row whose deadline column holds no
// finite time is an error, not a session that never expires.
func TestFindBadDeadline(t *testing.T) {
	for _, set := range []string{"idle_expires_at = 'infinity'", "last_seen_at = '-infinity'"} {
		s, rec := storedAndAltered(t, set)
		if got, found, err := s.Find(t.Context(), rec.TokenHash); err == nil || found {
			t.Errorf("%s: Find got (%v, %t, %v), want an error", set, got, found, err)
		}
	}
}

// storedAndAltered returns a store holding one record, whose row has then
// been changed behind the store's back by UPDATE … SET set.
func storedAndAltered(t *testing.T, set string) (*pgstore.Store, *sessiond.Record) {
	t.Helper()
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{})
	rec := storetest.NewRecord("alice")
	mustCreate(t, s, rec)
	table := pgx.Identifier{s.Schema(), "sessions"}.Sanitize()
	if _, err := p.Exec(t.Context(), "UPDATE "+table+" SET "+set); err != nil {
		t.Fatal(err)
	}
	return s, rec
}
