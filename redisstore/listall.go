package redisstore

import (
	"context"

	"github.com/sessiond/sessiond"
)

// listBatch is how many members of the list ListAll reads at least per
// round trip: more than a page when some lead nowhere.
const listBatch = 100

// listCalls are the writes that list rec, a record of a user, and trim
// from the list the members whose absolute deadline passed by
// Config.Now (Redis has let their keys expire), in the pipeline of
// Create's or Update's last round trip.
func (s *Store) listCalls(rec *sessiond.Record) []call {
	k := s.k.list()
	return []call{
		{key: k, cmd: s.c.B().Zadd().Key(k).ScoreMember().ScoreMember(0, listMember(rec.AbsoluteExpiresAt, rec.ID)).Build()},
		{key: k, cmd: s.c.B().Zremrangebylex().Key(k).Min("-").Max("(" + listMember(s.cfg.Now(), "")).Build()},
	}
}

// unlistCall is the write that takes rec off the list.
func (s *Store) unlistCall(rec *sessiond.Record) call {
	return call{key: s.k.list(), cmd: s.c.B().Zrem().Key(s.k.list()).Member(listMember(rec.AbsoluteExpiresAt, rec.ID)).Build()}
}

// ListAll returns up to limit records of users after the position after,
// in the order of [sessiond.SessionLister], from the list: a batch of its
// members from after backwards, then their id keys and their homes in a
// pipeline each, as ListUser reads a user's index; three round trips a
// batch. Members whose id key is gone (the record was deleted, or its
// absolute deadline passed) leave the list on the way. Those that lead
// to no home (the record expired when idle) are passed over; they leave
// the list at their absolute deadline.
func (s *Store) ListAll(ctx context.Context, after sessiond.ListPosition, limit int) ([]*sessiond.Record, error) {
	from := "+"
	if after != (sessiond.ListPosition{}) {
		from = "(" + listMember(after.AbsoluteExpiresAt, after.ID)
	}
	var recs []*sessiond.Record
	for len(recs) < limit {
		n := max(limit-len(recs), listBatch)
		members, found, err := s.listBatch(ctx, from, n)
		if err != nil {
			return nil, wrap("list all", err)
		}
		recs = append(recs, found[:min(len(found), limit-len(recs))]...)
		if len(members) < n {
			break
		}
		from = "(" + members[len(members)-1]
	}
	return recs, nil
}

// listBatch reads up to n members of the list from from backwards, and
// the records of users they lead to, in their order, within
// Config.Timeout.
func (s *Store) listBatch(ctx context.Context, from string, n int) (members []string, recs []*sessiond.Record, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	k := s.k.list()
	members, err = s.c.Do(ctx, s.c.B().Zrange().Key(k).Min(from).Max("-").Bylex().Rev().Limit(0, int64(n)).Build()).AsStrSlice()
	if err != nil || len(members) == 0 {
		return nil, nil, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m[min(16, len(m)):] // a member cut short has no id key, and leaves
	}
	homes, dead, err := s.locateAll(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for i, t := range homes {
		if t.id == "" {
			continue
		}
		rec, err := t.record(ids[i])
		if err != nil {
			return nil, nil, err
		}
		if rec.UserID != "" {
			recs = append(recs, rec)
		}
	}
	return members, recs, s.unlistDead(ctx, members, ids, dead)
}

// unlistDead takes off the list the members whose ids are dead.
func (s *Store) unlistDead(ctx context.Context, members, ids, dead []string) error {
	if len(dead) == 0 {
		return nil
	}
	gone := make(map[string]bool, len(dead))
	for _, id := range dead {
		gone[id] = true
	}
	var rm []string
	for i, id := range ids {
		if gone[id] {
			rm = append(rm, members[i])
		}
	}
	return s.c.Do(ctx, s.c.B().Zrem().Key(s.k.list()).Member(rm...).Build()).Error()
}
