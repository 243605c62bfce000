package pgstore_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/pgstore"
	"github.com/sessiond/sessiond/storetest"
)

// TestUpdate_ReindexesWhatTheDataPathCannot updates records whose token
// hashes the single-row data statement must not take for unchanged: a
// retired hash dropped under the same current hash, and a row written
// before migration 6, which has no token_set. Each Update must bring the
// token index in step.
func TestUpdate_ReindexesWhatTheDataPathCannot(t *testing.T) {
	p := testPool(t)
	s := newStore(t, p, pgstore.Config{SweepInterval: -1})
	ctx := t.Context()

	dropped := storetest.NewRecord("alice")
	old := storetest.NewRecord("")
	dropped.Retired = []sessiond.RetiredToken{{Hash: old.TokenHash, GraceUntil: dropped.CreatedAt}}
	legacy := storetest.NewRecord("bob")
	mustCreate(t, s, dropped, legacy)
	sql := "UPDATE " + pgx.Identifier{s.Schema(), "sessions"}.Sanitize() + " SET token_set = NULL WHERE id = $1"
	if _, err := p.Exec(ctx, sql, legacy.ID); err != nil {
		t.Fatal(err)
	}

	next := *dropped
	next.Retired, next.Version = nil, dropped.Version+1
	if err := s.Update(ctx, &next, dropped.Version); err != nil {
		t.Fatalf("Update dropping a retired hash: got error %v, want nil", err)
	}
	if _, found, err := s.Find(ctx, old.TokenHash); found || err != nil {
		t.Errorf("Find by the dropped hash: got (%t, %v), want (false, nil)", found, err)
	}

	for v := legacy.Version; v < legacy.Version+2; v++ { // the first sets token_set, the second is a data write
		next := *legacy
		next.Version, next.Data = v+1, []byte{byte(v)}
		if err := s.Update(ctx, &next, v); err != nil {
			t.Fatalf("Update of a row without token_set, version %d: got error %v, want nil", v, err)
		}
		got, found, err := s.Find(ctx, legacy.TokenHash)
		if !found || err != nil || got.Version != v+1 {
			t.Fatalf("Find after the Update: got (%v, %t, %v), want version %d", got, found, err, v+1)
		}
	}
}
