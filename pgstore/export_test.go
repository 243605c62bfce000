package pgstore

// FindSQL is the statement behind Find, for tests that look at its plan.
func FindSQL(s *Store) string { return s.q.find }
