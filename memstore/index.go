package memstore

import "github.com/sessiond/sessiond"

// The functions in this file keep the three maps in step. The caller holds
// the write lock (or, in New, is the only one to see the store), except for
// hashesFree, which needs only the read lock.

// reset makes the store empty.
func (s *Store) reset() {
	s.byID = make(map[string]*sessiond.Record)
	s.byHash = make(map[sessiond.Hash]string)
	s.byUser = make(map[string]map[string]struct{})
}

// put stores rec and indexes it by id, by each of its hashes and by user.
func (s *Store) put(rec *sessiond.Record) {
	s.byID[rec.ID] = rec
	for _, h := range rec.Hashes() {
		s.byHash[h] = rec.ID
	}
	if rec.UserID == "" {
		return
	}
	ids, ok := s.byUser[rec.UserID]
	if !ok {
		ids = make(map[string]struct{}, 1)
		s.byUser[rec.UserID] = ids
	}
	ids[rec.ID] = struct{}{}
}

// remove drops rec and every index entry that put made for it.
func (s *Store) remove(rec *sessiond.Record) {
	delete(s.byID, rec.ID)
	for _, h := range rec.Hashes() {
		delete(s.byHash, h)
	}
	ids := s.byUser[rec.UserID]
	delete(ids, rec.ID)
	if len(ids) == 0 {
		delete(s.byUser, rec.UserID)
	}
}

// hashesFree reports whether none of hs leads to a record other than id.
func (s *Store) hashesFree(id string, hs []sessiond.Hash) bool {
	for _, h := range hs {
		if owner, ok := s.byHash[h]; ok && owner != id {
			return false
		}
	}
	return true
}
