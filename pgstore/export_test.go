package pgstore

// FindSQL is the statement behind Find, for tests that look at its plan.
func FindSQL(s *Store) string { return s.q.find }

// ListAfterSQL is the statement behind ListAll after a position, for
// tests that look at its plan.
func ListAfterSQL(s *Store) string { return s.q.listAfter }
